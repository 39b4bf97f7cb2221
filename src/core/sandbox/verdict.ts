import type { ViolationKind } from '../metrics/plan';
import type { ArrayArgument } from '../wasm-array-abi';

/** What a sandbox run can end in: exactly one verdict per call (ARCHITECTURE.md, "Sandbox verdicts"). */
export const VERDICTS = ['ok', 'trap', 'timeout', 'out-of-fuel', 'memory-limit', 'stack-overflow', 'forbidden-import', 'invalid-module', 'unsupported', 'engine-crash'] as const;
export type Verdict = (typeof VERDICTS)[number];

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

/** The verdicts that are security violations, each with the kind chimera_security_violations_total counts it as. */
export const VIOLATION_KIND_OF_VERDICT = { 'forbidden-import': 'forbidden-import' } as const satisfies Partial<Record<Verdict, ViolationKind>>;
export type SecurityVerdict = keyof typeof VIOLATION_KIND_OF_VERDICT;

/** The sandbox verdict that reports a violation of this kind; undefined for kinds found elsewhere (e.g. a CID mismatch). */
export function verdictOfViolation(kind: ViolationKind): SecurityVerdict | undefined {
  return (Object.keys(VIOLATION_KIND_OF_VERDICT) as SecurityVerdict[]).find((verdict) => VIOLATION_KIND_OF_VERDICT[verdict] === kind);
}

/** Which rule of the import whitelist a module broke: a name outside it, or a whitelisted name with another signature. */
export type ImportViolationKind = 'forbidden-import' | 'import-signature';

export interface SecurityViolation {
  kind: ImportViolationKind;
  /** "module.name" of the offending import. */
  import: string;
}

/** i64 values are bigint; a multi-value result is an array; no result is null. */
export type WasmScalar = number | bigint;
/**
 * A string argument is written into the module's memory (src/core/wasm-string-abi.ts) and passed as its pointer; an
 * array argument likewise (src/core/wasm-array-abi.ts).
 */
export type WasmArgument = WasmScalar | string | ArrayArgument;
/** A string result (a gene's, read from its memory) is a string; undefined is null. */
export type WasmValue = WasmScalar | WasmScalar[] | string | null;

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
