// Metrics, the automatic rollback, telemetry and feedback for the extension: this module wires them together; each
// job lives in its own module (lazy-metrics, metrics-exporters, fleet-metrics, telemetry-service, feedback-prompt,
// automatic-rollback, metrics-document, monitoring-export) and the decisions in src/core.
import * as vscode from 'vscode';
import { MIN_REQUESTS_IN_WINDOW, type Op, type ViolationKind } from '../core/metrics/plan';
import { EMPTY_OBSERVABILITY_STATE, NO_PLAN_VALUES, type ObservabilityState } from '../core/metrics/report';
import { AutoRollback } from '../core/rollout/auto-rollback';
import { type PlanValues, RollbackGuard, type TriggerCheck, checkTriggers, evaluateCriteria, formatValue, planValuesOf } from '../core/rollout/guard';
import { readRecordedChecks } from '../core/rollout/state';
import type { RolloutSnapshot } from '../core/rollout/workspace';
import { type FeedbackSubmission, securityViolationEvent } from '../core/telemetry';
import { writeAutomaticRollback } from './automatic-rollback';
import type { CommandRegistrar } from './command-table';
import { affectsConfig, readObservabilityConfig } from './config';
import { type FeedbackArgument, type FeedbackDestinations, feedbackFromArgument, promptFeedback } from './feedback-prompt';
import { FleetMetrics } from './fleet-metrics';
import { LazyMetrics } from './lazy-metrics';
import { registerMetricsDocument } from './metrics-document';
import { MetricsExporters } from './metrics-exporters';
import { registerMonitoringExport } from './monitoring-export';
import type { RolloutService } from './rollout-service';
import { TelemetryService } from './telemetry-service';

/** Like a scrape interval; the plan's 5m window holds 20 samples. */
const SAMPLE_INTERVAL_MS = 15_000;
const BASELINE_KEY = 'chimera.baselineP95Latency';

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

class ObservabilityService implements Observability {
  private readonly changed = new vscode.EventEmitter<ObservabilityState>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly metrics: LazyMetrics;
  private readonly exporters: MetricsExporters;
  private readonly fleet: FleetMetrics;
  readonly telemetry: TelemetryService;
  private readonly machine: AutoRollback;
  private timer: NodeJS.Timeout | undefined;
  private evaluation: Promise<ObservabilityState> = Promise.resolve(EMPTY_OBSERVABILITY_STATE);
  private state: ObservabilityState = EMPTY_OBSERVABILITY_STATE;
  private exporterChain: Promise<void> = Promise.resolve();
  private shutdownPromise: Promise<void> | undefined;
  /** Automatic and person checks the criteria read: `chimera check` writes .chimera/check.json. */
  private checks: Record<string, boolean | undefined> = {};

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly rollout: RolloutService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.machine = new AutoRollback(new RollbackGuard({ baselineP95Latency: context.workspaceState.get<number>(BASELINE_KEY) }));
    this.metrics = new LazyMetrics(SAMPLE_INTERVAL_MS, log, () => {
      log.info('metrics: sampling every 15 s for the plan values and the rollback triggers');
      if (rollout.snapshot) this.publishFeatures(rollout.snapshot);
      this.timer = setInterval(() => void this.tick(), SAMPLE_INTERVAL_MS);
      // Sampling alone never keeps the extension host alive.
      this.timer.unref();
    });
    this.exporters = new MetricsExporters(log, (text) => void vscode.window.showWarningMessage(text));
    this.fleet = new FleetMetrics(log);
    this.telemetry = new TelemetryService(context.globalStorageUri, log, readObservabilityConfig);
    void this.telemetry.ready.then(() => rollout.snapshot && this.telemetry.recordAdoption(rollout.snapshot));
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
    if (rollout.snapshot) this.onSnapshot(rollout.snapshot);
    this.configureExporters();
  }

  // ---- what the analysis glue calls ---------------------------------------------------------------------------

  observe(op: Op, seconds: number, outcome?: { error?: boolean }): void {
    this.metrics.apply((metrics) => metrics.observe(op, seconds, outcome));
  }

  securityViolation(kind: ViolationKind): void {
    this.metrics.apply((metrics) => metrics.securityViolation(kind));
    this.machine.reportViolation();
    this.log.warn(`security violation: ${kind}`);
    this.telemetry.logError('security.violation', securityViolationEvent(kind));
    void this.evaluateNow();
  }

  setMemory(usedBytes: number, limitBytes: number): void {
    this.metrics.apply((metrics) => metrics.setMemory(usedBytes, limitBytes));
  }

  geneExtraction(succeeded: boolean): void {
    this.metrics.apply((metrics) => metrics.geneExtraction(succeeded));
  }

  cacheLookup(hit: boolean): void {
    this.metrics.apply((metrics) => metrics.cacheLookup(hit));
  }

  gatewayRequest(succeeded: boolean): void {
    this.metrics.apply((metrics) => metrics.gatewayRequest(succeeded));
  }

  /** The last evaluation, with the exporters as they are now (they change with the settings, between evaluations). */
  current(): ObservabilityState {
    return { ...this.state, exporters: this.exporters.describe(readObservabilityConfig().prometheusUrl) };
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

  // ---- sampling and the guard ---------------------------------------------------------------------------------------

  private async tick(): Promise<void> {
    await this.evaluateNow();
    await this.exporters.push();
    const url = readObservabilityConfig().prometheusUrl;
    void this.fleet.refresh(url).then((changed) => changed && this.publish({ ...this.state, fleet: this.fleet.value }));
  }

  private async evaluate(): Promise<ObservabilityState> {
    const now = Date.now() / 1000;
    const loaded = this.metrics.loaded;
    if (loaded) await loaded.sampler.record();
    const sampled = loaded ? planValuesOf(loaded.sampler.samples(), { since: this.machine.guard.armedAt }) : NO_PLAN_VALUES;
    const { decision, values } = this.machine.feed(sampled, now);
    if (decision.state === 'armed') this.recordBaseline(values);
    this.publish(this.buildState(now, values, decision.state === 'armed' ? decision.checks : checkTriggers(values)));
    if (decision.state === 'fired' && decision.fresh) {
      await writeAutomaticRollback(decision.firing, this.machine, this.rollout, this.log, (event) => this.telemetry.logError('rollback', event));
    }
    return this.state;
  }

  /** The first healthy P95 with enough requests behind it is the baseline SEV3 is measured against. */
  private recordBaseline(values: PlanValues): void {
    const guard = this.machine.guard;
    if (guard.baselineP95Latency !== undefined) return;
    if (values.p95Latency === null || !Number.isFinite(values.p95Latency) || values.p95Latency <= 0 || (values.requests ?? 0) < MIN_REQUESTS_IN_WINDOW) return;
    guard.baselineP95Latency = values.p95Latency;
    void this.context.workspaceState.update(BASELINE_KEY, values.p95Latency);
    this.log.info(`metrics: P95 baseline recorded: ${formatValue(values.p95Latency, 'seconds')}`);
  }

  private buildState(at: number | undefined, local: PlanValues | undefined, triggers: TriggerCheck[]): ObservabilityState {
    const snapshot = this.rollout.snapshot;
    const phaseId = snapshot ? (snapshot.phase.id === 'custom' ? snapshot.phase.nearest : snapshot.phase.id) : undefined;
    const feedback = this.telemetry.feedbackSummary();
    const guard = this.machine.guard;
    const firing = guard.firing;
    const criteria =
      phaseId === undefined || !local
        ? []
        : evaluateCriteria(phaseId, { ...local, ...(feedback ? { feedback } : {}), memoryTriggered: firing?.trigger === 'memory', checks: this.checks });
    return {
      at,
      sampling: this.metrics.loaded !== undefined,
      local,
      fleet: this.fleet.value,
      triggers,
      guard: { state: guard.state, ...(firing ? { firing } : {}), armedAt: guard.armedAt },
      phase: snapshot?.phase.id,
      criteria,
      feedback,
      exporters: this.exporters.describe(readObservabilityConfig().prometheusUrl),
    };
  }

  private publish(state: ObservabilityState): void {
    this.state = state;
    this.changed.fire(state);
  }

  private onSnapshot(snapshot: RolloutSnapshot | undefined): void {
    if (!snapshot) return;
    const synced = this.machine.sync(snapshot.rollback, Date.now() / 1000);
    if (synced.kind === 'adopted') this.log.info(`rollback in effect (${synced.firing.trigger}): the guard holds until re-armed`);
    if (synced.kind === 'rearmed') this.log.info('re-armed: the rollback triggers watch again, on data from now on');
    // The local evaluator needs samples whenever Chimera may run (never in Restricted Mode, where nothing runs).
    if (snapshot.resolution.flags.CHIMERA_ENABLED.value === true && vscode.workspace.isTrusted) this.metrics.ensure();
    this.publishFeatures(snapshot);
    void readRecordedChecks(snapshot.workspace).then((checks) => (this.checks = checks));
    void this.telemetry.recordAdoption(snapshot);
    this.publish(this.buildState(this.state.at, this.state.local, this.state.triggers));
  }

  private publishFeatures(snapshot: RolloutSnapshot): void {
    this.metrics.loaded?.metrics.setFeatures(snapshot.features, snapshot.canary.fraction);
  }

  private configureExporters(): void {
    this.exporterChain = this.exporterChain
      .then(async () => {
        const config = readObservabilityConfig();
        await this.exporters.apply(config, () => this.metrics.ensure(), vscode.env.machineId, SAMPLE_INTERVAL_MS / 1000);
        if (config.prometheusUrl) this.metrics.ensure();
        else this.fleet.clear();
      })
      .catch((error: unknown) => this.log.error(`metrics exporters: ${message(error)}`));
  }

  // ---- feedback -----------------------------------------------------------------------------------------------------

  async sendFeedback(argument?: FeedbackArgument): Promise<FeedbackSubmission | undefined> {
    await this.telemetry.ready;
    if (!this.telemetry.available) {
      void vscode.window.showErrorMessage('Chimera: feedback is unavailable because telemetry storage could not start (see the Chimera log).');
      return undefined;
    }
    const phase = this.rollout.snapshot?.phase.id;
    const input = argument ? feedbackFromArgument(argument, phase) : await promptFeedback(phase, feedbackDestinations());
    if (!input) return undefined;
    const sent = await this.telemetry.submitFeedback(input);
    if (!sent) return undefined;
    const { submission, counted } = sent;
    if (submission.delivery.status === 'failed') {
      this.log.warn(`feedback not sent (${submission.delivery.error}); kept and retried`);
      void vscode.window.showWarningMessage(`Chimera: your feedback could not be sent (${submission.delivery.error}). It is kept and sent with the next attempt.`);
    } else if (counted) {
      void vscode.window.showInformationMessage('Chimera: thank you. No feedback endpoint or PostHog project is configured, so it was counted on this machine only.');
    } else {
      void vscode.window.showInformationMessage('Chimera: thank you, your feedback was sent.');
    }
    if (submission.storageProblem) this.log.warn(`feedback log: ${submission.storageProblem.message}`);
    this.publish(this.buildState(this.state.at, this.state.local, this.state.triggers));
    return submission;
  }

  // ---- lifecycle --------------------------------------------------------------------------------------------------

  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      clearInterval(this.timer);
      for (const disposable of this.disposables) disposable.dispose();
      await this.exporterChain;
      await this.exporters.close();
      await this.telemetry.close();
    })().catch((error: unknown) => this.log.error(`observability shutdown: ${message(error)}`));
    return this.shutdownPromise;
  }

  dispose(): void {
    void this.shutdown();
  }
}

function feedbackDestinations(): FeedbackDestinations {
  const config = readObservabilityConfig();
  return { endpoint: config.telemetryEndpoint, posthogProjectKey: config.posthogProjectKey, posthogHost: config.posthogHost };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Metrics, the automatic rollback, telemetry and feedback for the extension. Cheap at activation: prom-client loads
 * only when CHIMERA_ENABLED is on, an exporter is configured, or something is observed.
 */
export function registerObservability(context: vscode.ExtensionContext, rollout: RolloutService, log: vscode.LogOutputChannel, register: CommandRegistrar): Observability {
  const service = new ObservabilityService(context, rollout, log);
  context.subscriptions.push(
    service,
    register('chimera.sendFeedback', (argument?: FeedbackArgument) => service.sendFeedback(argument && (argument.sentiment === 'positive' || argument.sentiment === 'negative') ? argument : undefined)),
  );
  registerMetricsDocument(context, service, register);
  registerMonitoringExport(context, rollout, log, register);
  return service;
}
