import { type Command, UsageError } from '../command';
import { ExitCode } from '../exit-codes';
import { defaultMachineId } from '../workspace';
import {
  type BatchSender,
  FeedbackLog,
  TELEMETRY_SALT,
  type TelemetryClient,
  TelemetryFanOut,
  hashId,
  httpSender,
  openTelemetryClient,
  posthogSender,
  previewFeedback,
  submitFeedback,
} from '../../core/telemetry';

/** PostHog's queue beside the endpoint's in --queue-dir, as in the extension's storage. */
const POSTHOG_QUEUE_FILE = 'posthog-queue.jsonl';

/** `chimera feedback`: 👍/👎 with optional text, previewed exactly, sent only to an endpoint or a PostHog project given. */
export const feedbackCommand: Command = {
  name: 'feedback',
  summary: 'Send 👍 / 👎 feedback on Chimera (shows exactly what is sent)',
  usage: 'chimera feedback --positive|--negative [--text T] [--endpoint URL] [--posthog-key KEY [--posthog-host URL]] [--queue-dir DIR] [--preview]',
  options: {
    positive: { type: 'boolean' },
    negative: { type: 'boolean' },
    text: { type: 'string' },
    endpoint: { type: 'string' },
    'posthog-key': { type: 'string' },
    'posthog-host': { type: 'string' },
    'queue-dir': { type: 'string' },
    preview: { type: 'boolean' },
  },
  async run(context, options) {
    if ((options.positive === true) === (options.negative === true)) throw new UsageError('give exactly one of --positive or --negative');
    const input = { sentiment: options.positive === true ? 'positive' : 'negative', source: 'cli', ...(typeof options.text === 'string' ? { text: options.text } : {}) } as const;
    const preview = previewFeedback(input);
    const shown = JSON.stringify({ name: preview.name, data: preview.data });
    const truncatedNote = preview.textTruncated ? ' (text shortened to the limit)' : '';
    const senders = feedbackSenders(options);
    if (options.preview === true || senders.length === 0) {
      const reason = options.preview === true ? 'preview only' : 'no --endpoint or --posthog-key given';
      return { exitCode: ExitCode.Ok, data: { feedback: preview, sent: false, reason }, text: `Not sent (${reason}). This is what would be sent${truncatedNote}:\n${shown}` };
    }
    const directory = typeof options['queue-dir'] === 'string' ? options['queue-dir'] : undefined;
    const clients: TelemetryClient[] = [];
    for (const { sender, fileName } of senders) {
      // Feedback is a deliberate act: it is sent whatever the telemetry level (see decideConsent).
      clients.push(await openTelemetryClient({ directory, fileName, sender, consent: () => ({ telemetryLevel: 'off', chimeraTelemetryEnabled: false }), salt: TELEMETRY_SALT, flushIntervalMs: 0, log: context.log }));
    }
    const client = new TelemetryFanOut(clients[0]!, clients.slice(1).map((other) => ({ client: other, active: () => true })));
    const submission = await submitFeedback(client, await FeedbackLog.open(directory), input, Date.now());
    await client.dispose();
    const data = { feedback: preview, sent: submission.delivery.status === 'delivered', delivery: submission.delivery, summary: submission.summary, storage: client.stats().storage };
    if (submission.delivery.status === 'delivered') return { exitCode: ExitCode.Ok, data, text: `Sent${truncatedNote}:\n${shown}` };
    const error = submission.delivery.status === 'failed' ? submission.delivery.error : submission.delivery.status;
    const kept = directory !== undefined && client.stats().storage.persistent ? `kept in ${directory}; it is sent with the next successful feedback` : 'not kept (give --queue-dir to keep it for a later attempt)';
    context.log(`chimera: feedback not sent (${error}); ${kept}`);
    return { exitCode: ExitCode.Error, data: { ...data, error: { kind: 'delivery', message: error } }, text: `Not sent (${error}); ${kept}:\n${shown}` };
  },
};

/** The endpoint's sender and PostHog's, for the options given; a malformed one is a usage error. */
function feedbackSenders(options: Record<string, unknown>): { sender: BatchSender; fileName?: string }[] {
  const senders: { sender: BatchSender; fileName?: string }[] = [];
  if (typeof options.endpoint === 'string') {
    const sender = httpSender({ endpoint: options.endpoint, timeoutMs: 10_000 });
    if ('error' in sender) throw new UsageError(sender.error);
    senders.push({ sender });
  }
  if (typeof options['posthog-host'] === 'string' && typeof options['posthog-key'] !== 'string') throw new UsageError('--posthog-host needs --posthog-key');
  if (typeof options['posthog-key'] === 'string') {
    // The same salted machine hash the CLI's rollout uses for its canary bucket, never the host name itself.
    const distinctId = hashId(TELEMETRY_SALT, defaultMachineId());
    const sender = posthogSender({ projectKey: options['posthog-key'], host: typeof options['posthog-host'] === 'string' ? options['posthog-host'] : '', distinctId, timeoutMs: 10_000 });
    if ('error' in sender) throw new UsageError(sender.error);
    senders.push({ sender, fileName: POSTHOG_QUEUE_FILE });
  }
  return senders;
}
