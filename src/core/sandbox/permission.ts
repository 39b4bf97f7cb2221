/** What decides whether the sandbox may run (ARCHITECTURE.md, "Flags" and "Trust and privacy"). */
export interface SandboxGateInput {
  chimeraEnabled: boolean;
  frozen: boolean;
  /** This machine's canary bucket is inside CHIMERA_CANARY. */
  inCanary: boolean;
  wasmExecEnabled: boolean;
  dryRunMode: boolean;
  workspaceTrusted: boolean;
  /** Verification runs (WASM vs JS) are allowed by DRY_RUN_MODE too; runs on request need WASM_EXEC_ENABLED. */
  purpose: 'verification' | 'execution';
}

export type SandboxPermission = { allowed: true } | { allowed: false; stoppedBy: 'CHIMERA_FREEZE' | 'CHIMERA_ENABLED' | 'CHIMERA_CANARY' | 'WASM_EXEC_ENABLED' | 'workspace-trust'; reason: string };

/** The extension asks this before every run; a refusal names the flag or trust decision that stopped it. */
export function sandboxPermission(input: SandboxGateInput): SandboxPermission {
  if (input.frozen) return { allowed: false, stoppedBy: 'CHIMERA_FREEZE', reason: 'CHIMERA_FREEZE=1: everything is off' };
  if (!input.chimeraEnabled) return { allowed: false, stoppedBy: 'CHIMERA_ENABLED', reason: 'CHIMERA_ENABLED is off' };
  if (!input.inCanary) return { allowed: false, stoppedBy: 'CHIMERA_CANARY', reason: 'this machine is outside the CHIMERA_CANARY share' };
  if (!input.workspaceTrusted) return { allowed: false, stoppedBy: 'workspace-trust', reason: 'the workspace is not trusted (Restricted Mode runs no WebAssembly)' };
  const allowedByFlags = input.wasmExecEnabled || (input.purpose === 'verification' && input.dryRunMode);
  if (!allowedByFlags) {
    const reason = input.purpose === 'verification' ? 'neither WASM_EXEC_ENABLED nor DRY_RUN_MODE is on' : 'WASM_EXEC_ENABLED is off';
    return { allowed: false, stoppedBy: 'WASM_EXEC_ENABLED', reason };
  }
  return { allowed: true };
}
