import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveFlags } from '../../../../src/core/flags/resolve';
import { detectPhase, featuresOf } from '../../../../src/core/rollout/detect';
import { PHASES } from '../../../../src/core/rollout/phases';

const none = { env: {}, dotenv: {}, settings: {}, rollbackActive: false };

test('precedence: environment over .env over settings over defaults, each value with its source and raw text', () => {
  const r = resolveFlags({
    env: { CHIMERA_ENABLED: 'yes' },
    dotenv: { CHIMERA_ENABLED: '0', DRY_RUN_MODE: '1', WASM_MAX_TIME: '2s' },
    settings: { DRY_RUN_MODE: false, WASM_EXEC_ENABLED: true, WASM_MAX_TIME: '5s' },
    rollbackActive: false,
  });
  assert.deepEqual(r.flags.CHIMERA_ENABLED, { value: true, source: 'env', raw: 'yes', valid: true });
  assert.deepEqual(r.flags.DRY_RUN_MODE, { value: true, source: 'dotenv', raw: '1', valid: true });
  assert.deepEqual(r.flags.WASM_EXEC_ENABLED, { value: true, source: 'settings', raw: '1', valid: true });
  assert.deepEqual(r.flags.WASM_MAX_TIME, { value: 2000, source: 'dotenv', raw: '2s', valid: true });
  assert.deepEqual(r.flags.PROTEIN_HASH_ENABLED, { value: false, source: 'default', valid: true });
});

test('an active rollback overrides every source, even a shell that exports the flags on', () => {
  const r = resolveFlags({ env: { CHIMERA_ENABLED: '1', WASM_EXEC_ENABLED: '1' }, dotenv: { PROTEIN_HASH_ENABLED: '1' }, settings: {}, rollbackActive: true });
  for (const name of ['CHIMERA_ENABLED', 'WASM_EXEC_ENABLED', 'PROTEIN_HASH_ENABLED'] as const) assert.deepEqual(r.flags[name], { value: false, source: 'rollback', valid: true });
  assert.equal(featuresOf(r, true).analysis, false);
  assert.equal(featuresOf(r, true).blockedBy, 'rollback');
});

test('CHIMERA_FREEZE=1 from any source turns every feature off, whatever the other flags say', () => {
  for (const source of ['env', 'dotenv', 'settings'] as const) {
    const inputs = { ...none, env: {}, dotenv: { CHIMERA_ENABLED: '1', WASM_EXEC_ENABLED: '1', PROTEIN_HASH_ENABLED: '1' } as Record<string, string>, settings: {} as Record<string, unknown> };
    if (source === 'settings') inputs.settings = { CHIMERA_FREEZE: true };
    else if (source === 'env') inputs.env = { CHIMERA_FREEZE: '1' };
    else inputs.dotenv.CHIMERA_FREEZE = 'on';
    const r = resolveFlags(inputs);
    assert.equal(r.frozen, true, source);
    const features = featuresOf(r, true);
    assert.deepEqual([features.analysis, features.execution, features.proteinHash, features.blockedBy], [false, false, false, 'frozen'], source);
  }
});

test('invalid input never turns a feature on: bad booleans are off, a bad canary is nobody, a bad limit keeps the default', () => {
  const r = resolveFlags({ ...none, env: { CHIMERA_ENABLED: 'maybe', CHIMERA_CANARY: '1.5', WASM_MAX_MEMORY: '1048576000000' } });
  assert.deepEqual(r.flags.CHIMERA_ENABLED, { value: false, source: 'env', raw: 'maybe', valid: false });
  assert.equal(r.flags.CHIMERA_CANARY.value, 0);
  assert.equal(r.flags.WASM_MAX_MEMORY.value, 16 * 1024 * 1024);
  assert.deepEqual(r.diagnostics.map((d) => [d.file, d.code]), [['environment', 'invalid-boolean'], ['environment', 'invalid-fraction'], ['environment', 'invalid-limit']]);
});

test('an unset canary means everyone; WASM_MAX_MEMORY=1048576 is one MiB, not a silent 256 MiB', () => {
  const r = resolveFlags({ ...none, dotenv: { CHIMERA_ENABLED: '1', WASM_MAX_MEMORY: '1048576' } });
  assert.equal(r.flags.CHIMERA_CANARY.value, 1);
  assert.equal(r.flags.WASM_MAX_MEMORY.value, 1048576);
  assert.equal(featuresOf(r, true).analysis, true);
});

test("every phase's literal flag set of the plan is detected as that phase", () => {
  const literal: Record<number, Record<string, string>> = {
    0: {},
    1: { CHIMERA_ENABLED: '1', DRY_RUN_MODE: '1' },
    2: { CHIMERA_ENABLED: '1', CHIMERA_CANARY: '0.01' },
    3: { CHIMERA_ENABLED: '1', CHIMERA_CANARY: '0.10', WASM_EXEC_ENABLED: '1' },
    4: { CHIMERA_ENABLED: '1', WASM_EXEC_ENABLED: '1', PROTEIN_HASH_ENABLED: '1' },
  };
  for (const phase of PHASES) {
    const detected = detectPhase(resolveFlags({ ...none, dotenv: literal[phase.id]! }).flags);
    assert.deepEqual(detected, { id: phase.id, nearest: phase.id, differences: [] }, `phase ${phase.id}`);
  }
});

test('a combination that matches no phase is custom, with the nearest phase and the differences', () => {
  const detected = detectPhase(resolveFlags({ ...none, dotenv: { CHIMERA_ENABLED: '1', CHIMERA_CANARY: '0.01', PROTEIN_HASH_ENABLED: '1' } }).flags);
  assert.deepEqual(detected, { id: 'custom', nearest: 2, differences: [{ flag: 'PROTEIN_HASH_ENABLED', expected: false, actual: true }] });
  const phase3ish = detectPhase(resolveFlags({ ...none, dotenv: { CHIMERA_ENABLED: '1', CHIMERA_CANARY: '0.2', WASM_EXEC_ENABLED: '1' } }).flags);
  assert.equal(phase3ish.id, 'custom');
  assert.equal(phase3ish.nearest, 3);
});

test('readings: Phase 2 verifies in the sandbox without WASM_EXEC_ENABLED; Phase 3 hashes proteins', () => {
  const phase2 = featuresOf(resolveFlags({ ...none, dotenv: { CHIMERA_ENABLED: '1', CHIMERA_CANARY: '0.01' } }), true);
  assert.deepEqual([phase2.analysis, phase2.execution, phase2.proteinHash], [true, false, false]);
  const phase3 = featuresOf(resolveFlags({ ...none, dotenv: { CHIMERA_ENABLED: '1', CHIMERA_CANARY: '0.10', WASM_EXEC_ENABLED: '1' } }), true);
  assert.deepEqual([phase3.analysis, phase3.execution, phase3.proteinHash], [true, true, true]);
  const outOfCanary = featuresOf(resolveFlags({ ...none, dotenv: { CHIMERA_ENABLED: '1', CHIMERA_CANARY: '0.01' } }), false);
  assert.equal(outOfCanary.blockedBy, 'canary');
});
