import type { Features } from './detect';

export type Need = 'analysis' | 'execution' | 'proteinHash';

export type Permission = { allowed: true } | { allowed: false; stoppedBy: 'rollback' | 'CHIMERA_FREEZE' | 'CHIMERA_ENABLED' | 'CHIMERA_CANARY' | 'WASM_EXEC_ENABLED' | 'PROTEIN_HASH_ENABLED' | 'workspace-trust'; reason: string };

/**
 * The one decision before anything runs — the extension before every analysis or sandbox run, the CLI with
 * `--respect-flags`: trust first, then the features the flags allow; a refusal names what stopped it.
 */
export function permission(features: Features, need: Need, trusted: boolean): Permission {
  if (!trusted) return { allowed: false, stoppedBy: 'workspace-trust', reason: 'the workspace is not trusted (Restricted Mode runs no analysis and no WebAssembly)' };
  switch (features.blockedBy) {
    case 'rollback':
      return { allowed: false, stoppedBy: 'rollback', reason: 'a rollback is active (re-arm to run again)' };
    case 'frozen':
      return { allowed: false, stoppedBy: 'CHIMERA_FREEZE', reason: 'CHIMERA_FREEZE=1: everything is off' };
    case 'disabled':
      return { allowed: false, stoppedBy: 'CHIMERA_ENABLED', reason: 'CHIMERA_ENABLED is off' };
    case 'canary':
      return { allowed: false, stoppedBy: 'CHIMERA_CANARY', reason: 'this machine is outside the CHIMERA_CANARY share' };
  }
  if (need === 'execution' && !features.execution) return { allowed: false, stoppedBy: 'WASM_EXEC_ENABLED', reason: 'WASM_EXEC_ENABLED is off' };
  if (need === 'proteinHash' && !features.proteinHash) return { allowed: false, stoppedBy: 'PROTEIN_HASH_ENABLED', reason: 'protein hashes are off (PROTEIN_HASH_ENABLED or WASM_EXEC_ENABLED)' };
  return { allowed: true };
}
