import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { METRIC, ROLLBACK_TRIGGERS, createChimeraMetrics, criterionQueries, fleetQueries, type MetricsSample } from '../../../../src/core/metrics';
import { checkTriggers, evaluateCriteria, planValuesOf } from '../../../../src/core/rollout/guard';
import { CRITERION_IDS, PHASES, phaseCriteria } from '../../../../src/core/rollout/phases';
import { CRITERION_SOURCES, TRIGGER_SOURCES, describeSource, measureRows, sourcesMarkdownTable } from '../../../../src/core/rollout/sources';

const REPO = join(__dirname, '..', '..', '..', '..', '..');

test('every success criterion and rollback trigger of the plan has at least one source, and no source is left over', () => {
  // The plan: 3 criteria in Phase 1, 4 in Phase 2, 4 in Phase 3; 4 automatic rollback triggers.
  assert.deepEqual(PHASES.map((p) => p.criteria.length), [0, 3, 4, 4, 0]);
  assert.equal(ROLLBACK_TRIGGERS.length, 4);
  for (const { phase, criterion } of phaseCriteria()) assert.ok(CRITERION_SOURCES[criterion.id]?.length, `Phase ${phase} "${criterion.text}" has no source`);
  for (const trigger of ROLLBACK_TRIGGERS) assert.ok(TRIGGER_SOURCES[trigger.id]?.length, `trigger ${trigger.id} has no source`);
  assert.deepEqual(new Set(Object.keys(CRITERION_SOURCES)), new Set(phaseCriteria().map((c) => c.criterion.id)));
  assert.deepEqual(new Set(CRITERION_IDS), new Set(phaseCriteria().map((c) => c.criterion.id)));
  assert.deepEqual(new Set(Object.keys(TRIGGER_SOURCES)), new Set(ROLLBACK_TRIGGERS.map((t) => t.id)));
});

test('a fleet source is the query the alert rules use, and a local source names metrics the registry exports', async () => {
  const exported = await createChimeraMetrics().registry.metrics();
  const byCriterion = new Map(phaseCriteria().map(({ criterion }) => [criterion.id, criterion]));
  for (const [id, sources] of [...Object.entries(CRITERION_SOURCES), ...Object.entries(TRIGGER_SOURCES)]) {
    for (const source of sources) {
      if (source.kind === 'local') for (const metric of source.metrics ?? []) assert.match(exported, new RegExp(`^# TYPE ${metric} `, 'm'), `${id}: ${metric}`);
      if (source.kind === 'not-measurable') assert.ok(source.reason.length > 20, `${id} needs a reason`);
    }
  }
  for (const [id, sources] of Object.entries(CRITERION_SOURCES)) {
    const metric = byCriterion.get(id as never)!.metric;
    for (const source of sources) {
      if (source.kind !== 'fleet') continue;
      assert.ok(metric, `${id} has a fleet source but no metric`);
      assert.equal(describeSource(source), criterionQueries()[metric.name]?.expr, `${id}: the view's query differs from the alert rule's`);
    }
  }
  for (const trigger of ROLLBACK_TRIGGERS) {
    const fleet = TRIGGER_SOURCES[trigger.id].find((s) => s.kind === 'fleet');
    assert.equal(fleet && describeSource(fleet), fleetQueries()[trigger.query]);
  }
});

test('the rows show the value each source has now: gateway fetches counted on this machine and the fleet answer', async () => {
  const metrics = createChimeraMetrics();
  const samples: MetricsSample[] = [await metrics.sample(1000)];
  for (let step = 1; step <= 20; step++) {
    for (let i = 0; i < 5; i++) metrics.gatewayRequest(!(step === 3 && i === 0));
    metrics.setMemory(step * 1024, 64 * 1024 * 1024);
    samples.push(await metrics.sample(1000 + step * 15));
  }
  const values = planValuesOf(samples);
  assert.ok(values.gatewayAvailability && values.gatewayAvailability.requests >= 20, JSON.stringify(values.gatewayAvailability));
  const criteria = evaluateCriteria(3, values);
  const availability = criteria.find((c) => c.id === 'ipfs-availability')!;
  assert.equal(availability.status, 'fail', availability.detail);
  const fleet = { at: 1300, values: { errorRate: 0.002, p95Latency: 0.12, memoryRatio: 0.5, securityViolations: 0, requests: 400, gatewayAvailability: 0.995 } };
  const rows = measureRows(PHASES[3], { at: 1300, criteria, triggers: checkTriggers(values), fleet });
  assert.deepEqual(rows.map((r) => `${r.target}:${r.id}`), [...PHASES[3]!.criteria.map((c) => `criterion:${c.id}`), ...ROLLBACK_TRIGGERS.map((t) => `trigger:${t.id}`)]);
  const row = rows.find((r) => r.id === 'ipfs-availability')!;
  assert.match(row.sources.find((s) => s.kind === 'local')!.value!, /^fail: 9\d(\.\d+)?% of \d+ fetches succeeded$/);
  assert.equal(row.sources.find((s) => s.kind === 'fleet')!.value, '99.50%');
  assert.match(row.sources.find((s) => s.kind === 'local')!.detail, new RegExp(`gatewayRequest\\(\\) → ${METRIC.gatewayRequests}`));
  const memory = rows.find((r) => r.id === 'memory')!;
  assert.equal(memory.sources.find((s) => s.kind === 'fleet')!.value, '50%');
  assert.match(memory.sources.find((s) => s.kind === 'local')!.value!, /%$/);
  const docs = rows.find((r) => r.id === 'docs')!;
  assert.deepEqual(docs.sources.map((s) => s.kind), ['not-measurable']);
  assert.equal(docs.sources[0]!.value, undefined);
});

test('before any evaluation the rows still list every source, and a fleet error says why there is no fleet value', () => {
  const rows = measureRows(PHASES[2], { at: undefined, criteria: [], triggers: [], fleet: { at: 1, error: 'connect ECONNREFUSED 127.0.0.1:9' } });
  assert.equal(rows.length, PHASES[2]!.criteria.length + ROLLBACK_TRIGGERS.length);
  for (const row of rows) {
    assert.ok(row.sources.length > 0);
    for (const source of row.sources) {
      if (source.kind === 'local') assert.equal(source.value, undefined);
      if (source.kind === 'fleet') assert.equal(source.value, 'unavailable: connect ECONNREFUSED 127.0.0.1:9');
    }
  }
  assert.match(measureRows(PHASES[2], { at: 5, criteria: [], triggers: [], fleet: undefined }).find((r) => r.id === 'error-rate')!.sources[1]!.value!, /chimera\.prometheus\.url/);
});

test('the README table "Where each of the plan\'s numbers comes from" is the one the sources generate', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = /^## Where each of the plan's numbers comes from\n([\s\S]*?)(?=^## )/m.exec(readme);
  assert.ok(section, 'README.md has no section "Where each of the plan\'s numbers comes from"');
  const table = section[1]!.split('\n').filter((line) => line.startsWith('|')).join('\n');
  assert.equal(table, sourcesMarkdownTable(), 'README table out of date: paste sourcesMarkdownTable() from src/core/rollout/sources.ts');
});
