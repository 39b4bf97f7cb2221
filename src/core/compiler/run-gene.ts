import { performance } from 'node:perf_hooks';
import type ts from 'typescript';
import { cidOfSync } from '../store/cid';
import { type GeneExecutor, createInProcessExecutor } from './gene-executor';
import { loadJavaScriptGene } from './javascript-gene';
import type { CompiledGene } from './types';
import { type GeneValue, type JsonGeneValue, sameGeneValue, toJsonValue } from './values';

/** One call of a gene, as WebAssembly and as its own JavaScript; values in JSON form (NaN, ±Infinity, -0 as strings). */
export interface GeneRunResult {
  verdict: string;
  value?: JsonGeneValue;
  js?: JsonGeneValue;
  match?: boolean;
  cid: string;
  fuel?: number;
  ms: number;
  reason?: string;
}

/**
 * Runs a compiled gene on each argument tuple and compares with the JavaScript, which runs in a `vm` context holding
 * only a frozen Math. The executor is the sandbox's (the CLI, the editor); in-process by default, bounded by the fuel.
 */
export async function runGene(sourceFile: ts.SourceFile, gene: CompiledGene, inputs: readonly GeneValue[][], options: { fuel: number; timeoutMs: number; executor?: GeneExecutor }): Promise<GeneRunResult[]> {
  const cid = cidOfSync(gene.bytes);
  const executor = options.executor ?? createInProcessExecutor();
  const js = loadJavaScriptGene(sourceFile, gene, { timeoutMs: options.timeoutMs });
  const results: GeneRunResult[] = [];
  for (const input of inputs) {
    const started = performance.now();
    const [outcome] = await executor.runBatch(gene, [input], { fuel: options.fuel });
    const ms = Math.round((performance.now() - started) * 1000) / 1000;
    if (!outcome || outcome.verdict !== 'ok') {
      results.push({ verdict: outcome?.verdict ?? 'trap', cid, ms, reason: outcome && 'message' in outcome ? outcome.message : 'no result' });
      continue;
    }
    const expected = js.call(input.slice(0, gene.signature.params.length));
    const value = expected.verdict === 'ok' ? expected.value : undefined;
    const jsValue = expected.verdict === 'ok' && (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' || Array.isArray(value)) ? toJsonValue(value as GeneValue) : `${expected.verdict}`;
    const match = expected.verdict === 'ok' && sameGeneValue(outcome.value, expected.value);
    results.push({ verdict: 'ok', value: toJsonValue(outcome.value), js: jsValue, match, cid, fuel: outcome.fuelUsed, ms });
  }
  return results;
}
