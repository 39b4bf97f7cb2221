import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as MetricsModule from '../core/metrics';
import type { MonitoringExport } from '../core/metrics/export';
import { MIN_REQUESTS_IN_WINDOW, type Op, type PlanQuery, ROLLBACK_TRIGGERS, type ViolationKind, planQueries, requestsInWindow } from '../core/metrics/plan';
import { queryPrometheus } from '../core/metrics/prometheus-client';
import {
  type CriterionResult,
  type Firing,
  type PlanValues,
  RollbackGuard,
  type TriggerCheck,
  checkTriggers,
  describeFiring,
  evaluateCriteria,
  formatValue,
  planValuesOf,
} from '../core/rollout/guard';
import { rollBack } from '../core/rollout/moves';
import { PHASES, type PhaseId } from '../core/rollout/phases';
import { chimeraDir } from '../core/rollout/state';
import type { RolloutSnapshot } from '../core/rollout/workspace';
import {
  type BatchSender,
  DailyAdoption,
  FeedbackLog,
  type FeedbackInput,
  type FeedbackSubmission,
  type FeedbackSummary,
  type Sentiment,
  TELEMETRY_SALT,
  type TelemetryClient,
  type TelemetryLevel,
  httpSender,
  noneSender,
  openTelemetryClient,
  parseTelemetryLevel,
  previewFeedback,
  securityViolationEvent,
  submitFeedback,
  toTelemetrySender,
} from '../core/telemetry';
import type { CommandRegistrar } from './command-table';
import { affectsConfig, readConfig } from './config';
import type { RolloutService } from './rollout-service';

type Metrics = typeof MetricsModule;
type ChimeraMetrics = MetricsModule.ChimeraMetrics;

/** Who the rollout log names for a rollback the guard made. */
export const AUTOMATIC_ROLLBACK_BY = 'chimera (automatic)';
/** Like a scrape interval; the plan's 5m window holds 20 samples. */
const SAMPLE_INTERVAL_MS = 15_000;
const BASELINE_KEY = 'chimera.baselineP95Latency';
const METRICS_SCHEME = 'chimera-metrics';

/** The observability settings declared in package.json (the rest of `chimera.*` is read in config.ts). */
export interface ObservabilityConfig {
  /** 0 = no endpoint. */
  metricsPort: number;
  pushgatewayUrl: string;
  prometheusUrl: string;
  telemetryEnabled: boolean;
  telemetryEndpoint: string;
}

/** Exporter and telemetry settings come through the one Config; Restricted Mode is VS Code's restrictedConfigurations. */
export function readObservabilityConfig(): ObservabilityConfig {
  const config = readConfig();
  return {
    metricsPort: config['metrics.port'],
    pushgatewayUrl: config['metrics.pushgatewayUrl'],
    prometheusUrl: config['prometheus.url'],
    telemetryEnabled: config['telemetry.enabled'],
    telemetryEndpoint: config['telemetry.endpoint'],
  };
}

/** VS Code's telemetry level; without product telemetry (isTelemetryEnabled false) usage counts as off. */
function vscodeTelemetryLevel(): TelemetryLevel {
  const configured = parseTelemetryLevel(vscode.workspace.getConfiguration('telemetry').get<string>('telemetryLevel', 'all'));
  if (vscode.env.isTelemetryEnabled) return configured;
  return configured === 'all' ? 'off' : configured;
}

export type FleetValues = { at: number; values: Record<PlanQuery | 'requests', number | null> } | { at: number; error: string };

/** What the view and "Show Metrics" render: this machine's plan values next to the fleet's, the guard and the criteria. */
export interface ObservabilityState {
  /** Unix seconds of the last evaluation; undefined before the first. */
  at: number | undefined;
  /** Whether the metrics module is loaded and sampling. */
  sampling: boolean;
  local: PlanValues | undefined;
  fleet: FleetValues | undefined;
  triggers: TriggerCheck[];
  guard: { state: 'armed' | 'fired'; firing?: Firing; armedAt: number };
  phase: PhaseId | 'custom' | undefined;
  /** The criteria of the current phase (of the nearest one when the flags are custom). */
  criteria: CriterionResult[];
  feedback: FeedbackSummary | undefined;
  exporters: { metricsUrl?: string; pushgatewayUrl?: string; prometheusUrl?: string; problems: string[] };
}

/** What the analysis glue calls; metrics load on first use, never at activation. */
export interface Observability extends vscode.Disposable {
  /** One finished operation (error: Chimera failed; a gene the compiler refuses is not an error). */
  observe(op: Op, seconds: number, outcome?: { error?: boolean }): void;
  /** Counted, and evaluated at once: any violation rolls back. */
  securityViolation(kind: ViolationKind): void;
  setMemory(usedBytes: number, limitBytes: number): void;
  geneExtraction(succeeded: boolean): void;
  cacheLookup(hit: boolean): void;
  gatewayRequest(succeeded: boolean): void;
  current(): ObservabilityState;
  /** Samples and evaluates now (instead of waiting for the next interval). */
  evaluateNow(): Promise<ObservabilityState>;
  readonly onDidChange: vscode.Event<ObservabilityState>;
  /** Flushes telemetry and closes the exporters; return it from deactivate(). */
  shutdown(): Promise<void>;
}

interface LoadedMetrics {
  module: Metrics;
  metrics: ChimeraMetrics;
  sampler: MetricsModule.LocalSampler;
}

/** Arguments of chimera.sendFeedback for callers that showed their own preview (the view, tests). */
interface FeedbackArgument {
  sentiment: Sentiment;
  text?: string;
  source?: 'view' | 'command';
}

class ObservabilityService implements Observability {
  private readonly changed = new vscode.EventEmitter<ObservabilityState>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private loaded: LoadedMetrics | undefined;
  private loadFailed = false;
  /** Observations made while the first sample is being taken. */
  private buffered: ((metrics: ChimeraMetrics) => void)[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly guard: RollbackGuard;
  /** Violations reported since the last re-arm: they fire even before two samples show the increase. */
  private violationsSinceArm = 0;
  private rollingBack = false;
  /** The current firing has been seen persisted; only then may an inactive rollback state mean "re-armed". */
  private firingPersisted = false;
  private evaluation: Promise<ObservabilityState> = Promise.resolve(this.emptyState());
  private state: ObservabilityState = this.emptyState();
  private server: { port: number; value: MetricsModule.MetricsServer } | undefined;
  private pusher: { url: string; value: MetricsModule.Pusher } | undefined;
  private exporterChain: Promise<void> = Promise.resolve();
  private readonly exporterProblems = new Map<string, string>();
  private fleet: FleetValues | undefined;
  private fleetInFlight = false;
  private client: TelemetryClient | undefined;
  private feedbackLog: FeedbackLog | undefined;
  private adoption: DailyAdoption | undefined;
  private logger: vscode.TelemetryLogger | undefined;
  private readonly telemetryReady: Promise<void>;
  private readonly senders = new Map<string, BatchSender>();
  private shutdownPromise: Promise<void> | undefined;
  /** Automatic and person checks the criteria read: `chimera check` writes .chimera/check.json. */
  private checks: Record<string, boolean | undefined> = {};

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly rollout: RolloutService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.guard = new RollbackGuard({ baselineP95Latency: context.workspaceState.get<number>(BASELINE_KEY) });
    this.disposables.push(
      rollout.onDidChange((snapshot) => this.onSnapshot(snapshot)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsConfig(event, 'metrics.port', 'metrics.pushgatewayUrl', 'prometheus.url')) this.configureExporters();
      }),
      // With trust, the workspace's own exporter settings and the sampling apply.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.configureExporters();
        if (rollout.snapshot) this.onSnapshot(rollout.snapshot);
      }),
    );
    this.telemetryReady = this.openTelemetry().catch((error: unknown) => this.log.error(`telemetry could not start: ${message(error)}`));
    if (rollout.snapshot) this.onSnapshot(rollout.snapshot);
    this.configureExporters();
  }

  // ---- what the analysis glue calls ---------------------------------------------------------------------------

  observe(op: Op, seconds: number, outcome?: { error?: boolean }): void {
    this.withMetrics((metrics) => metrics.observe(op, seconds, outcome));
  }

  securityViolation(kind: ViolationKind): void {
    this.withMetrics((metrics) => metrics.securityViolation(kind));
    this.violationsSinceArm++;
    this.log.warn(`security violation: ${kind}`);
    this.logger?.logError('security.violation', securityViolationEvent(kind));
    void this.evaluateNow();
  }

  setMemory(usedBytes: number, limitBytes: number): void {
    this.withMetrics((metrics) => metrics.setMemory(usedBytes, limitBytes));
  }

  geneExtraction(succeeded: boolean): void {
    this.withMetrics((metrics) => metrics.geneExtraction(succeeded));
  }

  cacheLookup(hit: boolean): void {
    this.withMetrics((metrics) => metrics.cacheLookup(hit));
  }

  gatewayRequest(succeeded: boolean): void {
    this.withMetrics((metrics) => metrics.gatewayRequest(succeeded));
  }

  /** The last evaluation, with the exporters as they are now (they change with the settings, between evaluations). */
  current(): ObservabilityState {
    return { ...this.state, exporters: this.exporters(readObservabilityConfig().prometheusUrl) };
  }

  evaluateNow(): Promise<ObservabilityState> {
    // One evaluation at a time, in order: a violation reported during a tick is seen by the next one.
    this.evaluation = this.evaluation
      .then(() => this.evaluate())
      .catch((error: unknown) => {
        this.log.error(`metrics evaluation failed: ${message(error)}`);
        return this.state;
      });
    return this.evaluation;
  }

  // ---- metrics, loaded on demand --------------------------------------------------------------------------------

  /** prom-client lives in dist/metrics.js (its own esbuild entry), so activation never pays for it. */
  private ensureMetrics(): LoadedMetrics | undefined {
    if (this.loaded || this.loadFailed) return this.loaded;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle loaded on demand; an import would pull prom-client into activation
      const module = require(path.join(__dirname, 'metrics.js')) as Metrics;
      const metrics = module.createChimeraMetrics();
      this.loaded = { module, metrics, sampler: new module.LocalSampler(metrics, { intervalMs: SAMPLE_INTERVAL_MS }) };
    } catch (error) {
      this.loadFailed = true;
      this.log.error(`metrics could not be loaded from ${path.join(__dirname, 'metrics.js')}: ${message(error)}; the automatic rollback still reacts to security violations`);
      return undefined;
    }
    this.log.info('metrics: sampling every 15 s for the plan values and the rollback triggers');
    const snapshot = this.rollout.snapshot;
    if (snapshot) this.publishFeatures(snapshot);
    // The first sample must show every series at 0 (pitfall P1): observations wait until it is taken.
    const loaded = this.loaded;
    this.buffered = [];
    void loaded.sampler.record().finally(() => {
      const buffered = this.buffered ?? [];
      this.buffered = undefined;
      for (const apply of buffered) apply(loaded.metrics);
    });
    this.timer = setInterval(() => void this.tick(), SAMPLE_INTERVAL_MS);
    // Sampling alone never keeps the extension host alive.
    this.timer.unref();
    return this.loaded;
  }

  /** Applies an observation now, or right after the first sample when the metrics module has just loaded. */
  private withMetrics(apply: (metrics: ChimeraMetrics) => void): void {
    const loaded = this.ensureMetrics();
    if (!loaded) return;
    if (this.buffered) this.buffered.push(apply);
    else apply(loaded.metrics);
  }

  private async tick(): Promise<void> {
    await this.evaluateNow();
    await this.push();
    void this.refreshFleet();
  }

  private async evaluate(): Promise<ObservabilityState> {
    const now = Date.now() / 1000;
    const loaded = this.loaded;
    if (loaded) await loaded.sampler.record();
    let values: PlanValues = loaded
      ? planValuesOf(loaded.sampler.samples(), { since: this.guard.armedAt })
      : { errorRate: null, p95Latency: null, memoryRatio: null, securityViolations: null, requests: null, memoryRange: null };
    // A reported violation counts at once, even before the samples show the increase (and without the metrics module).
    if (this.violationsSinceArm > 0) values = { ...values, securityViolations: Math.max(values.securityViolations ?? 0, this.violationsSinceArm) };
    const decision = this.guard.feed(values, now);
    if (decision.state === 'armed') this.recordBaseline(values);
    this.state = this.buildState(now, values, decision.state === 'armed' ? decision.checks : checkTriggers(values));
    this.changed.fire(this.state);
    if (decision.state === 'fired' && decision.fresh) await this.rollBackFor(decision.firing);
    return this.state;
  }

  /** The first healthy P95 with enough requests behind it is the baseline SEV3 is measured against. */
  private recordBaseline(values: PlanValues): void {
    if (this.guard.baselineP95Latency !== undefined) return;
    if (values.p95Latency === null || !Number.isFinite(values.p95Latency) || values.p95Latency <= 0 || (values.requests ?? 0) < MIN_REQUESTS_IN_WINDOW) return;
    this.guard.baselineP95Latency = values.p95Latency;
    void this.context.workspaceState.update(BASELINE_KEY, values.p95Latency);
    this.log.info(`metrics: P95 baseline recorded: ${formatValue(values.p95Latency, 'seconds')}`);
  }

  private buildState(at: number | undefined, local: PlanValues | undefined, triggers: TriggerCheck[]): ObservabilityState {
    const snapshot = this.rollout.snapshot;
    const phaseId = snapshot ? (snapshot.phase.id === 'custom' ? snapshot.phase.nearest : snapshot.phase.id) : undefined;
    const feedback = this.feedbackLog?.summary();
    const firing = this.guard.firing;
    const prometheusUrl = readObservabilityConfig().prometheusUrl;
    const criteria =
      phaseId === undefined || !local
        ? []
        : evaluateCriteria(phaseId, { ...local, ...(feedback ? { feedback } : {}), memoryTriggered: firing?.trigger === 'memory', checks: this.checks });
    return {
      at,
      sampling: this.loaded !== undefined,
      local,
      fleet: this.fleet,
      triggers,
      guard: { state: this.guard.state, ...(firing ? { firing } : {}), armedAt: this.guard.armedAt },
      phase: snapshot?.phase.id,
      criteria,
      feedback,
      exporters: this.exporters(prometheusUrl),
    };
  }

  private exporters(prometheusUrl: string): ObservabilityState['exporters'] {
    return {
      ...(this.server ? { metricsUrl: this.server.value.url } : {}),
      ...(this.pusher ? { pushgatewayUrl: this.pusher.url } : {}),
      ...(prometheusUrl ? { prometheusUrl } : {}),
      problems: [...this.exporterProblems.values()],
    };
  }

  private emptyState(): ObservabilityState {
    return { at: undefined, sampling: false, local: undefined, fleet: undefined, triggers: [], guard: { state: 'armed', armedAt: 0 }, phase: undefined, criteria: [], feedback: undefined, exporters: { problems: [] } };
  }

  private async readChecks(workspace: string): Promise<void> {
    try {
      const check = JSON.parse(await readFile(path.join(chimeraDir(workspace), 'check.json'), 'utf8')) as { ok?: unknown };
      this.checks = typeof check.ok === 'boolean' ? { 'smoke-tests': check.ok } : {};
    } catch {
      this.checks = {};
    }
  }

  // ---- the rollback ----------------------------------------------------------------------------------------------

  private async rollBackFor(firing: Firing): Promise<void> {
    const text = describeFiring(firing);
    this.log.warn(`rollback trigger fired: ${text}; values ${JSON.stringify(firing.values)}`);
    if (!vscode.workspace.isTrusted) {
      this.log.warn('automatic rollback not written: Restricted Mode allows no file changes (nothing runs there anyway)');
      void vscode.window.showWarningMessage(`Chimera: rollback trigger fired (${text}), but Restricted Mode allows no .env changes.`);
      return;
    }
    this.rollingBack = true;
    let done = false;
    try {
      const request = { reason: `automatic rollback: ${text}`, trigger: firing.trigger, values: firing.values, who: AUTOMATIC_ROLLBACK_BY };
      for (let attempt = 0; attempt < 2 && !done; attempt++) {
        const snapshot = await this.rollout.reload();
        if (!snapshot) {
          this.log.warn('automatic rollback not written: no workspace folder is open');
          break;
        }
        const { conflict } = await rollBack(snapshot, request);
        if (!conflict) {
          done = true;
          this.logger?.logError('rollback', { trigger: firing.trigger, severity: firing.severity, phase: snapshot.phase.id, automatic: true });
        } else if (attempt === 1) throw new Error(conflict.message);
        // Otherwise someone saved .env in between: the rollback state is already written; read again and turn the flags off.
      }
    } catch (error) {
      this.log.error(`automatic rollback failed: ${message(error)}`);
      void vscode.window.showErrorMessage(`Chimera: the automatic rollback (${text}) failed: ${message(error)}`);
    } finally {
      this.rollingBack = false;
      await this.rollout.reload();
    }
    if (!done) return;
    this.log.warn(`rolled back automatically (${firing.severity}: ${firing.severityReason}); nothing runs until someone re-arms`);
    void vscode.window.showWarningMessage(`Chimera rolled back automatically: ${text}. Every feature is off until you re-arm.`, 'Show Metrics', 'Re-arm…').then((choice) => {
      if (choice === 'Show Metrics') void vscode.commands.executeCommand('chimera.showMetrics');
      if (choice === 'Re-arm…') void vscode.commands.executeCommand('chimera.rearm');
    });
  }

  /** Keeps the guard in step with the persisted state: a rollback (any) holds it fired, a re-arm arms it again. */
  private syncGuard(snapshot: RolloutSnapshot): void {
    if (this.rollingBack) return;
    const rollback = snapshot.rollback;
    if (rollback?.active) {
      if (this.guard.state === 'armed') {
        const firing = this.guard.adopt(rollback);
        this.log.info(`rollback in effect (${firing.trigger}): the guard holds until re-armed`);
      }
      this.firingPersisted = true;
      return;
    }
    if (this.guard.state === 'fired' && this.firingPersisted) {
      const now = Date.now() / 1000;
      this.guard.rearm(now);
      this.violationsSinceArm = 0;
      this.firingPersisted = false;
      this.log.info('re-armed: the rollback triggers watch again, on data from now on');
    }
  }

  private onSnapshot(snapshot: RolloutSnapshot | undefined): void {
    if (!snapshot) return;
    this.syncGuard(snapshot);
    // The local evaluator needs samples whenever Chimera may run (never in Restricted Mode, where nothing runs).
    if (snapshot.resolution.flags.CHIMERA_ENABLED.value === true && vscode.workspace.isTrusted) this.ensureMetrics();
    this.publishFeatures(snapshot);
    void this.readChecks(snapshot.workspace);
    void this.recordAdoption(snapshot);
    this.state = this.buildState(this.state.at, this.state.local, this.state.triggers);
    this.changed.fire(this.state);
  }

  private publishFeatures(snapshot: RolloutSnapshot): void {
    this.loaded?.metrics.setFeatures(snapshot.features, snapshot.canary.fraction);
  }

  // ---- exporters ------------------------------------------------------------------------------------------------

  private configureExporters(): void {
    this.exporterChain = this.exporterChain.then(() => this.applyExporterSettings()).catch((error: unknown) => this.log.error(`metrics exporters: ${message(error)}`));
  }

  private async applyExporterSettings(): Promise<void> {
    const config = readObservabilityConfig();
    if (this.server && this.server.port !== config.metricsPort) {
      await this.server.value.close();
      this.log.info(`metrics: endpoint ${this.server.value.url} closed`);
      this.server = undefined;
    }
    this.exporterProblems.delete('port');
    if (config.metricsPort > 0 && !this.server) {
      const loaded = this.ensureMetrics();
      if (loaded) {
        const started = await loaded.module.startMetricsServer(loaded.metrics.registry, config.metricsPort);
        if (started.ok) {
          this.server = { port: config.metricsPort, value: started.value };
          this.log.info(`metrics: serving ${started.value.url}`);
        } else {
          this.exporterProblems.set('port', started.error);
          this.log.warn(`metrics: ${started.error}`);
          void vscode.window.showWarningMessage(`Chimera: ${started.error}. Change chimera.metrics.port.`);
        }
      }
    }
    if (this.pusher && this.pusher.url !== config.pushgatewayUrl) {
      const removed = await this.pusher.value.remove();
      if (!removed.ok) this.log.warn(`metrics: ${removed.error}`);
      this.pusher = undefined;
    }
    this.exporterProblems.delete('push');
    if (config.pushgatewayUrl && !this.pusher) {
      const loaded = this.ensureMetrics();
      if (loaded) {
        const created = loaded.module.createPusher(loaded.metrics.registry, config.pushgatewayUrl, vscode.env.machineId);
        if (created.ok) {
          this.pusher = { url: config.pushgatewayUrl, value: created.value };
          this.log.info(`metrics: pushing to ${config.pushgatewayUrl} every ${SAMPLE_INTERVAL_MS / 1000} s, grouped by a hashed machine id`);
        } else {
          this.exporterProblems.set('push', created.error);
          this.log.warn(`metrics: ${created.error}`);
        }
      }
    }
    if (config.prometheusUrl) this.ensureMetrics();
    else this.fleet = undefined;
  }

  private async push(): Promise<void> {
    if (!this.pusher) return;
    const pushed = await this.pusher.value.push();
    if (pushed.ok) this.exporterProblems.delete('push');
    else if (this.exporterProblems.get('push') !== pushed.error) {
      // Logged once per distinct error: a dead gateway must not flood the log every 15 s.
      this.exporterProblems.set('push', pushed.error);
      this.log.warn(`metrics: ${pushed.error}`);
    }
  }

  /** The same queries, run by the team's Prometheus: the fleet's values next to this machine's. */
  private async refreshFleet(): Promise<void> {
    const url = readObservabilityConfig().prometheusUrl;
    if (!url || this.fleetInFlight) return;
    this.fleetInFlight = true;
    try {
      const queries: Record<PlanQuery | 'requests', string> = { ...planQueries(), requests: requestsInWindow() };
      const values = {} as Record<PlanQuery | 'requests', number | null>;
      for (const [name, promql] of Object.entries(queries) as [PlanQuery | 'requests', string][]) {
        const result = await queryPrometheus(url, promql);
        if (!result.ok) {
          if (this.fleet === undefined || !('error' in this.fleet) || this.fleet.error !== result.error) this.log.warn(`fleet metrics: ${result.error}`);
          this.fleet = { at: Date.now() / 1000, error: result.error };
          return;
        }
        values[name] = result.value[0]?.value ?? null;
      }
      this.fleet = { at: Date.now() / 1000, values };
    } finally {
      this.fleetInFlight = false;
      this.state = { ...this.state, fleet: this.fleet };
      this.changed.fire(this.state);
    }
  }

  // ---- telemetry and feedback -------------------------------------------------------------------------------------

  /** Read at every send, so a changed endpoint applies to the next batch. */
  private currentSender(): BatchSender {
    const endpoint = readObservabilityConfig().telemetryEndpoint;
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

  private async openTelemetry(): Promise<void> {
    const directory = path.join(this.context.globalStorageUri.fsPath, 'telemetry');
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
      consent: () => ({ telemetryLevel: vscodeTelemetryLevel(), chimeraTelemetryEnabled: readObservabilityConfig().telemetryEnabled }),
      salt: TELEMETRY_SALT,
      log: (line) => this.log.info(line),
    });
    this.feedbackLog = await FeedbackLog.open(directory);
    this.adoption = await DailyAdoption.open(directory);
    // The logger applies VS Code's telemetry level and cleaning first; the client's schema then keeps only known fields.
    this.logger = vscode.env.createTelemetryLogger(toTelemetrySender(this.client), { ignoreBuiltInCommonProperties: true });
    this.disposables.push(this.logger);
    if (this.rollout.snapshot) await this.recordAdoption(this.rollout.snapshot);
  }

  private async recordAdoption(snapshot: RolloutSnapshot): Promise<void> {
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

  async sendFeedback(argument?: FeedbackArgument): Promise<FeedbackSubmission | undefined> {
    await this.telemetryReady;
    if (!this.client || !this.feedbackLog) {
      void vscode.window.showErrorMessage('Chimera: feedback is unavailable because telemetry storage could not start (see the Chimera log).');
      return undefined;
    }
    const phase = this.rollout.snapshot?.phase.id;
    let input: FeedbackInput;
    if (argument) {
      input = { sentiment: argument.sentiment, source: argument.source ?? 'command', ...(argument.text ? { text: argument.text } : {}), ...(phase !== undefined ? { phase } : {}) };
    } else {
      const pick = await vscode.window.showQuickPick(
        [
          { label: '👍 Positive', description: 'Chimera helps', sentiment: 'positive' as const },
          { label: '👎 Negative', description: 'Chimera gets in the way', sentiment: 'negative' as const },
        ],
        { title: 'Chimera: Send Feedback', placeHolder: 'How is Chimera working for you?' },
      );
      if (!pick) return undefined;
      const text = await vscode.window.showInputBox({ title: 'Chimera: Send Feedback', prompt: 'Optional: tell us more (sent as you write it, up to 1000 characters). Leave empty to send none.', ignoreFocusOut: true });
      if (text === undefined) return undefined;
      input = { sentiment: pick.sentiment, source: 'command', ...(text.trim() ? { text } : {}), ...(phase !== undefined ? { phase } : {}) };
      const preview = previewFeedback(input);
      const endpoint = readObservabilityConfig().telemetryEndpoint;
      const destination = endpoint ? `It goes to ${endpoint} (chimera.telemetry.endpoint), even when telemetry is off, because you asked to send it.` : 'No chimera.telemetry.endpoint is set: it is only counted on this machine and written to the Chimera log.';
      const confirm = await vscode.window.showInformationMessage(
        'Send this feedback?',
        { modal: true, detail: `Exactly this is sent${preview.textTruncated ? ' (your text was shortened to the limit)' : ''}:\n\n${JSON.stringify({ name: preview.name, data: preview.data }, null, 2)}\n\n${destination}` },
        'Send',
      );
      if (confirm !== 'Send') return undefined;
    }
    const submission = await submitFeedback(this.client, this.feedbackLog, input, Date.now());
    const delivery = submission.delivery;
    if (delivery.status === 'failed') {
      this.log.warn(`feedback not sent (${delivery.error}); kept and retried`);
      void vscode.window.showWarningMessage(`Chimera: your feedback could not be sent (${delivery.error}). It is kept and sent with the next attempt.`);
    } else if (this.client.stats().sender === 'none') {
      void vscode.window.showInformationMessage('Chimera: thank you. No feedback endpoint is configured, so it was counted on this machine only.');
    } else {
      void vscode.window.showInformationMessage('Chimera: thank you, your feedback was sent.');
    }
    if (submission.storageProblem) this.log.warn(`feedback log: ${submission.storageProblem.message}`);
    this.state = this.buildState(this.state.at, this.state.local, this.state.triggers);
    this.changed.fire(this.state);
    return submission;
  }

  // ---- lifecycle --------------------------------------------------------------------------------------------------

  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      clearInterval(this.timer);
      for (const disposable of this.disposables) disposable.dispose();
      await this.exporterChain;
      await this.server?.value.close();
      if (this.pusher) await this.pusher.value.remove();
      await this.telemetryReady;
      // Flush on deactivate; what cannot be delivered stays on disk for the next session.
      await this.client?.dispose();
    })().catch((error: unknown) => this.log.error(`observability shutdown: ${message(error)}`));
    return this.shutdownPromise;
  }

  dispose(): void {
    void this.shutdown();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---- "Show Metrics": a read-only document -------------------------------------------------------------------------

const STATUS_MARK: Record<string, string> = { pass: '✓ pass', fail: '✗ fail', 'not-enough-data': '… not enough data', ok: '✓ ok', over: '✗ over', armed: 'armed', fired: 'FIRED' };

function show(value: number | null | undefined, unit: 'ratio' | 'seconds' | 'count'): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : formatValue(value, unit);
}

/** The text of the read-only metrics document: local and fleet values, the triggers, the guard and the criteria. */
export function renderMetricsReport(state: ObservabilityState): string {
  const lines = ['# Chimera metrics', ''];
  lines.push(state.at === undefined ? 'Not evaluated yet.' : `Evaluated ${new Date(state.at * 1000).toISOString()} · rate window 5m, security window 1h · a rate needs ${MIN_REQUESTS_IN_WINDOW} requests in the window`);
  lines.push(state.sampling ? 'Local sampling: on (every 15 s).' : 'Local sampling: off (it starts when CHIMERA_ENABLED is on or a metrics exporter is configured).', '');
  const guard = state.guard;
  lines.push(`## Automatic rollback: ${STATUS_MARK[guard.state]}`, '');
  if (guard.firing) {
    lines.push(`${describeFiring(guard.firing)} (${guard.firing.severityReason}), ${guard.firing.automatic ? 'fired by the guard' : 'rollback in effect'} at ${new Date(guard.firing.at * 1000).toISOString()}.`);
    lines.push('Nothing runs until someone re-arms (command "Chimera: Re-arm After Rollback").', '');
  }
  const fleet = state.fleet && 'values' in state.fleet ? state.fleet.values : undefined;
  lines.push('| value | this machine | fleet (team Prometheus) | rollback when | trigger |', '|---|---|---|---|---|');
  for (const trigger of ROLLBACK_TRIGGERS) {
    const check = state.triggers.find((c) => c.trigger === trigger.id);
    const status = check ? `${STATUS_MARK[check.status]}${check.detail ? ` (${check.detail})` : ''}` : '—';
    lines.push(`| ${trigger.query} | ${show(state.local?.[trigger.query], trigger.unit)} | ${show(fleet?.[trigger.query], trigger.unit)} | ${trigger.op} ${formatValue(trigger.limit, trigger.unit)} | ${status} |`);
  }
  lines.push(`| requests in window | ${show(state.local?.requests, 'count')} | ${show(fleet?.requests, 'count')} | | |`);
  if (state.fleet && 'error' in state.fleet) lines.push('', `Fleet values unavailable: ${state.fleet.error}`);
  else if (!state.exporters.prometheusUrl) lines.push('', 'Fleet values: set chimera.prometheus.url to the team Prometheus.');
  lines.push('');
  const phase = typeof state.phase === 'number' ? PHASES[state.phase] : undefined;
  lines.push(`## Success criteria${phase ? `: Phase ${phase.id} (${phase.name})` : state.phase === 'custom' ? ' of the nearest phase (custom flags)' : ''}`, '');
  if (state.criteria.length === 0) lines.push('No measurable criteria for this phase, or no values yet.');
  else {
    lines.push('| criterion | status | detail |', '|---|---|---|');
    for (const c of state.criteria) lines.push(`| ${c.text} | ${STATUS_MARK[c.status]} | ${c.detail} |`);
  }
  if (state.feedback) lines.push('', `Feedback on this machine: ${state.feedback.positive} 👍, ${state.feedback.negative} 👎.`);
  lines.push('', '## Exporters', '');
  lines.push(`- /metrics endpoint: ${state.exporters.metricsUrl ?? 'off (chimera.metrics.port)'}`);
  lines.push(`- Pushgateway: ${state.exporters.pushgatewayUrl ?? 'off (chimera.metrics.pushgatewayUrl)'}`);
  for (const problem of state.exporters.problems) lines.push(`- problem: ${problem}`);
  return `${lines.join('\n')}\n`;
}

class MetricsDocument implements vscode.TextDocumentContentProvider {
  static readonly uri = vscode.Uri.from({ scheme: METRICS_SCHEME, path: '/Chimera Metrics.md' });
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly observability: Observability) {}

  provideTextDocumentContent(): string {
    return renderMetricsReport(this.observability.current());
  }

  refresh(): void {
    this.changed.fire(MetricsDocument.uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

// ---- registration -------------------------------------------------------------------------------------------------

async function pickMonitoringFolder(rollout: RolloutService): Promise<string | undefined> {
  const folder = rollout.folder;
  const workspaceTarget = folder && vscode.workspace.isTrusted ? path.join(chimeraDir(folder.uri.fsPath), 'monitoring') : undefined;
  if (workspaceTarget) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: '.chimera/monitoring', description: 'in this workspace: what the pre-flight checklist looks for', target: workspaceTarget },
        { label: 'Choose a folder…', target: undefined },
      ],
      { title: 'Chimera: Export Monitoring', placeHolder: 'Where should the alert rules, their tests and the Grafana dashboard go?' },
    );
    if (!pick) return undefined;
    if (pick.target) return pick.target;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Export Here', title: 'Chimera: Export Monitoring', ...(folder ? { defaultUri: folder.uri } : {}) });
  return chosen?.[0]?.fsPath;
}

/**
 * Metrics, the automatic rollback, telemetry and feedback for the extension. Cheap at activation: prom-client loads
 * only when CHIMERA_ENABLED is on, an exporter is configured, or something is observed.
 */
export function registerObservability(context: vscode.ExtensionContext, rollout: RolloutService, log: vscode.LogOutputChannel, register: CommandRegistrar): Observability {
  const service = new ObservabilityService(context, rollout, log);
  const document = new MetricsDocument(service);
  context.subscriptions.push(
    service,
    document,
    vscode.workspace.registerTextDocumentContentProvider(METRICS_SCHEME, document),
    service.onDidChange(() => document.refresh()),
    register('chimera.sendFeedback', (argument?: FeedbackArgument) => service.sendFeedback(argument && (argument.sentiment === 'positive' || argument.sentiment === 'negative') ? argument : undefined)),
    register('chimera.exportMonitoring', async (target?: string | vscode.Uri): Promise<MonitoringExport | undefined> => {
      const dir = typeof target === 'string' ? target : target instanceof vscode.Uri ? target.fsPath : await pickMonitoringFolder(rollout);
      if (!dir) return undefined;
      try {
        // The rule and dashboard generators live in the lazily loaded metrics bundle, not in the activation path.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle loaded on demand; an import would pull prom-client into activation
        const { exportMonitoring } = require(path.join(__dirname, 'metrics.js')) as Metrics;
        const result = await exportMonitoring(dir);
        log.info(`monitoring exported to ${dir}: ${result.files.map((f) => path.basename(f)).join(', ')}`);
        void vscode.window.showInformationMessage(`Chimera: alert rules, their promtool tests and the Grafana dashboard written to ${dir}.`);
        if (rollout.folder && dir.startsWith(chimeraDir(rollout.folder.uri.fsPath))) void rollout.reload();
        return result;
      } catch (error) {
        log.error(`monitoring export failed: ${message(error)}`);
        void vscode.window.showErrorMessage(`Chimera: monitoring export failed: ${message(error)}`);
        return undefined;
      }
    }),
    register('chimera.showMetrics', async () => {
      await service.evaluateNow();
      const shown = await vscode.workspace.openTextDocument(MetricsDocument.uri);
      await vscode.window.showTextDocument(shown, { preview: true });
      return renderMetricsReport(service.current());
    }),
  );
  return service;
}
