import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { AutoRollback } from '../../../../src/core/rollout/auto-rollback';
import { type PlanValues, RollbackGuard } from '../../../../src/core/rollout/guard';
import type { RollbackState } from '../../../../src/core/rollout/state';

const NO_SAMPLES: PlanValues = { errorRate: null, p95Latency: null, memoryRatio: null, securityViolations: null, requests: null, memoryRange: null };
const persisted = (trigger: string, active = true): RollbackState => ({ active, reason: `automatic rollback: ${trigger}`, trigger, at: '2026-12-05T00:00:00.000Z', by: 'chimera (automatic)' });

test('a reported security violation fires at once, without samples, as SEV1; the decision is fresh only once', () => {
  const machine = new AutoRollback(new RollbackGuard());
  assert.equal(machine.feed(NO_SAMPLES, 10).decision.state, 'armed');
  machine.reportViolation();
  const { decision, values } = machine.feed(NO_SAMPLES, 20);
  assert.equal(values.securityViolations, 1);
  assert.ok(decision.state === 'fired' && decision.fresh);
  assert.equal(decision.firing.trigger, 'security-violation');
  assert.equal(decision.firing.severity, 'SEV1');
  const again = machine.feed(NO_SAMPLES, 30).decision;
  assert.ok(again.state === 'fired' && !again.fresh, 'no second rollback for the same firing');
});

test('no flapping: once fired, healthy values do not arm it again; only a persisted re-arm does', () => {
  const machine = new AutoRollback(new RollbackGuard());
  machine.reportViolation();
  machine.feed(NO_SAMPLES, 1);
  // The rollback is written: the snapshot shows it active.
  assert.equal(machine.sync(persisted('security-violation'), 2).kind, 'unchanged');
  assert.equal(machine.feed({ ...NO_SAMPLES, securityViolations: 0, requests: 1000, errorRate: 0 }, 3).decision.state, 'fired');
  // Someone re-armed (the state file says inactive): the guard arms, on data from now on, and forgets the violations.
  assert.deepEqual(machine.sync(persisted('security-violation', false), 100), { kind: 'rearmed' });
  assert.equal(machine.guard.state, 'armed');
  assert.equal(machine.guard.armedAt, 100);
  assert.equal(machine.feed(NO_SAMPLES, 101).decision.state, 'armed');
});

test('snapshots while the rollback is being written do not count as a re-arm', async () => {
  const machine = new AutoRollback(new RollbackGuard());
  machine.reportViolation();
  machine.feed(NO_SAMPLES, 1);
  await machine.whileWriting(async () => {
    // Between writing the state and .env, a reload may still show the old (inactive) state.
    assert.equal(machine.sync(undefined, 2).kind, 'unchanged');
  });
  // Fired but never seen persisted: an inactive state does not re-arm it either.
  assert.equal(machine.sync(undefined, 3).kind, 'unchanged');
  assert.equal(machine.guard.state, 'fired');
});

test('a rollback found persisted at start-up (manual or automatic) is adopted and held until re-armed', () => {
  const machine = new AutoRollback(new RollbackGuard());
  const outcome = machine.sync(persisted('manual'), 5);
  assert.equal(outcome.kind, 'adopted');
  assert.equal(machine.guard.state, 'fired');
  assert.equal(machine.sync(persisted('manual'), 6).kind, 'unchanged', 'adopted once');
  assert.equal(machine.sync(undefined, 7).kind, 'rearmed');
});

test('a re-arm forgets the violations reported before it', () => {
  const machine = new AutoRollback(new RollbackGuard());
  machine.reportViolation();
  machine.feed(NO_SAMPLES, 1);
  machine.sync(persisted('security-violation'), 2);
  machine.sync(undefined, 3);
  assert.equal(machine.valuesWithViolations(NO_SAMPLES).securityViolations, null);
});
