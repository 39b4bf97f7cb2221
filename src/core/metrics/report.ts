// "Show Metrics" as text: this machine's plan values next to the fleet's, the rollback guard, the phase's criteria.
import { type FleetQuery, MIN_REQUESTS_IN_WINDOW, ROLLBACK_TRIGGERS } from './plan';
import { type CriterionResult, type Firing, type PlanValues, type TriggerCheck, describeFiring, formatValue } from '../rollout/guard';
import { PHASES, type PhaseId } from '../rollout/phases';
import type { FeedbackSummary } from '../telemetry';

export type FleetValues = { at: number; values: Record<FleetQuery, number | null> } | { at: number; error: string };

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

/** Before the metrics module is loaded: nothing sampled (reported violations still count, see AutoRollback). */
export const NO_PLAN_VALUES: PlanValues = { errorRate: null, p95Latency: null, memoryRatio: null, securityViolations: null, requests: null, memoryRange: null };

export const EMPTY_OBSERVABILITY_STATE: ObservabilityState = { at: undefined, sampling: false, local: undefined, fleet: undefined, triggers: [], guard: { state: 'armed', armedAt: 0 }, phase: undefined, criteria: [], feedback: undefined, exporters: { problems: [] } };

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
