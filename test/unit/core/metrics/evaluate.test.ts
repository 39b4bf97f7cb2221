import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { extrapolatedIncrease, evaluatePlanQueries, histogramQuantile } from '../../../../src/core/metrics/evaluate';
import { OPS } from '../../../../src/core/metrics/plan';
import { createChimeraMetrics } from '../../../../src/core/metrics/registry';
import { LocalSampler } from '../../../../src/core/metrics/sampler';
import type { MetricsSample } from '../../../../src/core/metrics/sample';

const close = (actual: number | null, expected: number, tolerance = 1e-9) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `expected ${expected} ± ${tolerance}, got ${actual}`);

const counter = (values: number[], t0 = 0) => values.map((v, i) => ({ t: t0 + i, v }));

test('rate over a window that lines up with the samples is the plain slope', () => {
  const points = counter([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  close(extrapolatedIncrease(points, 5, 10, true), 10);
  close(extrapolatedIncrease(points, 5, 10, false), 50);
});

test('rate extrapolates to the window edges when the gaps are under 1.1 sample intervals', () => {
  // Samples 6..10 in [5.5, 10.5]: 40 over 4 s, extrapolated by 0.5 s at each edge to 50 over 5 s.
  close(extrapolatedIncrease(counter([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]), 5.5, 10.5, false), 50);
});

test('a long gap before the first sample extrapolates by only half an interval', () => {
  // 4 increments over 4 s; the window starts 10 s before the first sample: 4 × 4.5 / 4.
  close(extrapolatedIncrease(counter([100, 101, 102, 103, 104], 10), 0, 14, false), 4.5);
});

test('a counter that starts at 0 is never extrapolated below zero, so one increment reads exactly 1', () => {
  close(extrapolatedIncrease(counter([0, 0, 0, 1, 1]), -100, 4, false), 1);
});

test('a counter reset adds the value before the reset, as Prometheus does', () => {
  close(extrapolatedIncrease(counter([5, 6, 1, 2]), 0, 3, false), 3);
});

test('fewer than two samples in the window is no data (null), not zero', () => {
  assert.equal(extrapolatedIncrease(counter([1, 2, 3]), 1.5, 2.5, true), null);
  assert.equal(extrapolatedIncrease([], 0, 10, true), null);
});

test('histogram_quantile interpolates linearly inside the bucket that holds the rank', () => {
  const uniform = [
    { le: 0.4, count: 0 },
    { le: 0.45, count: 25 },
    { le: 0.5, count: 50 },
    { le: 0.55, count: 75 },
    { le: 0.6, count: 100 },
    { le: Infinity, count: 100 },
  ];
  close(histogramQuantile(0.95, uniform), 0.59, 1e-12);
  close(histogramQuantile(0.5, uniform), 0.5, 1e-12);
  // The lowest bucket starts at 0.
  close(histogramQuantile(0.5, [{ le: 1, count: 100 }, { le: Infinity, count: 100 }]), 0.5);
});

test('histogram_quantile caps a rank in +Inf at the highest finite bound (why buckets must go above 0.5)', () => {
  assert.equal(histogramQuantile(0.95, [{ le: 0.25, count: 0 }, { le: 0.5, count: 10 }, { le: Infinity, count: 100 }]), 0.5);
});

test('histogram_quantile is NaN without observations or without a +Inf bucket, and ±Inf outside [0, 1]', () => {
  assert.ok(Number.isNaN(histogramQuantile(0.95, [{ le: 0.5, count: 0 }, { le: Infinity, count: 0 }])));
  assert.ok(Number.isNaN(histogramQuantile(0.95, [{ le: 0.5, count: 3 }, { le: 1, count: 4 }])));
  assert.equal(histogramQuantile(1.5, [{ le: 0.5, count: 3 }, { le: Infinity, count: 4 }]), Infinity);
  assert.equal(histogramQuantile(-1, [{ le: 0.5, count: 3 }, { le: Infinity, count: 4 }]), -Infinity);
});

test('histogram_quantile flattens non-monotonic bucket rates instead of going backwards', () => {
  // The 9 becomes 10, so the rank 10 ends at the top of the first bucket.
  assert.equal(histogramQuantile(0.5, [{ le: 1, count: 10 }, { le: 2, count: 9 }, { le: Infinity, count: 20 }]), 1);
});

/** The controlled load of prometheus-test.md: 100 requests/s, every 50th an error, latencies even over 0.4-0.6 s. */
async function unhealthyRun(seconds: number, violationAt?: number): Promise<MetricsSample[]> {
  const metrics = createChimeraMetrics();
  metrics.setMemory(0.85 * 512 * 2 ** 20, 512 * 2 ** 20);
  const samples = [await metrics.sample(0)];
  let request = 0;
  for (let t = 1; t <= seconds; t++) {
    for (let i = 0; i < 100; i++, request++) metrics.observe(OPS[request % 2 === 0 ? 3 : 1], 0.4 + (0.2 * ((request % 100) + 0.5)) / 100, { error: request % 50 === 49 });
    if (t === violationAt) metrics.securityViolation('forbidden-import');
    samples.push(await metrics.sample(t));
  }
  return samples;
}

test('the plan queries over an unhealthy load give 2% errors, P95 0.59 s, memory 85%, one violation', async () => {
  const samples = await unhealthyRun(60, 30);
  const values = evaluatePlanQueries(samples, { window: '30s' });
  close(values.errorRate, 0.02, 1e-12);
  close(values.p95Latency, 0.59, 1e-9);
  close(values.memoryRatio, 0.85, 1e-12);
  close(values.securityViolations, 1, 1e-12);
});

test('the per-op form (the plan literal, one series) can differ from the fleet sum', async () => {
  const samples = await unhealthyRun(20);
  // Errors are request 49, 99, …: all odd, so all on 'compile'; 'exec' has none.
  close(evaluatePlanQueries(samples, { window: '10s', op: 'exec' }).errorRate, 0);
  close(evaluatePlanQueries(samples, { window: '10s', op: 'compile' }).errorRate, 0.04, 1e-12);
  close(evaluatePlanQueries(samples, { window: '10s' }).errorRate, 0.02, 1e-12);
});

test('an idle service has NaN error rate and P95 (no alert), unlike no data at all (null)', async () => {
  const metrics = createChimeraMetrics();
  const idle = [await metrics.sample(0), await metrics.sample(15), await metrics.sample(30)];
  const values = evaluatePlanQueries(idle);
  assert.ok(Number.isNaN(values.errorRate as number));
  assert.ok(Number.isNaN(values.p95Latency as number));
  assert.equal(values.securityViolations, 0);
  const none = evaluatePlanQueries([]);
  assert.deepEqual(none, { errorRate: null, p95Latency: null, memoryRatio: null, securityViolations: null });
});

test('a gauge older than the 5-minute lookback is gone, like an instant vector in Prometheus', async () => {
  const metrics = createChimeraMetrics();
  metrics.setMemory(80, 100);
  const samples = [await metrics.sample(0)];
  close(evaluatePlanQueries(samples, { at: 299 }).memoryRatio, 0.8);
  assert.equal(evaluatePlanQueries(samples, { at: 301 }).memoryRatio, null);
});

test('the local sampler keeps only the retention period and evaluates over what it kept', async () => {
  let now = 1000;
  const metrics = createChimeraMetrics();
  const sampler = new LocalSampler(metrics, { retentionSeconds: 60, now: () => now });
  for (let i = 0; i < 10; i++, now += 15) {
    metrics.observe('extract', 0.01);
    await sampler.record();
  }
  const kept = sampler.samples();
  assert.ok(kept.length >= 4 && kept.length <= 5, `kept ${kept.length}`);
  assert.ok(kept[0]!.t >= now - 15 - 60);
  assert.equal(sampler.evaluate({ window: '1m' }).errorRate, 0);
});

test('windows that are not Prometheus durations are refused', () => {
  assert.throws(() => evaluatePlanQueries([], { window: '5 minutes' }), RangeError);
});
