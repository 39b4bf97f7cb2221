/**
 * Runs compiled genes. The interface is batch-shaped and async so the sandbox (src/core/sandbox) can stand
 * behind it later; until then `createInProcessExecutor` instantiates modules here, for our own compiler's
 * output only (small fuel budgets, no bulk-memory instructions, imports from the host's own Math).
 */
import { FUEL_GLOBAL, HOST_IMPORTS, STATUS_GLOBAL, STATUS_OUT_OF_FUEL } from '../wasm-abi';
import type { CompiledGene } from './types';
import type { GeneValue } from './values';

export type RunOutcome =
  | { verdict: 'ok'; value: GeneValue; fuelUsed: number }
  | { verdict: 'out-of-fuel' | 'trap' | 'stack-overflow' | 'unsupported'; message: string }
  // Only when the sandbox stands behind the executor (src/core/sandbox/sandbox-executor.ts):
  | { verdict: 'timeout' | 'memory-limit' | 'forbidden-import' | 'invalid-module' | 'engine-crash'; message: string };

export interface GeneExecutor {
  /** Runs the gene once per argument tuple, each with a fresh fuel budget. */
  runBatch(gene: CompiledGene, inputs: readonly (readonly GeneValue[])[], limits: { fuel: number }): Promise<RunOutcome[]>;
}

type Exported = Record<string, unknown> & { [FUEL_GLOBAL]: WebAssembly.Global; [STATUS_GLOBAL]: WebAssembly.Global };

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
    if (typeof args[i] !== expected) return { refused: `'${params[i]!.name}' takes a ${expected}, got ${String(args[i])}` };
  }
  return { exportName, args };
}

export function createInProcessExecutor(): GeneExecutor {
  const instances = new WeakMap<Uint8Array, Exported>();
  const imports = hostImports();
  return {
    async runBatch(gene, inputs, limits) {
      let exported = instances.get(gene.bytes);
      if (!exported) {
        exported = new WebAssembly.Instance(new WebAssembly.Module(gene.bytes as Uint8Array<ArrayBuffer>), imports).exports as Exported;
        instances.set(gene.bytes, exported);
      }
      return inputs.map((input) => runOne(gene, exported!, input, limits.fuel));
    },
  };
}

function runOne(gene: CompiledGene, exported: Exported, input: readonly GeneValue[], fuel: number): RunOutcome {
  const call = prepareCall(gene, input);
  if ('refused' in call) return { verdict: 'unsupported', message: call.refused };
  const fuelGlobal = exported[FUEL_GLOBAL];
  const status = exported[STATUS_GLOBAL];
  fuelGlobal.value = BigInt(fuel);
  status.value = 0;
  try {
    const raw = (exported[call.exportName] as (...args: GeneValue[]) => number)(...call.args);
    const value = gene.signature.result === 'boolean' ? raw !== 0 : raw;
    return { verdict: 'ok', value, fuelUsed: fuel - Number(fuelGlobal.value as bigint) };
  } catch (error) {
    if (status.value === STATUS_OUT_OF_FUEL) return { verdict: 'out-of-fuel', message: `used the whole budget of ${fuel}` };
    if (error instanceof RangeError) return { verdict: 'stack-overflow', message: error.message };
    if (error instanceof WebAssembly.RuntimeError) return { verdict: 'trap', message: error.message };
    throw error;
  }
}
