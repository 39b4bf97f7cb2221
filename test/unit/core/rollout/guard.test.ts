import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ChimeraMetrics, MIN_REQUESTS_IN_WINDOW, ROLLBACK_TRIGGERS, type MetricsSample, createChimeraMetrics } from '../../../../src/core/metrics';
import {
  BROKEN_ERROR_RATE,
  type PlanValues,
  RollbackGuard,
  checkTriggers,
  describeFiring,
  evaluateCriteria,
  incidentSeverity,
  planValuesOf,
  severityOfFiring,
} from '../../../../src/core/rollout/guard';
import { PHASES } from '../../../../src/core/rollout/phases';
import { summarizeFeedback } from '../../../../src/core/telemetry';

const limitOf = (id: string) => ROLLBACK_TRIGGERS.find((t) => t.id === id)!.limit;

/** Healthy values with plenty of requests; each test changes what it is about. */
function values(overrides: Partial<PlanValues> = {}): PlanValues {
  return { errorRate: 0, p95Latency: 0.05, memoryRatio: 0.3, securityViolations: 0, requests: 200, memoryRange: { min: 0.3, max: 0.3, readings: 10 }, ...overrides };
}

/**
 * A real registry scraped every 15 s like Prometheus would: `perStep` requests per step, of which `errorsPerStep`
 * fail, each taking `seconds`; memory as given.
 */
async function scrape(metrics: ChimeraMetrics, steps: number, load: { perStep: number; errorsPerStep?: number; seconds?: number; memory?: [number, number] }, start = 1_000_000): Promise<MetricsSample[]> {
  const samples: MetricsSample[] = [];
  if (load.memory) metrics.setMemory(...load.memory);
  samples.push(await metrics.sample(start));
  for (let step = 1; step <= steps; step++) {
    for (let i = 0; i < load.perStep; i++) metrics.observe('extract', load.seconds ?? 0.02, { error: i < (load.errorsPerStep ?? 0) });
    samples.push(await metrics.sample(start + step * 15));
  }
  return samples;
}

test('planValuesOf computes the plan values over real registry samples, with the requests behind the rates', async () => {
  const samples = await scrape(createChimeraMetrics(), 20, { perStep: 10, errorsPerStep: 1, seconds: 0.12, memory: [40, 100] });
  const v = planValuesOf(samples);
  assert.ok(v.errorRate !== null && Math.abs(v.errorRate - 0.1) < 1e-9, `error rate ${v.errorRate}`);
  assert.ok(v.p95Latency !== null && v.p95Latency > 0.1 && v.p95Latency <= 0.2, `P95 ${v.p95Latency} lies in the (0.1, 0.2] bucket`);
  assert.equal(v.memoryRatio, 0.4);
  assert.equal(v.securityViolations, 0);
  assert.ok(v.requests !== null && v.requests >= 200 && v.requests <= 220, `requests in 5m ${v.requests}`);
  assert.deepEqual(v.memoryRange, { min: 0.4, max: 0.4, readings: 21 });
});

test('planValuesOf reads a memory limit of 0 as "no reading", never as an infinite ratio', async () => {
  const samples = await scrape(createChimeraMetrics(), 3, { perStep: 1, memory: [50, 0] });
  const v = planValuesOf(samples);
  assert.equal(v.memoryRatio, null);
  assert.equal(v.memoryRange, null);
  assert.equal(checkTriggers(v).find((c) => c.trigger === 'memory')!.status, 'not-enough-data');
});

test('error rate above 1% with enough requests fires the error-rate trigger with its numbers', async () => {
  const samples = await scrape(createChimeraMetrics(), 20, { perStep: 10, errorsPerStep: 1 });
  const guard = new RollbackGuard();
  const decision = guard.feed(planValuesOf(samples), 1_000_300);
  assert.equal(decision.state, 'fired');
  assert.ok(decision.state === 'fired' && decision.fresh);
  const firing = guard.firing!;
  assert.equal(firing.trigger, 'error-rate');
  assert.equal(firing.limit, limitOf('error-rate'));
  assert.ok(Math.abs(firing.value! - 0.1) < 1e-9);
  assert.ok(firing.values.requests! >= MIN_REQUESTS_IN_WINDOW);
  assert.equal(firing.automatic, true);
  assert.match(describeFiring(firing), /^error rate 10(\.00)?% > 1% \(\d+ requests in the window\) — SEV4$/);
});

test('a rate with fewer requests than the minimum cannot fire, however bad it looks', () => {
  const guard = new RollbackGuard();
  const decision = guard.feed(values({ errorRate: 0.5, p95Latency: 2, requests: MIN_REQUESTS_IN_WINDOW - 1 }), 1);
  assert.equal(decision.state, 'armed');
  const checks = decision.state === 'armed' ? decision.checks : [];
  assert.deepEqual(checks.filter((c) => c.status === 'not-enough-data').map((c) => c.trigger), ['error-rate', 'p95-latency']);
  assert.match(checks[0]!.detail!, new RegExp(`^${MIN_REQUESTS_IN_WINDOW - 1} of ${MIN_REQUESTS_IN_WINDOW} requests`));
  assert.equal(guard.feed(values({ errorRate: 0.5, requests: MIN_REQUESTS_IN_WINDOW }), 2).state, 'fired', 'exactly the minimum is enough');
});

test('the limits are the plan\'s: exactly at a limit does not fire, just above does', () => {
  for (const [key, limit] of [['errorRate', limitOf('error-rate')], ['p95Latency', limitOf('p95-latency')], ['memoryRatio', limitOf('memory')]] as const) {
    assert.equal(new RollbackGuard().feed(values({ [key]: limit }), 1).state, 'armed', `${key} at ${limit}`);
    const guard = new RollbackGuard();
    assert.equal(guard.feed(values({ [key]: limit + 1e-9 }), 1).state, 'fired', `${key} above ${limit}`);
  }
});

test('P95 above 500 ms fires the p95-latency trigger over real histogram samples', async () => {
  const samples = await scrape(createChimeraMetrics(), 20, { perStep: 5, seconds: 0.7 });
  const guard = new RollbackGuard();
  guard.feed(planValuesOf(samples), 1);
  assert.equal(guard.firing?.trigger, 'p95-latency');
  assert.ok(guard.firing!.value! > 0.5);
  assert.match(describeFiring(guard.firing!), /^P95 latency \d+ ms > 500 ms/);
});

test('memory above 80% of the limit fires the memory trigger without any requests', async () => {
  const samples = await scrape(createChimeraMetrics(), 2, { perStep: 0, memory: [85, 100] });
  const guard = new RollbackGuard();
  guard.feed(planValuesOf(samples), 1);
  assert.equal(guard.firing?.trigger, 'memory');
  assert.equal(describeFiring(guard.firing!), 'memory ratio 85% > 80% — SEV4');
});

test('one security violation fires at once, before any other trigger and with almost no data', async () => {
  const metrics = createChimeraMetrics();
  const before = await scrape(metrics, 1, { perStep: 1, memory: [90, 100] });
  metrics.securityViolation('forbidden-import');
  const samples = [...before, await metrics.sample(before[before.length - 1]!.t + 15)];
  const guard = new RollbackGuard();
  const decision = guard.feed(planValuesOf(samples), 1);
  assert.ok(decision.state === 'fired' && decision.fresh);
  assert.equal(guard.firing!.trigger, 'security-violation', 'security wins over the memory trigger that is also over');
  assert.ok(guard.firing!.values.securityViolations! >= 1);
  assert.equal(guard.firing!.severity, 'SEV1');
});

test('no flapping: once fired the guard stays fired on healthy values until it is re-armed explicitly', () => {
  const guard = new RollbackGuard();
  const first = guard.feed(values({ securityViolations: 1 }), 100);
  assert.ok(first.state === 'fired' && first.fresh);
  for (let i = 0; i < 3; i++) {
    const later = guard.feed(values(), 200 + i);
    assert.ok(later.state === 'fired' && !later.fresh, 'a later evaluation never reports a fresh firing');
    assert.equal(later.firing.at, 100);
  }
  assert.equal(guard.feed(values({ errorRate: 0.2 }), 300).state === 'fired' && guard.firing?.trigger, 'security-violation', 'the first trigger is kept');
  guard.rearm(400);
  assert.equal(guard.state, 'armed');
  assert.equal(guard.armedAt, 400);
  assert.equal(guard.feed(values(), 401).state, 'armed');
  const again = guard.feed(values({ memoryRatio: 0.95 }), 402);
  assert.ok(again.state === 'fired' && again.fresh && again.firing.trigger === 'memory', 'after re-arming it fires again on new trouble');
});

test('after a re-arm only new samples count: the violation before it does not fire again', async () => {
  const metrics = createChimeraMetrics();
  const samples = await scrape(metrics, 2, { perStep: 1 });
  metrics.securityViolation('sandbox-escape');
  samples.push(await metrics.sample(samples[samples.length - 1]!.t + 15));
  const guard = new RollbackGuard();
  assert.equal(guard.feed(planValuesOf(samples), 1).state, 'fired');
  const rearmedAt = samples[samples.length - 1]!.t;
  guard.rearm(rearmedAt);
  for (let i = 1; i <= 3; i++) samples.push(await metrics.sample(rearmedAt + i * 15));
  assert.equal(planValuesOf(samples).securityViolations! > 0, true, 'the 1h window still holds the old violation');
  const fresh = planValuesOf(samples, { since: guard.armedAt });
  assert.equal(fresh.securityViolations, 0);
  assert.equal(guard.feed(fresh, rearmedAt + 45).state, 'armed');
});

test('a persisted rollback holds the guard fired across a restart, with its numbers and severity', () => {
  const guard = new RollbackGuard();
  const firing = guard.adopt({ active: true, reason: 'automatic', trigger: 'error-rate', at: '2025-01-02T03:04:05.000Z', by: 'chimera (automatic)', values: { errorRate: 0.7, requests: 300 } });
  assert.equal(guard.state, 'fired');
  assert.equal(firing.value, 0.7);
  assert.equal(firing.severity, 'SEV2');
  assert.equal(firing.automatic, false);
  assert.equal(firing.at, Date.parse('2025-01-02T03:04:05.000Z') / 1000);
  assert.equal(guard.feed(values({ securityViolations: 3 }), 1).state === 'fired' && guard.firing!.trigger, 'error-rate');
  const manual = new RollbackGuard().adopt({ active: true, reason: 'manual rollback', trigger: 'manual', at: 'garbage', by: 'someone' });
  assert.equal(manual.summary, 'manual rollback');
  assert.equal(manual.at, 0);
  assert.equal(describeFiring(manual), 'manual rollback — SEV4');
});

test('incident severity follows the plan: SEV1 security or data loss, SEV2 broken, SEV3 > 50% slower than baseline, SEV4 minor', () => {
  assert.deepEqual(incidentSeverity({ securityViolation: true }), { severity: 'SEV1', immediateRollback: true, respondWithin: 'immediately', reason: 'security violation' });
  assert.equal(incidentSeverity({ dataLoss: true, errorRate: 1 }).severity, 'SEV1');
  assert.equal(incidentSeverity({ broken: true }).severity, 'SEV2');
  assert.equal(incidentSeverity({ errorRate: BROKEN_ERROR_RATE }).severity, 'SEV2');
  assert.equal(incidentSeverity({ errorRate: BROKEN_ERROR_RATE - 0.01 }).severity, 'SEV4');
  const slow = incidentSeverity({ p95Latency: 0.8, baselineP95Latency: 0.4 });
  assert.equal(slow.severity, 'SEV3');
  assert.equal(slow.respondWithin, '4 hours');
  assert.match(slow.reason, /100% above the baseline 400 ms/);
  assert.equal(incidentSeverity({ p95Latency: 0.6, baselineP95Latency: 0.4 }).severity, 'SEV4', 'exactly 50% is not more than 50%');
  const unmeasured = incidentSeverity({ p95Latency: 2 });
  assert.equal(unmeasured.severity, 'SEV4');
  assert.match(unmeasured.reason, /no recorded P95 baseline/);
  assert.equal(incidentSeverity({}).immediateRollback, false);
  assert.equal(severityOfFiring('security-violation', { securityViolations: 1 }).severity, 'SEV1');
  assert.equal(severityOfFiring('p95-latency', { p95Latency: 0.9, requests: 100 }, 0.3).severity, 'SEV3');
  assert.equal(severityOfFiring('error-rate', { errorRate: 0.9, requests: 5 }).severity, 'SEV4', 'an error rate over too few requests says nothing about being broken');
});

test('a guard with a recorded baseline classes a P95 firing as SEV3', () => {
  const guard = new RollbackGuard({ baselineP95Latency: 0.2 });
  guard.feed(values({ p95Latency: 0.55 }), 1);
  assert.equal(guard.firing?.severity, 'SEV3');
  guard.baselineP95Latency = Number.NaN;
  assert.equal(guard.baselineP95Latency, undefined);
});

test('Phase 2 criteria: pass, fail and not enough data, with the plan\'s bounds', () => {
  const feedback = summarizeFeedback([...Array(9).fill({ sentiment: 'positive', at: 1 }), { sentiment: 'negative', at: 1 }]);
  const healthy = evaluateCriteria(2, { ...values({ errorRate: 0.0005, p95Latency: 0.25 }), feedback });
  assert.deepEqual(healthy.map((c) => [c.id, c.status]), [['error-rate', 'pass'], ['p95-latency', 'pass'], ['security', 'pass'], ['feedback', 'pass']]);
  assert.match(healthy.find((c) => c.id === 'feedback')!.detail, /90% positive of 10/);

  const bad = evaluateCriteria(2, { ...values({ errorRate: 0.001, p95Latency: 0.3, securityViolations: 1 }), feedback: summarizeFeedback([...Array(7).fill({ sentiment: 'positive', at: 1 }), ...Array(3).fill({ sentiment: 'negative', at: 1 })]) });
  assert.deepEqual(bad.map((c) => c.status), ['fail', 'fail', 'fail', 'fail'], 'the bounds are strict: 0.1% and 300 ms fail');

  const thin = evaluateCriteria(2, { ...values({ errorRate: 0.5, requests: 3, securityViolations: null }), feedback: summarizeFeedback([{ sentiment: 'positive', at: 1 }]) });
  assert.deepEqual(thin.map((c) => c.status), ['not-enough-data', 'not-enough-data', 'not-enough-data', 'not-enough-data']);
  assert.match(thin[0]!.detail, /3 of 20 requests/);
  assert.equal(evaluateCriteria(2, values()).find((c) => c.id === 'feedback')!.status, 'not-enough-data', 'no summary, no verdict');
});

test('Phase 3 criteria: memory stability, IPFS availability and the person-confirmed documentation', () => {
  const stable = evaluateCriteria(3, { ...values({ errorRate: 0.0001, memoryRange: { min: 0.3, max: 0.39, readings: 8 } }), gatewayAvailability: { availability: 0.995, requests: 400 } });
  assert.deepEqual(stable.map((c) => [c.id, c.status]), [['error-rate', 'pass'], ['ipfs-availability', 'pass'], ['resources', 'pass'], ['docs', 'not-enough-data']]);
  assert.match(stable.find((c) => c.id === 'docs')!.detail, /confirmed by a person/);

  const status = (v: Parameters<typeof evaluateCriteria>[1], id: string) => evaluateCriteria(3, v).find((c) => c.id === id)!.status;
  assert.equal(status(values({ memoryRange: { min: 0.3, max: 0.4, readings: 8 } }), 'resources'), 'fail', 'ten points is not less than ten');
  assert.equal(status(values({ memoryRange: { min: 0.79, max: 0.81, readings: 8 } }), 'resources'), 'fail', 'a reading above the trigger is not stable');
  assert.equal(status({ ...values(), memoryTriggered: true }, 'resources'), 'fail');
  assert.equal(status(values({ memoryRange: { min: 0.3, max: 0.3, readings: 3 } }), 'resources'), 'not-enough-data');
  assert.equal(status(values({ memoryRange: null }), 'resources'), 'not-enough-data');
  assert.equal(status({ ...values(), gatewayAvailability: { availability: 0.98, requests: 400 }}, 'ipfs-availability'), 'fail');
  assert.equal(status({ ...values(), gatewayAvailability: { availability: 0.5, requests: 5 }}, 'ipfs-availability'), 'not-enough-data');
  assert.equal(status({ ...values(), checks: { docs: true } }, 'docs'), 'pass');
  assert.equal(status(values({ errorRate: 0.0005 }), 'error-rate'), 'fail');
});

test('Phase 1 criteria read the benchmark ratio and the automatic checks; Phases 0 and 4 have none', () => {
  const results = evaluateCriteria(PHASES[1]!, { ...values(), performanceRatio: 1.02, checks: { 'smoke-tests': true, 'zero-impact': false } });
  assert.deepEqual(results.map((c) => [c.id, c.status]), [['zero-impact', 'fail'], ['smoke-tests', 'pass'], ['performance', 'pass']]);
  assert.equal(evaluateCriteria(1, { ...values(), performanceRatio: 1.05 }).find((c) => c.id === 'performance')!.status, 'fail');
  assert.equal(evaluateCriteria(1, values()).find((c) => c.id === 'performance')!.status, 'not-enough-data');
  assert.deepEqual(evaluateCriteria(0, values()), []);
  assert.deepEqual(evaluateCriteria(4, values()), []);
});
