/**
 * Runs compiled genes. The interface is batch-shaped and async so the sandbox (src/core/sandbox) can stand
 * behind it later; until then `createInProcessExecutor` instantiates modules here, for our own compiler's
 * output only (small fuel budgets, no bulk-memory instructions, imports from the host's own Math).
 */
import { FUEL_GLOBAL, HOST_IMPORTS, STATUS_GLOBAL, STATUS_MEMORY_LIMIT, STATUS_OUT_OF_FUEL, STATUS_TYPE_ERROR, STATUS_UNREPRESENTABLE, TYPE_ERROR_MESSAGE, UNREPRESENTABLE_MESSAGE } from '../wasm-abi';
import { ArenaFull, type StringAbi, readString, resetArena, stringAbiOf, writeString } from '../wasm-string-abi';
import { readArray, writeArray } from '../wasm-array-abi';
import { type CompiledGene, type GeneType, elementTypeOf, isArrayType } from './types';
import type { GeneValue } from './values';

export type RunOutcome =
  /** `value` is undefined for a string result that is undefined (`s[i]` off the string) or a gene without a value; null for a `null` result. */
  | { verdict: 'ok'; value: GeneValue | undefined | null; fuelUsed: number }
  | { verdict: 'out-of-fuel' | 'trap' | 'stack-overflow' | 'unsupported' | 'memory-limit'; message: string }
  // Only when the sandbox stands behind the executor (src/core/sandbox/sandbox-executor.ts):
  | { verdict: 'timeout' | 'forbidden-import' | 'invalid-module' | 'engine-crash'; message: string };

export interface GeneExecutor {
  /** Runs the gene once per argument tuple, each with a fresh fuel budget. */
  runBatch(gene: CompiledGene, inputs: readonly (readonly GeneValue[])[], limits: { fuel: number }): Promise<RunOutcome[]>;
}

type Exported = Record<string, unknown> & { [FUEL_GLOBAL]: WebAssembly.Global; [STATUS_GLOBAL]: WebAssembly.Global };
type Instance = { exported: Exported; strings: StringAbi | undefined };

/** The host side of the import whitelist: the host's own Math functions, so results are bit-identical. */
function hostImports(): WebAssembly.Imports {
  const math: Record<string, unknown> = {};
  for (const entry of HOST_IMPORTS) math[entry.name] = (Math as unknown as Record<string, unknown>)[entry.name];
  return { Math: math as WebAssembly.ModuleImports };
}

/** Which export to call for a tuple, or why the tuple cannot be a JavaScript call of this gene. */
export function prepareCall(gene: CompiledGene, input: readonly GeneValue[]): { exportName: string; args: GeneValue[] } | { refused: string } {
  const params = gene.signature.params;
  const args = input.slice(0, params.length);
  const exportName = gene.arityExports[args.length];
  if (exportName === undefined) return { refused: `'${params[args.length]!.name}' would be undefined (no default value)` };
  for (let i = 0; i < args.length; i++) {
    const expected = params[i]!.type;
    if (!hasType(args[i]!, expected)) return { refused: `'${params[i]!.name}' takes a ${expected}, got ${String(args[i])}` };
  }
  return { exportName, args };
}

function hasType(value: GeneValue, type: GeneType): boolean {
  if (!isArrayType(type)) return typeof value === type;
  const element = elementTypeOf(type);
  return Array.isArray(value) && value.every((item) => typeof item === element);
}

export function createInProcessExecutor(): GeneExecutor {
  const instances = new WeakMap<Uint8Array, Instance>();
  const imports = hostImports();
  return {
    async runBatch(gene, inputs, limits) {
      let instance = instances.get(gene.bytes);
      if (!instance) {
        const exports = new WebAssembly.Instance(new WebAssembly.Module(gene.bytes as Uint8Array<ArrayBuffer>), imports).exports;
        instance = { exported: exports as Exported, strings: stringAbiOf(exports) };
        instances.set(gene.bytes, instance);
      }
      return inputs.map((input) => runOne(gene, instance!, input, limits.fuel));
    },
  };
}

/** A string or array argument written into the arena, or the value as it is. */
function toWasmArgument(strings: StringAbi | undefined, value: GeneValue, type: GeneType): number | boolean {
  if (typeof value !== 'string' && !Array.isArray(value)) return value;
  if (!strings) throw new ArenaFull('the module has no memory for string or array arguments');
  if (Array.isArray(value)) return writeArray(strings, elementTypeOf(type as Parameters<typeof elementTypeOf>[0]), value as (number | boolean | string)[]);
  return writeString(strings, value);
}

/** The JavaScript value of a raw result: booleans from 0/1, strings read from memory before the next call reuses it. */
export function fromWasmResult(gene: CompiledGene, strings: StringAbi | undefined, raw: number): GeneValue | undefined | null {
  if (gene.signature.result === 'undefined') return undefined;
  if (gene.signature.result === 'null') return null;
  if (gene.signature.result === 'boolean') return raw !== 0;
  if (gene.signature.result === 'string') return strings ? readString(strings, raw) : undefined;
  if (isArrayType(gene.signature.result)) return strings ? readArray(strings, elementTypeOf(gene.signature.result), raw) : undefined;
  return raw;
}

function runOne(gene: CompiledGene, instance: Instance, input: readonly GeneValue[], fuel: number): RunOutcome {
  const call = prepareCall(gene, input);
  if ('refused' in call) return { verdict: 'unsupported', message: call.refused };
  const { exported, strings } = instance;
  const fuelGlobal = exported[FUEL_GLOBAL];
  const status = exported[STATUS_GLOBAL];
  fuelGlobal.value = BigInt(fuel);
  status.value = 0;
  try {
    if (strings) resetArena(strings);
    const args = call.args.map((value, i) => toWasmArgument(strings, value, gene.signature.params[i]!.type));
    const raw = (exported[call.exportName] as (...args: (number | boolean)[]) => number)(...args);
    const value = fromWasmResult(gene, strings, raw);
    return { verdict: 'ok', value, fuelUsed: fuel - Number(fuelGlobal.value as bigint) };
  } catch (error) {
    if (error instanceof ArenaFull) return { verdict: 'memory-limit', message: error.message };
    if (status.value === STATUS_MEMORY_LIMIT) return { verdict: 'memory-limit', message: 'the arena outgrew the memory limit' };
    if (status.value === STATUS_UNREPRESENTABLE) return { verdict: 'unsupported', message: UNREPRESENTABLE_MESSAGE };
    if (status.value === STATUS_TYPE_ERROR) return { verdict: 'trap', message: TYPE_ERROR_MESSAGE };
    if (status.value === STATUS_OUT_OF_FUEL) return { verdict: 'out-of-fuel', message: `used the whole budget of ${fuel}` };
    if (error instanceof RangeError) return { verdict: 'stack-overflow', message: error.message };
    if (error instanceof WebAssembly.RuntimeError) return { verdict: 'trap', message: error.message };
    throw error;
  }
}
