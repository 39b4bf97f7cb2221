/** What a sandbox run can end in: exactly one verdict per call (ARCHITECTURE.md, "Sandbox verdicts"). */
export type Verdict =
  | 'ok'
  | 'trap'
  | 'timeout'
  | 'out-of-fuel'
  | 'memory-limit'
  | 'stack-overflow'
  | 'forbidden-import'
  | 'invalid-module'
  | 'unsupported'
  | 'engine-crash';

export const VERDICTS: readonly Verdict[] = ['ok', 'trap', 'timeout', 'out-of-fuel', 'memory-limit', 'stack-overflow', 'forbidden-import', 'invalid-module', 'unsupported', 'engine-crash'];

/** The guest's own error, from V8's RuntimeError message. */
export type TrapKind =
  | 'unreachable'
  | 'divide-by-zero'
  | 'integer-overflow'
  | 'invalid-conversion'
  | 'out-of-bounds'
  | 'table-out-of-bounds'
  | 'indirect-call'
  | 'host-error'
  | 'other';

/** Security violations are counted apart (chimera_security_violations_total{kind}). */
export type SecurityViolationKind = 'forbidden-import' | 'import-signature';

export interface SecurityViolation {
  kind: SecurityViolationKind;
  /** "module.name" of the offending import. */
  import: string;
}

/** i64 values are bigint; a multi-value result is an array; no result is null. */
export type WasmScalar = number | bigint;
export type WasmValue = WasmScalar | WasmScalar[] | null;

interface Base {
  /** A short, human message: what happened, never source text. */
  message: string;
  /** Milliseconds spent on this call (or on the failed compilation/instantiation). */
  ms: number;
}

export type SandboxResult =
  | (Base & { verdict: 'ok'; value: WasmValue; /** null when the module is not fuel-metered */ fuelUsed: number | null })
  | (Base & { verdict: 'trap'; trap: TrapKind })
  | (Base & { verdict: 'out-of-fuel'; fuelUsed: number })
  | (Base & { verdict: 'forbidden-import'; violation: SecurityViolation })
  | (Base & { verdict: 'timeout' | 'memory-limit' | 'stack-overflow' | 'invalid-module' | 'unsupported' | 'engine-crash' });
