// The plan's metric names, queries and rollback thresholds, as data in one place (the phase criteria are in
// rollout/phases.ts). No prom-client here: the CLI's monitoring export and the rollout code import this without loading the registry.
import type { CriterionMeasure } from '../rollout/phases';

/** Operations of one analysis; identical label sets on requests and errors keep the plan's ratio matchable (pitfall P4). */
export const OPS = ['extract', 'compile', 'verify', 'exec', 'hash', 'fetch'] as const;
export type Op = (typeof OPS)[number];

/** Kinds of security violation; each is pre-created at 0 so Prometheus sees the first increase (pitfall P1). */
export const VIOLATION_KINDS = ['forbidden-import', 'sandbox-escape', 'limit-bypass', 'cid-mismatch'] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/**
 * Seconds. 0.3 (Phase 2 criterion) and 0.5 (rollback trigger) are boundaries with finer buckets
 * around them, and buckets above 0.5, so a P95 over 0.5 is measurable and not capped (pitfall P6).
 */
export const DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.28, 0.3, 0.32, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.75, 1, 2.5, 5, 10,
];

export const METRIC = {
  requests: 'chimera_requests_total',
  errors: 'chimera_errors_total',
  duration: 'chimera_duration_seconds',
  memory: 'chimera_memory_bytes',
  memoryLimit: 'chimera_memory_limit_bytes',
  securityViolations: 'chimera_security_violations_total',
  geneExtractions: 'chimera_gene_extractions_total',
  cacheLookups: 'chimera_cache_lookups_total',
  gatewayRequests: 'chimera_gateway_requests_total',
  featuresEnabled: 'chimera_features_enabled',
  canaryFraction: 'chimera_canary_fraction',
} as const;

/** The four monitoring queries exactly as the plan writes them (per series: one value per op). */
export const PLAN_QUERIES = {
  errorRate: 'rate(chimera_errors_total[5m]) / rate(chimera_requests_total[5m])',
  p95Latency: 'histogram_quantile(0.95, rate(chimera_duration_seconds_bucket[5m]))',
  memoryRatio: 'chimera_memory_bytes / chimera_memory_limit_bytes',
  securityViolations: 'increase(chimera_security_violations_total[1h])',
} as const;
export type PlanQuery = keyof typeof PLAN_QUERIES;

export interface QueryWindows {
  /** Rate window of the error rate and P95 (plan: 5m; tests use e.g. 30s). */
  window?: string;
  /** Increase window of the security violations (plan: 1h). */
  securityWindow?: string;
}

/**
 * The plan's queries aggregated to one value per Prometheus (`sum`, `sum by (le)`), so extra labels,
 * several ops or several instances never split or empty the result (pitfalls P4, P5).
 * The memory ratio takes the worst instance: the trigger is about any machine running out.
 */
export function planQueries(windows: QueryWindows = {}): Record<PlanQuery, string> {
  const w = checkDuration(windows.window ?? '5m');
  const s = checkDuration(windows.securityWindow ?? '1h');
  return {
    errorRate: `sum(rate(${METRIC.errors}[${w}])) / sum(rate(${METRIC.requests}[${w}]))`,
    p95Latency: `histogram_quantile(0.95, sum by (le) (rate(${METRIC.duration}_bucket[${w}])))`,
    memoryRatio: `max(${METRIC.memory} / ${METRIC.memoryLimit})`,
    securityViolations: `sum(increase(${METRIC.securityViolations}[${s}]))`,
  };
}

/** Below this many requests in the window a rate or a P95 is noise: it cannot fail or trigger ("not enough data"). */
export const MIN_REQUESTS_IN_WINDOW = 20;

/** Requests in the window, for "not enough data" guards. */
export function requestsInWindow(window = '5m'): string {
  return `sum(increase(${METRIC.requests}[${checkDuration(window)}]))`;
}

export interface Threshold {
  query: PlanQuery;
  /** The condition that fails: value `op` limit. */
  op: '>' | '>=';
  limit: number;
  unit: 'ratio' | 'seconds' | 'count';
}

/** The plan's automatic rollback triggers; any one firing rolls back. */
export const ROLLBACK_TRIGGERS = [
  { id: 'error-rate', alert: 'ChimeraHighErrorRate', summary: 'error rate above 1%', query: 'errorRate', op: '>', limit: 0.01, unit: 'ratio' },
  { id: 'p95-latency', alert: 'ChimeraHighP95Latency', summary: 'P95 latency above 500 ms', query: 'p95Latency', op: '>', limit: 0.5, unit: 'seconds' },
  { id: 'memory', alert: 'ChimeraHighMemory', summary: 'memory above 80% of the limit', query: 'memoryRatio', op: '>', limit: 0.8, unit: 'ratio' },
  { id: 'security-violation', alert: 'ChimeraSecurityViolation', summary: 'a security violation in the last hour', query: 'securityViolations', op: '>', limit: 0, unit: 'count' },
] as const satisfies readonly (Threshold & { id: string; alert: string; summary: string })[];
export type TriggerId = (typeof ROLLBACK_TRIGGERS)[number]['id'];

/** Secondary metrics of the plan; compile and hash times come from the one op-labelled histogram, so nothing is observed twice. */
export function secondaryQueries(window = '5m'): Record<'geneExtractionSuccess' | 'wasmCompileP50' | 'wasmCompileMean' | 'cacheHitRatio' | 'gatewayAvailability' | 'proteinHashP50' | 'proteinHashMean' | 'adoption' | 'canaryFraction', string> {
  const w = checkDuration(window);
  const ratio = (metric: string, good: string) => `sum(rate(${metric}{result="${good}"}[${w}])) / sum(rate(${metric}[${w}]))`;
  const p50 = (op: Op) => `histogram_quantile(0.5, sum by (le) (rate(${METRIC.duration}_bucket{op="${op}"}[${w}])))`;
  const mean = (op: Op) => `sum(rate(${METRIC.duration}_sum{op="${op}"}[${w}])) / sum(rate(${METRIC.duration}_count{op="${op}"}[${w}]))`;
  return {
    geneExtractionSuccess: ratio(METRIC.geneExtractions, 'success'),
    wasmCompileP50: p50('compile'),
    wasmCompileMean: mean('compile'),
    cacheHitRatio: ratio(METRIC.cacheLookups, 'hit'),
    gatewayAvailability: ratio(METRIC.gatewayRequests, 'success'),
    proteinHashP50: p50('hash'),
    proteinHashMean: mean('hash'),
    adoption: `avg(${METRIC.featuresEnabled}{feature="chimera"})`,
    canaryFraction: `max(${METRIC.canaryFraction})`,
  };
}

/** The queries the Rollout view asks the team's Prometheus: the plan's four, the volume behind them, gateway availability. */
export const FLEET_QUERIES = ['errorRate', 'p95Latency', 'memoryRatio', 'securityViolations', 'requests', 'gatewayAvailability'] as const;
export type FleetQuery = (typeof FLEET_QUERIES)[number];

/** The PromQL of each fleet query: the same text the alert rules and the dashboard use, so the view shows what they alert on. */
export function fleetQueries(windows: QueryWindows = {}): Record<FleetQuery, string> {
  const w = checkDuration(windows.window ?? '5m');
  return { ...planQueries(windows), requests: requestsInWindow(w), gatewayAvailability: secondaryQueries(w).gatewayAvailability };
}

/** A success criterion's value as PromQL, and the volume below MIN_REQUESTS_IN_WINDOW of which it means nothing yet. */
export interface CriterionQuery {
  expr: string;
  volume?: string;
}

/**
 * The PromQL of each criterion measure (rollout/phases.ts); null where Prometheus cannot compute it (feedback lives
 * in telemetry, memory stability and the benchmark ratio are read locally). A Record, so a new measure must be decided here.
 */
export function criterionQueries(windows: QueryWindows = {}): Record<CriterionMeasure, CriterionQuery | null> {
  const w = checkDuration(windows.window ?? '5m');
  const plan = planQueries(windows);
  return {
    errorRate: { expr: plan.errorRate, volume: requestsInWindow(w) },
    p95Latency: { expr: plan.p95Latency, volume: requestsInWindow(w) },
    securityViolations: { expr: plan.securityViolations },
    gatewayAvailability: { expr: secondaryQueries(w).gatewayAvailability, volume: `sum(increase(${METRIC.gatewayRequests}[${w}]))` },
    feedbackPositive: null,
    memoryStable: null,
    performanceRatio: null,
  };
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;

/** Seconds of a Prometheus duration such as `5m`, `30s` or `1h30m`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) seconds += Number(n) * UNIT_SECONDS[unit!]!;
  return seconds > 0 ? seconds : undefined;
}

/** Windows end up inside PromQL text, so anything but a duration is a bug in the caller. */
function checkDuration(text: string): string {
  if (parseDuration(text) === undefined) throw new RangeError(`'${text}' is not a Prometheus duration such as 5m or 30s`);
  return text;
}
