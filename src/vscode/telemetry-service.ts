import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RolloutSnapshot } from '../core/rollout/workspace';
import {
  type BatchSender,
  DailyAdoption,
  DEFAULT_POSTHOG_HOST,
  FeedbackLog,
  type FeedbackInput,
  type FeedbackSubmission,
  type FeedbackSummary,
  TELEMETRY_SALT,
  TelemetryFanOut,
  type TelemetryLevel,
  hashId,
  httpSender,
  noneSender,
  openTelemetryClient,
  parseTelemetryLevel,
  posthogSender,
  submitFeedback,
  toTelemetrySender,
} from '../core/telemetry';

export interface TelemetrySettings {
  telemetryEnabled: boolean;
  telemetryEndpoint: string;
  /** Empty = nothing goes to PostHog. */
  posthogProjectKey: string;
  posthogHost: string;
}

/** PostHog's queue beside the HTTP one (telemetry-queue.jsonl) in the same directory. */
const POSTHOG_QUEUE_FILE = 'posthog-queue.jsonl';

/** VS Code's telemetry level; without product telemetry (isTelemetryEnabled false) usage counts as off. */
function vscodeTelemetryLevel(): TelemetryLevel {
  const configured = parseTelemetryLevel(vscode.workspace.getConfiguration('telemetry').get<string>('telemetryLevel', 'all'));
  if (vscode.env.isTelemetryEnabled) return configured;
  return configured === 'all' ? 'off' : configured;
}

/**
 * The persistent telemetry clients (the HTTP endpoint, and PostHog when a project key is set, each with its own queue),
 * their senders, the feedback log and the daily adoption event, in global storage.
 */
export class TelemetryService implements vscode.Disposable {
  private client: TelemetryFanOut | undefined;
  private feedbackLog: FeedbackLog | undefined;
  private adoption: DailyAdoption | undefined;
  private logger: vscode.TelemetryLogger | undefined;
  private readonly senders = new Map<string, BatchSender>();
  readonly ready: Promise<void>;

  constructor(
    storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly settings: () => TelemetrySettings,
  ) {
    this.ready = this.open(path.join(storage.fsPath, 'telemetry')).catch((error: unknown) => this.log.error(`telemetry could not start: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Read at every send, so a changed endpoint applies to the next batch. */
  private currentSender(): BatchSender {
    const endpoint = this.settings().telemetryEndpoint;
    const key = endpoint || '(none)';
    let sender = this.senders.get(key);
    if (!sender) {
      const http = endpoint ? httpSender({ endpoint, timeoutMs: 10_000 }) : undefined;
      if (http && 'error' in http) this.log.warn(`telemetry: ${http.error}; events stay in the local log`);
      sender = http && !('error' in http) ? http : noneSender((line) => this.log.debug(line));
      this.senders.set(key, sender);
    }
    return sender;
  }

  /** Read at every send, like the endpoint; without a key the PostHog queue drains into the log (nothing new is queued). */
  private currentPostHogSender(): BatchSender {
    const { posthogProjectKey: projectKey, posthogHost: host } = this.settings();
    const key = `posthog:${projectKey}@${host || DEFAULT_POSTHOG_HOST}`;
    let sender = this.senders.get(key);
    if (!sender) {
      // The same salted machine hash as the adoption event's `machine`, never the raw id.
      const posthog = projectKey ? posthogSender({ projectKey, host, distinctId: hashId(TELEMETRY_SALT, vscode.env.machineId), timeoutMs: 10_000 }) : undefined;
      if (posthog && 'error' in posthog) this.log.warn(`telemetry: ${posthog.error}; nothing is sent to PostHog`);
      sender = posthog && !('error' in posthog) ? posthog : noneSender((line) => this.log.debug(`PostHog: ${line}`));
      this.senders.set(key, sender);
    }
    return sender;
  }

  private async open(directory: string): Promise<void> {
    const common = {
      directory,
      consent: () => ({ telemetryLevel: vscodeTelemetryLevel(), chimeraTelemetryEnabled: this.settings().telemetryEnabled }),
      salt: TELEMETRY_SALT,
      log: (line: string) => this.log.info(line),
    };
    const http = await openTelemetryClient({ ...common, sender: dynamicSender(() => this.currentSender()) });
    const posthog = await openTelemetryClient({ ...common, fileName: POSTHOG_QUEUE_FILE, sender: dynamicSender(() => this.currentPostHogSender()), log: (line) => this.log.info(`PostHog ${line}`) });
    this.client = new TelemetryFanOut(http, [{ client: posthog, active: () => this.settings().posthogProjectKey !== '' }]);
    this.feedbackLog = await FeedbackLog.open(directory);
    this.adoption = await DailyAdoption.open(directory);
    // The logger applies VS Code's telemetry level and cleaning first; the client's schema then keeps only known fields.
    this.logger = vscode.env.createTelemetryLogger(toTelemetrySender(this.client), { ignoreBuiltInCommonProperties: true });
  }

  logError(name: string, data: Record<string, unknown>): void {
    this.logger?.logError(name, data);
  }

  feedbackSummary(): FeedbackSummary | undefined {
    return this.feedbackLog?.summary();
  }

  async recordAdoption(snapshot: RolloutSnapshot): Promise<void> {
    if (!this.client || !this.adoption) return;
    const flags = snapshot.resolution.flags;
    const outcome = await this.adoption.recordIfDue(this.client, {
      machineId: vscode.env.machineId,
      phase: snapshot.phase.id,
      features: {
        chimeraEnabled: flags.CHIMERA_ENABLED.value === true,
        dryRun: flags.DRY_RUN_MODE.value === true,
        wasmExec: snapshot.features.execution,
        proteinHash: snapshot.features.proteinHash,
        frozen: snapshot.resolution.frozen,
        canaryIncluded: snapshot.canary.in,
      },
    });
    if (outcome.status === 'recorded') this.log.debug(`telemetry: adoption event for ${outcome.day} queued`);
  }

  /** Undefined when the storage could not start; `counted` when neither an endpoint nor PostHog takes it (this machine only). */
  async submitFeedback(input: FeedbackInput): Promise<{ submission: FeedbackSubmission; counted: boolean } | undefined> {
    await this.ready;
    if (!this.client || !this.feedbackLog) return undefined;
    const submission = await submitFeedback(this.client, this.feedbackLog, input, Date.now());
    return { submission, counted: this.client.stats().sender === 'none' };
  }

  get available(): boolean {
    return this.client !== undefined && this.feedbackLog !== undefined;
  }

  /** Flush on deactivate; what cannot be delivered stays on disk for the next session. */
  async close(): Promise<void> {
    await this.ready;
    this.logger?.dispose();
    await this.client?.dispose();
  }

  dispose(): void {
    void this.close();
  }
}

/** A sender that picks the current one at every send, so a changed setting applies to the next batch. */
function dynamicSender(current: () => BatchSender): BatchSender {
  return {
    get kind() {
      return current().kind;
    },
    send: (batch) => current().send(batch),
  };
}
