// The plan's four queries over local samples, with the semantics of Prometheus 2.42's engine
// (promql/functions.go extrapolatedRate, promql/quantile.go bucketQuantile), so the editor shows
// the numbers a team Prometheus would compute from the same scrapes.
import { DURATION_BUCKETS, OPS, type Op, type PlanQuery, VIOLATION_KINDS, parseDuration } from './plan';
import type { MetricsSample } from './sample';

/** A query's value; `null` is Prometheus's empty result ("no data yet"), which is not the same as NaN (idle, pitfall P7). */
export type QueryValue = number | null;

export interface Point {
  t: number;
  v: number;
}

/**
 * `increase()` (or `rate()` when `perSecond`) of one counter series over [start, end], as Prometheus computes it:
 * - the samples in the closed range, at least two, else no result;
 * - counter resets add the value before the reset;
 * - the difference between the first and last sample is extrapolated towards the range edges:
 *   fully when the gap to an edge is below 1.1 × the average sample interval, else by half an interval;
 *   towards the start never past the point where the counter would have been 0.
 * This is why a single increment reads 1.0–1.2 with few samples (pitfall P3). Local and Prometheus
 * samples are taken at different instants, so the two agree within the extrapolation noise, not exactly.
 */
export function extrapolatedIncrease(points: readonly Point[], start: number, end: number, perSecond: boolean): QueryValue {
  const inRange = points.filter((p) => p.t >= start && p.t <= end);
  if (inRange.length < 2) return null;
  const first = inRange[0]!;
  const last = inRange[inRange.length - 1]!;
  let result = last.v - first.v;
  for (let i = 1; i < inRange.length; i++) if (inRange[i]!.v < inRange[i - 1]!.v) result += inRange[i - 1]!.v;
  const sampled = last.t - first.t;
  if (sampled <= 0) return null;
  const averageInterval = sampled / (inRange.length - 1);
  let toStart = first.t - start;
  const toEnd = end - last.t;
  if (result > 0 && first.v >= 0) toStart = Math.min(toStart, sampled * (first.v / result));
  const threshold = averageInterval * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : averageInterval / 2;
  interval += toEnd < threshold ? toEnd : averageInterval / 2;
  result *= interval / sampled;
  return perSecond ? result / (end - start) : result;
}

export interface Bucket {
  /** Upper bound; Infinity for +Inf. */
  le: number;
  /** Cumulative count. */
  count: number;
}

/**
 * `histogram_quantile(q, …)` over one set of cumulative buckets: linear interpolation inside the bucket
 * holding the rank (the lowest bucket starts at 0); a rank in +Inf returns the highest finite bound
 * (pitfall P6); no +Inf bucket or no observations gives NaN.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = coalesce([...buckets].sort((a, b) => a.le - b.le));
  if (sorted.length < 2 || sorted[sorted.length - 1]!.le !== Infinity) return NaN;
  // Rates of separately scraped buckets can be slightly non-monotonic; Prometheus flattens them.
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.count < sorted[i - 1]!.count) sorted[i]!.count = sorted[i - 1]!.count;
  const observations = sorted[sorted.length - 1]!.count;
  if (!(observations > 0)) return NaN;
  let rank = q * observations;
  let b = sorted.findIndex((bucket, i) => i < sorted.length - 1 && bucket.count >= rank);
  if (b === -1) b = sorted.length - 1;
  if (b === sorted.length - 1) return sorted[sorted.length - 2]!.le;
  if (b === 0 && sorted[0]!.le <= 0) return sorted[0]!.le;
  let bucketStart = 0;
  let count = sorted[b]!.count;
  if (b > 0) {
    bucketStart = sorted[b - 1]!.le;
    count -= sorted[b - 1]!.count;
    rank -= sorted[b - 1]!.count;
  }
  return bucketStart + (sorted[b]!.le - bucketStart) * (rank / count);
}

function coalesce(sorted: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (const bucket of sorted) {
    const previous = out[out.length - 1];
    if (previous && previous.le === bucket.le) previous.count += bucket.count;
    else out.push({ ...bucket });
  }
  return out;
}

export interface EvaluateOptions {
  /** Evaluation time, Unix seconds (default: the newest sample). */
  at?: number;
  /** Rate window of the error rate and P95 (default 5m). */
  window?: string;
  /** Increase window of the security violations (default 1h). */
  securityWindow?: string;
  /** Only this op (the plan's per-series form); default: summed over all ops, like planQueries(). */
  op?: Op;
}

/** Prometheus's default lookback for instant vectors: a gauge older than this is gone. */
const LOOKBACK_SECONDS = 300;

/**
 * The plan's four queries over local samples, in their aggregated form (`planQueries()`), or for one op.
 * Samples must be in time order.
 */
export function evaluatePlanQueries(samples: readonly MetricsSample[], options: EvaluateOptions = {}): Record<PlanQuery, QueryValue> {
  const at = options.at ?? samples[samples.length - 1]?.t ?? 0;
  const window = parseDuration(options.window ?? '5m');
  const securityWindow = parseDuration(options.securityWindow ?? '1h');
  if (window === undefined || securityWindow === undefined) throw new RangeError('window and securityWindow must be Prometheus durations');
  const ops = options.op ? [options.op] : OPS;
  const start = at - window;

  const sumOf = (series: ((s: MetricsSample) => number)[], from: number, perSecond: boolean): QueryValue => {
    let total: QueryValue = null;
    for (const read of series) {
      const value = extrapolatedIncrease(samples.map((s) => ({ t: s.t, v: read(s) })), from, at, perSecond);
      if (value !== null) total = (total ?? 0) + value;
    }
    return total;
  };

  const errors = sumOf(ops.map((op) => (s) => s.errors[op]), start, true);
  const requests = sumOf(ops.map((op) => (s) => s.requests[op]), start, true);
  const errorRate = errors === null || requests === null ? null : errors / requests;

  const bounds = [...DURATION_BUCKETS, Infinity];
  const bucketRates = bounds.map((le, i) => ({ le, count: sumOf(ops.map((op) => (s) => s.buckets[op][i]!), start, true) }));
  const p95Latency = bucketRates.some((b) => b.count === null) ? null : histogramQuantile(0.95, bucketRates.map((b) => ({ le: b.le, count: b.count ?? 0 })));

  const latest = [...samples].reverse().find((s) => s.t <= at && s.t > at - LOOKBACK_SECONDS);
  const memoryRatio = latest ? latest.memoryBytes / latest.memoryLimitBytes : null;

  const securityViolations = sumOf(VIOLATION_KINDS.map((kind) => (s) => s.violations[kind]), at - securityWindow, false);
  return { errorRate, p95Latency, memoryRatio, securityViolations };
}
