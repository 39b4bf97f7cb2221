import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveFlags } from '../../../../src/core/flags/resolve';
import { featuresOf } from '../../../../src/core/rollout/detect';
import { permission } from '../../../../src/core/rollout/gate';

function stoppedBy(dotenv: Record<string, string>, need: 'analysis' | 'execution' | 'proteinHash', options: { trusted?: boolean; inCanary?: boolean; rollback?: boolean } = {}): string {
  const features = featuresOf(resolveFlags({ env: {}, dotenv, settings: {}, rollbackActive: options.rollback ?? false }), options.inCanary ?? true);
  const decision = permission(features, need, options.trusted ?? true);
  return decision.allowed ? 'allowed' : decision.stoppedBy;
}

const phase4 = { CHIMERA_ENABLED: '1', WASM_EXEC_ENABLED: '1', PROTEIN_HASH_ENABLED: '1' };

test('everything runs in Phase 4 in a trusted workspace', () => {
  for (const need of ['analysis', 'execution', 'proteinHash'] as const) assert.equal(stoppedBy(phase4, need), 'allowed');
});

test('a refusal names what stopped it: trust first, then rollback, freeze, the master switch, the canary, the feature flag', () => {
  assert.equal(stoppedBy(phase4, 'analysis', { trusted: false }), 'workspace-trust');
  assert.equal(stoppedBy(phase4, 'execution', { rollback: true }), 'rollback');
  assert.equal(stoppedBy({ ...phase4, CHIMERA_FREEZE: '1' }, 'analysis'), 'CHIMERA_FREEZE');
  assert.equal(stoppedBy({ ...phase4, CHIMERA_ENABLED: '0' }, 'analysis'), 'CHIMERA_ENABLED');
  assert.equal(stoppedBy(phase4, 'analysis', { inCanary: false }), 'CHIMERA_CANARY');
  assert.equal(stoppedBy({ CHIMERA_ENABLED: '1', DRY_RUN_MODE: '1' }, 'execution'), 'WASM_EXEC_ENABLED');
  assert.equal(stoppedBy({ CHIMERA_ENABLED: '1', DRY_RUN_MODE: '1' }, 'proteinHash'), 'PROTEIN_HASH_ENABLED');
});

test('Phase 1 (dry run) and Phase 2 analyse and verify but do not run genes on request', () => {
  const phases: Record<string, string>[] = [{ CHIMERA_ENABLED: '1', DRY_RUN_MODE: '1' }, { CHIMERA_ENABLED: '1', CHIMERA_CANARY: '0.01' }];
  for (const flags of phases) {
    assert.equal(stoppedBy(flags, 'analysis'), 'allowed');
    assert.equal(stoppedBy(flags, 'execution'), 'WASM_EXEC_ENABLED');
  }
});
