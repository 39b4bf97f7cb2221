// Where each number of the plan comes from: one entry per success criterion and rollback trigger, as data. The
// Rollout view, "Show Metrics" and the README table all read this, so a new criterion or trigger must be decided here.
import type { FleetValues, ObservabilityState } from '../metrics/report';
import { type FleetQuery, METRIC, ROLLBACK_TRIGGERS, type TriggerId, fleetQueries } from '../metrics/plan';
import { type CriterionResult, type TriggerCheck, formatValue } from './guard';
import { type CriterionId, type Phase, phaseCriteria } from './phases';

/** The observability hooks the editor's runs call (src/vscode/observability.ts). */
export type ObservabilityHook = 'observe' | 'securityViolation' | 'setMemory' | 'gatewayRequest';
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
type Unit = 'ratio' | 'seconds' | 'count';

export type ValueSource =
  /** This machine: what feeds the value and how it is read. */
  | { kind: 'local'; hook?: ObservabilityHook; metrics?: readonly MetricName[]; file?: string; origin: string }
  /** The fleet: a query the team's Prometheus answers (chimera.prometheus.url). */
  | { kind: 'fleet'; query: FleetQuery }
  /** Nothing measures it yet, and why. */
  | { kind: 'not-measurable'; reason: string };

export const SOURCE_KIND_LABEL: Readonly<Record<ValueSource['kind'], string>> = { local: 'this machine', fleet: 'fleet (Prometheus)', 'not-measurable': 'not measurable yet' };

/** The unit each fleet query answers in. */
const FLEET_UNIT: Readonly<Record<FleetQuery, Unit>> = { errorRate: 'ratio', p95Latency: 'seconds', memoryRatio: 'ratio', securityViolations: 'count', requests: 'count', gatewayAvailability: 'ratio' };

const SAMPLED = 'sampled every 15 s on this machine and evaluated with the plan query';

const local = {
  errors: { kind: 'local', hook: 'observe', metrics: [METRIC.errors, METRIC.requests], origin: `every extraction, compile, verification, run and fetch in this editor; ${SAMPLED} over 5 m` },
  latency: { kind: 'local', hook: 'observe', metrics: [METRIC.duration], origin: `the duration of every operation in this editor; ${SAMPLED} over 5 m` },
  memory: { kind: 'local', hook: 'setMemory', metrics: [METRIC.memory, METRIC.memoryLimit], origin: `the sandbox's WebAssembly memory in use across its pool against its limit; ${SAMPLED}` },
  violations: { kind: 'local', hook: 'securityViolation', metrics: [METRIC.securityViolations], origin: 'every security verdict of the sandbox (forbidden import, escape, limit bypass) and every CID mismatch; reaches the rollback guard at once' },
  gateway: { kind: 'local', hook: 'gatewayRequest', metrics: [METRIC.gatewayRequests], origin: `every gateway fetch by CID (Run Gene by CID…): verified fetches over attempts; ${SAMPLED} over 5 m` },
} as const satisfies Record<string, ValueSource>;

/** The source of each rollback trigger: this machine's guard and the fleet's alert read the same metrics. */
export const TRIGGER_SOURCES: Readonly<Record<TriggerId, readonly ValueSource[]>> = {
  'error-rate': [local.errors, { kind: 'fleet', query: 'errorRate' }],
  'p95-latency': [local.latency, { kind: 'fleet', query: 'p95Latency' }],
  memory: [local.memory, { kind: 'fleet', query: 'memoryRatio' }],
  'security-violation': [local.violations, { kind: 'fleet', query: 'securityViolations' }],
};

/** The source of each success criterion, by id (an id shared by several phases has one source, other bounds). */
export const CRITERION_SOURCES: Readonly<Record<CriterionId, readonly ValueSource[]>> = {
  'zero-impact': [{ kind: 'not-measurable', reason: 'only the workbench impact test measures it (test/integration/zz-impact.test.ts, in CI); nothing records its result for the editor' }],
  'smoke-tests': [{ kind: 'local', file: '.chimera/check.json', origin: 'the result of the last `chimera check --record` in this workspace' }],
  performance: [{ kind: 'not-measurable', reason: 'the ratio to the baseline comes from `npm run bench`, off-line; no run in the editor or in Prometheus measures it' }],
  'error-rate': [local.errors, { kind: 'fleet', query: 'errorRate' }],
  'p95-latency': [local.latency, { kind: 'fleet', query: 'p95Latency' }],
  security: [local.violations, { kind: 'fleet', query: 'securityViolations' }],
  feedback: [{ kind: 'local', origin: "this machine's answers to Chimera: Send Feedback (the telemetry feedback log); the fleet's answers go to the telemetry collector, not Prometheus" }],
  'ipfs-availability': [local.gateway, { kind: 'fleet', query: 'gatewayAvailability' }],
  resources: [{ ...local.memory, origin: "the lowest and highest memory ratio over the last hour of this machine's samples, and whether the memory trigger fired" }],
  docs: [{ kind: 'not-measurable', reason: 'a person confirms it; no checklist entry records the confirmation yet' }],
};

/** One source as the view shows it: its kind, where exactly it comes from, and its value now (when it has one). */
export interface SourceView {
  kind: ValueSource['kind'];
  label: string;
  detail: string;
  value?: string;
}

/** Where a source comes from, in one line: the hook and metrics, the file, the PromQL, or the reason. */
export function describeSource(source: ValueSource): string {
  if (source.kind === 'fleet') return fleetQueries()[source.query];
  if (source.kind === 'not-measurable') return source.reason;
  const feeds = [source.hook ? `${source.hook}()` : undefined, source.metrics?.join(', '), source.file].filter((part) => part !== undefined);
  return feeds.length > 0 ? `${feeds.join(' → ')}: ${source.origin}` : source.origin;
}

function fleetValue(query: FleetQuery, fleet: FleetValues | undefined): string {
  if (!fleet) return 'no fleet values (set chimera.prometheus.url to the team Prometheus)';
  if ('error' in fleet) return `unavailable: ${fleet.error}`;
  const value = fleet.values[query];
  return value === null || !Number.isFinite(value) ? 'no data' : formatValue(value, FLEET_UNIT[query]);
}

function views(sources: readonly ValueSource[], localValue: string | undefined, fleet: FleetValues | undefined): SourceView[] {
  return sources.map((source) => {
    const base = { kind: source.kind, label: SOURCE_KIND_LABEL[source.kind], detail: describeSource(source) };
    if (source.kind === 'fleet') return { ...base, value: fleetValue(source.query, fleet) };
    if (source.kind === 'local' && localValue !== undefined) return { ...base, value: localValue };
    return base;
  });
}

function triggerValue(check: TriggerCheck | undefined): string | undefined {
  if (!check) return undefined;
  return check.value === null ? (check.detail ?? 'no data') : formatValue(check.value, check.unit);
}

function criterionValue(result: CriterionResult | undefined): string | undefined {
  return result ? `${result.status}: ${result.detail}` : undefined;
}

/** A criterion or trigger with its current value and its sources, as the Rollout view lists them. */
export interface MeasureRow {
  target: 'criterion' | 'trigger';
  id: string;
  text: string;
  sources: SourceView[];
}

/**
 * Every criterion of the phase and every rollback trigger, with the values the last evaluation found for them on this
 * machine and in the fleet. Before the metrics load, the sources are still listed, without values.
 */
export function measureRows(phase: Phase | undefined, state: Pick<ObservabilityState, 'criteria' | 'triggers' | 'fleet' | 'at'>): MeasureRow[] {
  const evaluated = state.at !== undefined;
  const criteria = (phase?.criteria ?? []).map((criterion): MeasureRow => {
    const result = state.criteria.find((c) => c.id === criterion.id);
    return { target: 'criterion', id: criterion.id, text: criterion.text, sources: views(CRITERION_SOURCES[criterion.id], criterionValue(result) ?? (evaluated ? 'no data' : undefined), state.fleet) };
  });
  const triggers = ROLLBACK_TRIGGERS.map((trigger): MeasureRow => {
    const check = state.triggers.find((c) => c.trigger === trigger.id);
    return { target: 'trigger', id: trigger.id, text: `Roll back when ${trigger.summary}`, sources: views(TRIGGER_SOURCES[trigger.id], triggerValue(check) ?? (evaluated ? 'no data' : undefined), state.fleet) };
  });
  return [...criteria, ...triggers];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The README's table "Where each of the plan's numbers comes from", generated from the entries above (a test compares). */
export function sourcesMarkdownTable(): string {
  const lines = ['| Plan | This machine (hook → metric) | Fleet (PromQL on the team Prometheus) | Not measurable yet |', '|---|---|---|---|'];
  const row = (what: string, sources: readonly ValueSource[]) => {
    const of = (kind: ValueSource['kind']) => sources.filter((s) => s.kind === kind).map((s) => (kind === 'fleet' ? `\`${describeSource(s)}\`` : describeSource(s)));
    const localText = sources.filter((s) => s.kind === 'local').map((s) => (s.kind === 'local' ? [s.hook ? `\`${s.hook}()\`` : undefined, s.metrics?.map((m) => `\`${m}\``).join(', '), s.file ? `\`${s.file}\`` : undefined].filter(Boolean).join(' → ') + (s.hook || s.metrics || s.file ? ': ' : '') + s.origin : ''));
    lines.push(`| ${cell(what)} | ${cell(localText.join('; ') || '—')} | ${cell(of('fleet').join('; ') || '—')} | ${cell(of('not-measurable').join('; ') || '—')} |`);
  };
  for (const { phase, criterion } of phaseCriteria()) row(`Phase ${phase}: ${criterion.text}`, CRITERION_SOURCES[criterion.id]);
  for (const trigger of ROLLBACK_TRIGGERS) row(`Rollback trigger: ${trigger.summary}`, TRIGGER_SOURCES[trigger.id]);
  return lines.join('\n');
}
