// The automatic rollback policy and the phases' success criteria, evaluated over the plan's values.
// No prom-client here (evaluate.ts and plan.ts are free of it): the extension bundle imports this directly.
import { type QueryValue, evaluatePlanQueries, extrapolatedIncrease } from '../metrics/evaluate';
import { MIN_REQUESTS_IN_WINDOW, OPS, ROLLBACK_TRIGGERS, type Threshold, type TriggerId, parseDuration } from '../metrics/plan';
import type { MetricsSample } from '../metrics/sample';
import { type CriterionStatus, type FeedbackSummary, evaluateFeedbackCriterion } from '../telemetry/feedback';
import { type Criterion, type PassOp, type Phase, type PhaseId, phaseById } from './phases';
import type { RollbackState } from './state';

export type { CriterionStatus } from '../telemetry/feedback';

/** The plan's four values plus what decides whether they mean anything yet. */
export interface PlanValues {
  errorRate: QueryValue;
  /** Seconds. */
  p95Latency: QueryValue;
  memoryRatio: QueryValue;
  securityViolations: QueryValue;
  /** `sum(increase(chimera_requests_total[window]))`: below MIN_REQUESTS_IN_WINDOW a rate is noise. */
  requests: QueryValue;
  /** The memory ratio's lowest and highest reading over the stability window; null without readings. */
  memoryRange: { min: number; max: number; readings: number } | null;
  /** Gateway ("IPFS") availability over the rate window and the fetches behind it; absent without gateway samples. */
  gatewayAvailability?: { availability: number | null; requests: number };
}

export interface PlanValuesOptions {
  /** Evaluation time, Unix seconds (default: the newest sample). */
  at?: number;
  /** Rate window (default 5m). */
  window?: string;
  /** Increase window of security violations (default 1h). */
  securityWindow?: string;
  /** Window of "resource usage stable" (default 1h: the longest history the local sampler keeps). */
  stabilityWindow?: string;
  /** Ignore samples before this time (Unix seconds): after a re-arm only new data may fire again. */
  since?: number;
}

/** A memory ratio needs a positive limit; 0/0 or x/0 is "no limit set", not a reading. */
function memoryRatioOf(sample: MetricsSample): number | undefined {
  const ratio = sample.memoryBytes / sample.memoryLimitBytes;
  return sample.memoryLimitBytes > 0 && Number.isFinite(ratio) ? ratio : undefined;
}

/** The plan's values over local samples (time-ordered), with Prometheus semantics (see metrics/evaluate.ts). */
export function planValuesOf(samples: readonly MetricsSample[], options: PlanValuesOptions = {}): PlanValues {
  const used = options.since === undefined ? samples : samples.filter((s) => s.t >= options.since!);
  const at = options.at ?? used[used.length - 1]?.t ?? 0;
  const window = options.window ?? '5m';
  const queries = evaluatePlanQueries(used, { at, window, ...(options.securityWindow ? { securityWindow: options.securityWindow } : {}) });
  const windowSeconds = parseDuration(window)!;
  let requests: QueryValue = null;
  for (const op of OPS) {
    const increase = extrapolatedIncrease(used.map((s) => ({ t: s.t, v: s.requests[op] })), at - windowSeconds, at, false);
    if (increase !== null) requests = (requests ?? 0) + increase;
  }
  const stability = parseDuration(options.stabilityWindow ?? '1h');
  if (stability === undefined) throw new RangeError(`'${options.stabilityWindow}' is not a Prometheus duration`);
  let memoryRange: PlanValues['memoryRange'] = null;
  for (const sample of used) {
    if (sample.t < at - stability || sample.t > at) continue;
    const ratio = memoryRatioOf(sample);
    if (ratio === undefined) continue;
    memoryRange = memoryRange ? { min: Math.min(memoryRange.min, ratio), max: Math.max(memoryRange.max, ratio), readings: memoryRange.readings + 1 } : { min: ratio, max: ratio, readings: 1 };
  }
  const memoryRatio = queries.memoryRatio !== null && Number.isFinite(queries.memoryRatio) ? queries.memoryRatio : null;
  const gatewayAvailability = gatewayAvailabilityOf(used, at - windowSeconds, at);
  return { errorRate: queries.errorRate, p95Latency: queries.p95Latency, memoryRatio, securityViolations: queries.securityViolations, requests, memoryRange, ...(gatewayAvailability ? { gatewayAvailability } : {}) };
}

/** `sum(rate(chimera_gateway_requests_total{result="success"}[w])) / sum(rate(chimera_gateway_requests_total[w]))` over local samples. */
function gatewayAvailabilityOf(samples: readonly MetricsSample[], start: number, end: number): PlanValues['gatewayAvailability'] {
  const withFetches = samples.filter((s) => s.gatewayFetches !== undefined);
  if (withFetches.length === 0) return undefined;
  const increase = (result: 'success' | 'failure') => extrapolatedIncrease(withFetches.map((s) => ({ t: s.t, v: s.gatewayFetches![result] })), start, end, false);
  const success = increase('success');
  const failure = increase('failure');
  if (success === null || failure === null) return { availability: null, requests: 0 };
  const requests = success + failure;
  return { availability: requests > 0 ? success / requests : null, requests };
}

// ---------------------------------------------------------------------------------------------------------------
// Rollback triggers

export type TriggerStatus = 'ok' | 'over' | 'not-enough-data';

export interface TriggerCheck {
  trigger: TriggerId;
  summary: string;
  status: TriggerStatus;
  value: number | null;
  limit: number;
  unit: Threshold['unit'];
  /** Why there is no verdict yet, e.g. "12 of 20 requests". */
  detail?: string;
}

const RATE_BASED: ReadonlySet<string> = new Set(['errorRate', 'p95Latency']);

function exceeds(value: number, op: Threshold['op'], limit: number): boolean {
  return op === '>' ? value > limit : value >= limit;
}

function usable(value: QueryValue): value is number {
  return value !== null && Number.isFinite(value);
}

/**
 * Each trigger of the plan against the values: a security violation counts at once; error rate and P95 only with
 * at least `minRequests` requests in the window; memory needs a reading against a set limit.
 */
export function checkTriggers(values: PlanValues, minRequests = MIN_REQUESTS_IN_WINDOW): TriggerCheck[] {
  return ROLLBACK_TRIGGERS.map((trigger) => {
    const value = values[trigger.query];
    const base = { trigger: trigger.id, summary: trigger.summary, limit: trigger.limit, unit: trigger.unit, value: usable(value) ? value : null };
    if (!usable(value)) return { ...base, status: 'not-enough-data', detail: 'no samples in the window yet' };
    if (RATE_BASED.has(trigger.query)) {
      const requests = usable(values.requests) ? values.requests : 0;
      if (requests < minRequests) return { ...base, status: 'not-enough-data', detail: `${Math.floor(requests)} of ${minRequests} requests in the window` };
    }
    return { ...base, status: exceeds(value, trigger.op, trigger.limit) ? 'over' : 'ok' };
  });
}

export type Severity = 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';

/** What is known about an incident; severity is a pure function of it. */
export interface IncidentFacts {
  securityViolation?: boolean;
  dataLoss?: boolean;
  /** The feature does not work at all (e.g. a person says so); see also BROKEN_ERROR_RATE. */
  broken?: boolean;
  /** Error rate with enough requests behind it. */
  errorRate?: number;
  /** Current P95 latency and the baseline recorded before, both in seconds. */
  p95Latency?: number;
  baselineP95Latency?: number;
}

export interface SeverityVerdict {
  severity: Severity;
  /** Plan: SEV1 → immediate rollback; the others get a response time. */
  immediateRollback: boolean;
  respondWithin: 'immediately' | '1 hour' | '4 hours' | 'next business day';
  reason: string;
}

/** Reading of "feature completely broken": at least half of the operations fail. */
export const BROKEN_ERROR_RATE = 0.5;
/** Plan: SEV3 is a performance degradation of more than 50% against the recorded baseline. */
export const DEGRADATION_RATIO = 1.5;

/**
 * The plan's incident severity: SEV1 security breach or data loss (immediate rollback), SEV2 completely broken,
 * SEV3 P95 more than 50% above the recorded baseline, SEV4 anything else. Without a baseline a slowdown cannot be
 * measured against one, so it is SEV4 and the reason says so.
 */
export function incidentSeverity(facts: IncidentFacts): SeverityVerdict {
  if (facts.securityViolation || facts.dataLoss) {
    return { severity: 'SEV1', immediateRollback: true, respondWithin: 'immediately', reason: facts.securityViolation ? 'security violation' : 'data loss' };
  }
  if (facts.broken || (facts.errorRate !== undefined && facts.errorRate >= BROKEN_ERROR_RATE)) {
    const reason = facts.broken ? 'feature completely broken' : `error rate ${percent(facts.errorRate!)} ≥ ${percent(BROKEN_ERROR_RATE)}: completely broken`;
    return { severity: 'SEV2', immediateRollback: false, respondWithin: '1 hour', reason };
  }
  if (facts.p95Latency !== undefined && facts.baselineP95Latency !== undefined && facts.baselineP95Latency > 0) {
    const ratio = facts.p95Latency / facts.baselineP95Latency;
    if (ratio > DEGRADATION_RATIO) {
      return { severity: 'SEV3', immediateRollback: false, respondWithin: '4 hours', reason: `P95 ${ms(facts.p95Latency)} is ${Math.round((ratio - 1) * 100)}% above the baseline ${ms(facts.baselineP95Latency)}` };
    }
  }
  const noBaseline = facts.p95Latency !== undefined && !(facts.baselineP95Latency !== undefined && facts.baselineP95Latency > 0) ? ' (no recorded P95 baseline to measure a degradation against)' : '';
  return { severity: 'SEV4', immediateRollback: false, respondWithin: 'next business day', reason: `minor${noBaseline}` };
}

/** The firing trigger's numbers as incident facts. */
export function severityOfFiring(trigger: TriggerId, values: Readonly<Record<string, number>>, baselineP95Latency?: number): SeverityVerdict {
  return incidentSeverity({
    securityViolation: trigger === 'security-violation',
    ...(values.errorRate !== undefined && (values.requests ?? 0) >= MIN_REQUESTS_IN_WINDOW ? { errorRate: values.errorRate } : {}),
    ...(values.p95Latency !== undefined ? { p95Latency: values.p95Latency } : {}),
    ...(baselineP95Latency !== undefined ? { baselineP95Latency } : {}),
  });
}

/** Why the guard stopped Chimera: the trigger, its number against the limit, and every value at that moment. */
export interface Firing {
  /** A trigger id, or for a rollback adopted from the persisted state whatever it recorded ('manual', ...). */
  trigger: TriggerId | string;
  summary: string;
  value?: number;
  limit?: number;
  /** Every plan value that was known (finite numbers only: they go into the state file and the log as JSON). */
  values: Record<string, number>;
  severity: Severity;
  severityReason: string;
  /** Unix seconds. */
  at: number;
  /** True when the guard fired itself; false when it adopted a rollback someone else made. */
  automatic: boolean;
}

export type GuardDecision =
  | { state: 'armed'; checks: TriggerCheck[] }
  | {
      state: 'fired';
      firing: Firing;
      /** True only for the evaluation that fired: the caller rolls back once, on this. */
      fresh: boolean;
    };

export interface GuardOptions {
  minRequests?: number;
  /** P95 seconds recorded before trouble; makes SEV3 measurable. */
  baselineP95Latency?: number;
}

/** Finite plan values, named as in the plan, for the rollback state, the log and the warning. */
export function finiteValues(values: PlanValues): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ['errorRate', 'p95Latency', 'memoryRatio', 'securityViolations', 'requests'] as const) {
    const value = values[key];
    if (usable(value)) out[key] = value;
  }
  return out;
}

/** Security first: it fires whatever the other numbers say. */
const PRIORITY: readonly TriggerId[] = ['security-violation', 'error-rate', 'p95-latency', 'memory'];

/**
 * Armed → fired on the first evaluation with a trigger over its limit; fired stays fired, whatever later values say,
 * until rearm() (no flapping: a metric that dips below the limit never switches features back on).
 */
export class RollbackGuard {
  private firingValue: Firing | undefined;
  private armedAtValue: number;
  private readonly minRequests: number;
  private baseline: number | undefined;

  constructor(options: GuardOptions = {}, armedAt = 0) {
    this.minRequests = options.minRequests ?? MIN_REQUESTS_IN_WINDOW;
    this.baseline = options.baselineP95Latency;
    this.armedAtValue = armedAt;
  }

  get state(): 'armed' | 'fired' {
    return this.firingValue ? 'fired' : 'armed';
  }

  get firing(): Firing | undefined {
    return this.firingValue;
  }

  /** Unix seconds of the last re-arm: data from before it must not fire again. */
  get armedAt(): number {
    return this.armedAtValue;
  }

  get baselineP95Latency(): number | undefined {
    return this.baseline;
  }

  set baselineP95Latency(seconds: number | undefined) {
    this.baseline = seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
  }

  feed(values: PlanValues, at: number): GuardDecision {
    if (this.firingValue) return { state: 'fired', firing: this.firingValue, fresh: false };
    const checks = checkTriggers(values, this.minRequests);
    const over = PRIORITY.map((id) => checks.find((c) => c.trigger === id)!).find((c) => c.status === 'over');
    if (!over) return { state: 'armed', checks };
    const numbers = finiteValues(values);
    const severity = severityOfFiring(over.trigger, numbers, this.baseline);
    this.firingValue = { trigger: over.trigger, summary: over.summary, value: over.value!, limit: over.limit, values: numbers, severity: severity.severity, severityReason: severity.reason, at, automatic: true };
    return { state: 'fired', firing: this.firingValue, fresh: true };
  }

  /** A rollback already in effect (persisted across a restart, or made by hand) holds the guard fired too. */
  adopt(state: RollbackState): Firing {
    if (this.firingValue) return this.firingValue;
    const known = ROLLBACK_TRIGGERS.find((t) => t.id === state.trigger);
    const values = state.values ?? {};
    const severity = known ? severityOfFiring(known.id, values, this.baseline) : incidentSeverity({});
    const at = Date.parse(state.at) / 1000;
    this.firingValue = {
      trigger: state.trigger,
      summary: known?.summary ?? state.reason,
      ...(known && values[known.query] !== undefined ? { value: values[known.query], limit: known.limit } : {}),
      values,
      severity: severity.severity,
      severityReason: severity.reason,
      at: Number.isFinite(at) ? at : 0,
      automatic: false,
    };
    return this.firingValue;
  }

  /** Explicit, by a person: only data after `at` (Unix seconds) counts from now on. */
  rearm(at: number): void {
    this.firingValue = undefined;
    this.armedAtValue = at;
  }
}

const TRIGGER_LABEL: Record<TriggerId, string> = {
  'error-rate': 'error rate',
  'p95-latency': 'P95 latency',
  memory: 'memory ratio',
  'security-violation': 'security violations',
};

/** A number in the unit people read it in: ratios as %, seconds as ms, counts as counts. */
export function formatValue(value: number, unit: Threshold['unit']): string {
  if (unit === 'ratio') return percent(value);
  if (unit === 'seconds') return ms(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** One line for the warning, the log and the rollback reason, e.g. "error rate 2.50% > 1% (140 requests in the window) — SEV4". */
export function describeFiring(firing: Firing): string {
  const trigger = ROLLBACK_TRIGGERS.find((t) => t.id === firing.trigger);
  if (!trigger || firing.value === undefined) return `${firing.summary} — ${firing.severity}`;
  const requests = RATE_BASED.has(trigger.query) && firing.values.requests !== undefined ? ` (${Math.round(firing.values.requests)} requests in the window)` : '';
  return `${TRIGGER_LABEL[trigger.id]} ${formatValue(firing.value, trigger.unit)} ${trigger.op} ${formatValue(trigger.limit, trigger.unit)}${requests} — ${firing.severity}`;
}

function percent(ratio: number): string {
  const p = ratio * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(2)}%`;
}

function ms(seconds: number): string {
  return `${Math.round(seconds * 1000)} ms`;
}

// ---------------------------------------------------------------------------------------------------------------
// Success criteria

/** Everything a phase's criteria may read; what is missing makes its criterion "not enough data". */
export interface CriteriaValues extends PlanValues {
  feedback?: FeedbackSummary;
  /** Analysis time with Chimera divided by without (bench), for "within 5% of baseline". */
  performanceRatio?: number;
  /** Whether the memory trigger fired in the window (the guard's or a persisted rollback). */
  memoryTriggered?: boolean;
  /** Results of automatic checks and confirmations by a person, by criterion id (e.g. smoke-tests, docs). */
  checks?: Readonly<Record<string, boolean | undefined>>;
}

export interface CriterionResult {
  id: string;
  text: string;
  kind: Criterion['kind'];
  status: CriterionStatus;
  value?: number;
  bound?: number;
  /** Why, in a few words: the numbers, or what is missing. */
  detail: string;
}

/** Memory readings needed before "stable" can pass: like Prometheus's rule of thumb of 4 scrapes per window. */
export const MIN_MEMORY_READINGS = 4;
/** "Resource usage stable": the memory ratio moved less than this over the window. */
export const MEMORY_STABLE_POINTS = 0.1;

function compare(value: number, op: PassOp, bound: number): boolean {
  return op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : value >= bound;
}

function rateCriterion(criterion: Criterion, value: QueryValue, requests: QueryValue): Omit<CriterionResult, 'id' | 'text' | 'kind'> {
  const metric = criterion.metric!;
  const unit = metric.unit;
  const count = usable(requests) ? requests : 0;
  // Too few requests decide nothing either way: a rate over 3 requests neither passes nor fails a phase.
  if (count < MIN_REQUESTS_IN_WINDOW || !usable(value)) return { status: 'not-enough-data', bound: metric.bound, detail: `${Math.floor(count)} of ${MIN_REQUESTS_IN_WINDOW} requests in the window` };
  const pass = compare(value, metric.op, metric.bound);
  return { status: pass ? 'pass' : 'fail', value, bound: metric.bound, detail: `${formatValue(value, unit)} (${pass ? '' : 'not '}${metric.op} ${formatValue(metric.bound, unit)}) over ${Math.round(count)} requests` };
}

function evaluateCriterion(criterion: Criterion, values: CriteriaValues): Omit<CriterionResult, 'id' | 'text' | 'kind'> {
  const checked = values.checks?.[criterion.id];
  if (criterion.kind !== 'metric' || !criterion.metric) {
    if (checked === undefined) return { status: 'not-enough-data', detail: criterion.kind === 'person' ? 'to be confirmed by a person in the checklist' : 'not checked yet' };
    return { status: checked ? 'pass' : 'fail', detail: criterion.kind === 'person' ? (checked ? 'confirmed' : 'not confirmed') : checked ? 'check passed' : 'check failed' };
  }
  const metric = criterion.metric;
  switch (metric.name) {
    case 'errorRate':
      return rateCriterion(criterion, values.errorRate, values.requests);
    case 'p95Latency':
      return rateCriterion(criterion, values.p95Latency, values.requests);
    case 'securityViolations': {
      // No minimum: one violation is an incident however little ran.
      if (!usable(values.securityViolations)) return { status: 'not-enough-data', bound: metric.bound, detail: 'no samples in the security window yet' };
      const count = values.securityViolations;
      return !compare(count, metric.op, metric.bound) ? { status: 'fail', value: count, bound: metric.bound, detail: `${formatValue(count, 'count')} violation(s) in the window` } : { status: 'pass', value: 0, bound: metric.bound, detail: 'none in the window' };
    }
    case 'feedbackPositive': {
      if (!values.feedback) return { status: 'not-enough-data', bound: metric.bound, detail: 'no feedback summary' };
      const result = evaluateFeedbackCriterion(values.feedback);
      const share = result.positiveShare === undefined ? 'no responses' : `${percent(result.positiveShare)} positive of ${result.responses}`;
      const detail = result.status === 'not-enough-data' ? `${share}; needs ${result.minResponses} responses` : `${share} (needs ≥ ${percent(result.minPositiveShare)})`;
      return { status: result.status, ...(result.positiveShare !== undefined ? { value: result.positiveShare } : {}), bound: result.minPositiveShare, detail };
    }
    case 'memoryStable': {
      const range = values.memoryRange;
      const memoryLimit = ROLLBACK_TRIGGERS.find((t) => t.id === 'memory')!.limit;
      if (values.memoryTriggered) return { status: 'fail', bound: metric.bound, detail: 'the memory trigger fired' };
      if (range && range.max > memoryLimit) return { status: 'fail', value: range.max - range.min, bound: metric.bound, detail: `memory ratio reached ${percent(range.max)} (trigger above ${percent(memoryLimit)})` };
      if (!range || range.readings < MIN_MEMORY_READINGS) return { status: 'not-enough-data', bound: metric.bound, detail: `${range?.readings ?? 0} of ${MIN_MEMORY_READINGS} memory readings in the window` };
      const moved = range.max - range.min;
      const pass = moved < metric.bound;
      return { status: pass ? 'pass' : 'fail', value: moved, bound: metric.bound, detail: `memory ratio moved ${(moved * 100).toFixed(1)} points (${percent(range.min)}–${percent(range.max)}; must stay under ${Math.round(metric.bound * 100)})` };
    }
    case 'gatewayAvailability': {
      const gateway = values.gatewayAvailability;
      if (!gateway || gateway.requests < MIN_REQUESTS_IN_WINDOW || !usable(gateway.availability)) return { status: 'not-enough-data', bound: metric.bound, detail: `${Math.floor(gateway?.requests ?? 0)} of ${MIN_REQUESTS_IN_WINDOW} gateway fetches in the window` };
      const pass = compare(gateway.availability, metric.op, metric.bound);
      return { status: pass ? 'pass' : 'fail', value: gateway.availability, bound: metric.bound, detail: `${percent(gateway.availability)} of ${Math.round(gateway.requests)} fetches succeeded` };
    }
    case 'performanceRatio': {
      if (values.performanceRatio === undefined || !Number.isFinite(values.performanceRatio)) return { status: 'not-enough-data', bound: metric.bound, detail: 'no benchmark against the baseline yet' };
      const pass = compare(values.performanceRatio, metric.op, metric.bound);
      return { status: pass ? 'pass' : 'fail', value: values.performanceRatio, bound: metric.bound, detail: `${values.performanceRatio.toFixed(3)}× the baseline` };
    }
  }
}

/** Each criterion of the phase → pass, fail or not enough data, with the numbers behind it. */
export function evaluateCriteria(phase: Phase | PhaseId, values: CriteriaValues): CriterionResult[] {
  const table = typeof phase === 'number' ? phaseById(phase) : phase;
  return table.criteria.map((criterion) => ({ id: criterion.id, text: criterion.text, kind: criterion.kind, ...evaluateCriterion(criterion, values) }));
}
