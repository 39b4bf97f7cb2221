import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RolloutSnapshot } from '../core/rollout/workspace';
import {
  type BatchSender,
  DailyAdoption,
  FeedbackLog,
  type FeedbackInput,
  type FeedbackSubmission,
  type FeedbackSummary,
  TELEMETRY_SALT,
  type TelemetryClient,
  type TelemetryLevel,
  httpSender,
  noneSender,
  openTelemetryClient,
  parseTelemetryLevel,
  submitFeedback,
  toTelemetrySender,
} from '../core/telemetry';

export interface TelemetrySettings {
  telemetryEnabled: boolean;
  telemetryEndpoint: string;
}

/** VS Code's telemetry level; without product telemetry (isTelemetryEnabled false) usage counts as off. */
function vscodeTelemetryLevel(): TelemetryLevel {
  const configured = parseTelemetryLevel(vscode.workspace.getConfiguration('telemetry').get<string>('telemetryLevel', 'all'));
  if (vscode.env.isTelemetryEnabled) return configured;
  return configured === 'all' ? 'off' : configured;
}

/** The persistent telemetry client, its sender, the feedback log and the daily adoption event, in global storage. */
export class TelemetryService implements vscode.Disposable {
  private client: TelemetryClient | undefined;
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

  private async open(directory: string): Promise<void> {
    const current = () => this.currentSender();
    const sender: BatchSender = {
      get kind() {
        return current().kind;
      },
      send: (batch) => current().send(batch),
    };
    this.client = await openTelemetryClient({
      directory,
      sender,
      consent: () => ({ telemetryLevel: vscodeTelemetryLevel(), chimeraTelemetryEnabled: this.settings().telemetryEnabled }),
      salt: TELEMETRY_SALT,
      log: (line) => this.log.info(line),
    });
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

  /** Undefined when the storage could not start; `counted` when no endpoint takes it (this machine only). */
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
