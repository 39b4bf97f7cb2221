import { type Command, UsageError } from '../command';
import { ExitCode } from '../exit-codes';
import { FeedbackLog, TELEMETRY_SALT, httpSender, openTelemetryClient, previewFeedback, submitFeedback } from '../../core/telemetry';

/** `chimera feedback`: 👍/👎 with optional text, previewed exactly, sent to an endpoint only when one is given. */
export const feedbackCommand: Command = {
  name: 'feedback',
  summary: 'Send 👍 / 👎 feedback on Chimera (shows exactly what is sent)',
  usage: 'chimera feedback --positive|--negative [--text T] [--endpoint URL] [--queue-dir DIR] [--preview]',
  options: {
    positive: { type: 'boolean' },
    negative: { type: 'boolean' },
    text: { type: 'string' },
    endpoint: { type: 'string' },
    'queue-dir': { type: 'string' },
    preview: { type: 'boolean' },
  },
  async run(context, options) {
    if ((options.positive === true) === (options.negative === true)) throw new UsageError('give exactly one of --positive or --negative');
    const input = { sentiment: options.positive === true ? 'positive' : 'negative', source: 'cli', ...(typeof options.text === 'string' ? { text: options.text } : {}) } as const;
    const preview = previewFeedback(input);
    const shown = JSON.stringify({ name: preview.name, data: preview.data });
    const truncatedNote = preview.textTruncated ? ' (text shortened to the limit)' : '';
    const endpoint = typeof options.endpoint === 'string' ? options.endpoint : undefined;
    if (options.preview === true || endpoint === undefined) {
      const reason = options.preview === true ? 'preview only' : 'no --endpoint given';
      return { exitCode: ExitCode.Ok, data: { feedback: preview, sent: false, reason }, text: `Not sent (${reason}). This is what would be sent${truncatedNote}:\n${shown}` };
    }
    const sender = httpSender({ endpoint, timeoutMs: 10_000 });
    if ('error' in sender) throw new UsageError(sender.error);
    const directory = typeof options['queue-dir'] === 'string' ? options['queue-dir'] : undefined;
    // Feedback is a deliberate act: it is sent whatever the telemetry level (see decideConsent).
    const client = await openTelemetryClient({ directory, sender, consent: () => ({ telemetryLevel: 'off', chimeraTelemetryEnabled: false }), salt: TELEMETRY_SALT, flushIntervalMs: 0, log: context.log });
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
