import { type GeneExecutor, fromWasmResult, prepareCall, type RunOutcome } from '../compiler/gene-executor';
import { type CompiledGene, type GeneType, elementTypeOf, isArrayType } from '../compiler/types';
import type { GeneValue } from '../compiler/values';
import { parseArrayJson } from '../wasm-array-abi';
import type { Sandbox } from './sandbox';
import type { SandboxResult, WasmArgument } from './verdict';

/** A gene executor whose calls run in the sandbox's warm worker pool, plus the peak memory of what it ran. */
export interface SandboxGeneExecutor extends GeneExecutor {
  /** The largest WebAssembly memory any of its runs reached, in bytes. */
  peakMemoryBytes(): number;
}

/**
 * Runs our own compiled genes through a Sandbox (warm worker pool, the sandbox's time and memory limits, the fuel
 * budget of each batch), so verification and `chimera run` obey the same limits and verdicts as foreign modules.
 */
export function createSandboxExecutor(sandbox: Sandbox): SandboxGeneExecutor {
  let peak = 0;
  return {
    peakMemoryBytes: () => peak,
    async runBatch(gene, inputs, limits) {
      const outcomes: RunOutcome[] = new Array(inputs.length);
      // One sandbox run per export: a short tuple calls the export of its arity, as a JavaScript call would.
      const byExport = new Map<string, { rows: number[]; args: WasmArgument[][] }>();
      inputs.forEach((input, row) => {
        const call = prepareCall(gene, input);
        if ('refused' in call) {
          outcomes[row] = { verdict: 'unsupported', message: call.refused };
          return;
        }
        const group = byExport.get(call.exportName) ?? { rows: [], args: [] };
        group.rows.push(row);
        group.args.push(call.args.map((value, i) => wasmArgument(value, gene.signature.params[i]!.type)));
        byExport.set(call.exportName, group);
      });
      const result = gene.signature.result;
      for (const [exportName, group] of byExport) {
        const run = await sandbox.runMeasured({ module: gene.bytes, export: exportName, args: group.args, trusted: true, limits: { maxFuel: limits.fuel }, ...(gene.signature.result === 'string' ? { stringResult: true } : {}), ...(isArrayType(result) ? { arrayResult: elementTypeOf(result) } : {}) });
        peak = Math.max(peak, run.memoryBytes);
        group.rows.forEach((row, i) => (outcomes[row] = toOutcome(gene, run.results[i])));
      }
      return outcomes;
    },
  };
}

/** A value as the sandbox carries it: strings as they are, arrays with their element kind, booleans as 0/1. */
function wasmArgument(value: GeneValue, type: GeneType): WasmArgument {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return { elements: isArrayType(type) ? elementTypeOf(type) : 'number', items: value as (number | boolean | string)[] };
  return Number(value);
}

function toOutcome(gene: CompiledGene, result: SandboxResult | undefined): RunOutcome {
  if (!result) return { verdict: 'engine-crash', message: 'the sandbox answered no result' };
  if (result.verdict === 'ok') {
    if (gene.signature.result === 'string') return { verdict: 'ok', value: typeof result.value === 'string' ? result.value : undefined, fuelUsed: result.fuelUsed ?? 0 };
    if (isArrayType(gene.signature.result)) return { verdict: 'ok', value: parseArrayJson(String(result.value), elementTypeOf(gene.signature.result)), fuelUsed: result.fuelUsed ?? 0 };
    return { verdict: 'ok', value: fromWasmResult(gene, undefined, Number(result.value)), fuelUsed: result.fuelUsed ?? 0 };
  }
  return { verdict: result.verdict, message: result.message };
}
