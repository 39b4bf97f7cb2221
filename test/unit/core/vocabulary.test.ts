// One vocabulary: the criteria table, verdicts, violation kinds, ops, phases and triggers each have one source;
// these tests fail when a consumer (evaluator, view, alert rules, metrics, telemetry) drifts from it.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPS, ROLLBACK_TRIGGERS, VIOLATION_KINDS, criterionQueries } from '../../../src/core/metrics/plan';
import { alertRules } from '../../../src/core/metrics/rules';
import { type CriteriaValues, evaluateCriteria, planValuesOf } from '../../../src/core/rollout/guard';
import { CRITERION_MEASURES, FAIL_OP, PHASES, type Criterion, criterionRows, phaseCriteria } from '../../../src/core/rollout/phases';
import { MANUAL_ROLLBACK } from '../../../src/core/rollout/state';
import { VERDICTS, VIOLATION_KIND_OF_VERDICT, verdictOfViolation } from '../../../src/core/sandbox/verdict';
import { PHASE_VALUES, TELEMETRY_EVENTS, securityViolationEvent, summarizeFeedback } from '../../../src/core/telemetry';

type Rule = { alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> };
const criteriaRules = (): Rule[] => (alertRules() as { groups: { name: string; rules: Rule[] }[] }).groups.find((g) => g.name === 'chimera-phase-criteria')!.rules;

/** Values under which exactly this criterion's measure reads `value`, with enough data behind it. */
function valuesReading(criterion: Criterion, value: number): CriteriaValues {
  const base: CriteriaValues = { ...planValuesOf([]), requests: 1000, securityViolations: 0 };
  switch (criterion.metric!.name) {
    case 'errorRate':
      return { ...base, errorRate: value };
    case 'p95Latency':
      return { ...base, p95Latency: value };
    case 'securityViolations':
      return { ...base, securityViolations: value };
    case 'gatewayAvailability':
      return { ...base, gatewayAvailability: { availability: value, requests: 1000 } };
    case 'feedbackPositive': {
      const positive = Math.round(value * 100);
      return { ...base, feedback: summarizeFeedback([...Array(positive).fill({ sentiment: 'positive', at: 1 }), ...Array(100 - positive).fill({ sentiment: 'negative', at: 1 })]) };
    }
    case 'memoryStable':
      return { ...base, memoryRange: { min: 0.3, max: 0.3 + value, readings: 10 } };
    case 'performanceRatio':
      return { ...base, performanceRatio: value };
  }
}

/** A value on each side of the bound: one that passes, one that fails (the bound itself fails a strict criterion). */
function sides(criterion: Criterion): { passing: number; failing: number } {
  const { op, bound } = criterion.metric!;
  const step = bound === 0 ? 1 : Math.abs(bound) * 0.05;
  if (op === '>') return { passing: Math.min(1, bound + step / 2), failing: bound };
  if (op === '>=') return { passing: bound, failing: bound - step };
  if (op === '<=') return { passing: bound, failing: bound + step };
  return { passing: bound - step, failing: bound };
}

test('every criterion id is unique within its phase, and every metric criterion reads a known measure', () => {
  for (const phase of PHASES) {
    const ids = phase.criteria.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, `Phase ${phase.id}`);
  }
  for (const { criterion } of phaseCriteria()) {
    assert.equal(criterion.kind === 'metric', criterion.metric !== undefined, criterion.id);
    if (criterion.metric) assert.ok((CRITERION_MEASURES as readonly string[]).includes(criterion.metric.name), criterion.id);
  }
});

test('the local evaluator passes and fails every metric criterion on its own bound', () => {
  for (const { phase, criterion } of phaseCriteria()) {
    if (!criterion.metric) continue;
    const { passing, failing } = sides(criterion);
    const statusAt = (value: number) => evaluateCriteria(phase, valuesReading(criterion, value)).find((c) => c.id === criterion.id)!.status;
    assert.equal(statusAt(passing), 'pass', `Phase ${phase} ${criterion.id} at ${passing}`);
    assert.equal(statusAt(failing), 'fail', `Phase ${phase} ${criterion.id} at ${failing}`);
  }
});

test('the Rollout view shows one row per criterion, in table order, with the evaluated status', () => {
  for (const phase of PHASES) {
    assert.deepEqual(criterionRows(phase, []).map((row) => row.id), phase.criteria.map((c) => c.id), `Phase ${phase.id}`);
    const evaluated = evaluateCriteria(phase, { ...planValuesOf([]), requests: 1000, errorRate: 1, p95Latency: 10, securityViolations: 3 });
    const rows = criterionRows(phase, evaluated);
    for (const result of evaluated) {
      const row = rows.find((r) => r.id === result.id)!;
      assert.equal(row.status, result.status === 'not-enough-data' ? (result.kind === 'person' ? 'person' : 'no-data') : result.status, result.id);
    }
  }
});

test('every criterion Prometheus can compute has exactly one alert rule, with its id, phase and failing condition', () => {
  const rules = criteriaRules();
  const queries = criterionQueries();
  const expected = phaseCriteria().filter(({ criterion }) => criterion.metric && queries[criterion.metric.name] !== null);
  for (const { criterion } of phaseCriteria()) {
    if (criterion.metric && queries[criterion.metric.name] === null) assert.equal(criterion.alert, undefined, `${criterion.id} has an alert Prometheus cannot compute`);
  }
  assert.equal(rules.length, expected.length);
  for (const { phase, criterion } of expected) {
    assert.ok(criterion.alert, `Phase ${phase} ${criterion.id} has no alert`);
    const rule = rules.find((r) => r.alert === criterion.alert!.name)!;
    assert.ok(rule, criterion.alert!.name);
    assert.deepEqual(rule.labels, { severity: 'criterion', phase: String(phase), criterion: criterion.id });
    const { op, bound, name } = criterion.metric!;
    assert.ok(rule.expr.startsWith(`(${queries[name]!.expr}) ${FAIL_OP[op]} ${bound}`), rule.expr);
  }
  assert.equal(new Set(rules.map((r) => r.alert)).size, rules.length, 'alert names are unique');
});

test('every verdict that is a security violation maps to a metric kind and to the telemetry enum, and back', () => {
  const telemetryKinds = TELEMETRY_EVENTS['security.violation'].fields.kind.values as readonly string[];
  const telemetryVerdicts = TELEMETRY_EVENTS['security.violation'].fields.verdict.values as readonly string[];
  assert.deepEqual([...telemetryKinds], [...VIOLATION_KINDS]);
  for (const [verdict, kind] of Object.entries(VIOLATION_KIND_OF_VERDICT)) {
    assert.ok((VERDICTS as readonly string[]).includes(verdict), verdict);
    assert.ok((VIOLATION_KINDS as readonly string[]).includes(kind), kind);
    assert.ok(telemetryVerdicts.includes(verdict), verdict);
    assert.equal(verdictOfViolation(kind), verdict);
    assert.deepEqual(securityViolationEvent(kind), { kind, verdict });
  }
  assert.deepEqual(securityViolationEvent('cid-mismatch'), { kind: 'cid-mismatch' }, 'a kind no verdict reports carries no verdict');
});

test('the telemetry enums are the domain constants: ops, verdicts, phases and rollback causes', () => {
  assert.deepEqual([...TELEMETRY_EVENTS['operation.error'].fields.op.values], [...OPS]);
  assert.deepEqual([...TELEMETRY_EVENTS['sandbox.run'].fields.verdict.values], [...VERDICTS]);
  assert.deepEqual([...PHASE_VALUES], [...PHASES.map((p) => String(p.id)), 'custom']);
  assert.deepEqual([...TELEMETRY_EVENTS.rollback.fields.trigger.values], [...ROLLBACK_TRIGGERS.map((t) => t.id), MANUAL_ROLLBACK]);
});
