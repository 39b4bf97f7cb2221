/**
 * TEST-ONLY: a stand-in for a compiler bug, so tests (and people trying `chimera check` out) can see what a
 * verification mismatch looks like. Set CHIMERA_TEST_CORRUPT_WASM=<gene name> (or `corruptWasmOf` of runCheck):
 * that gene is compiled again here and verified against its JavaScript with an executor that perturbs every
 * result its WebAssembly returns (x → x + 1, booleans negated). Nothing else reads this; never set it in CI.
 */
import type { FileAnalysis } from '../analysis/pipeline';
import { type GeneExecutor, compileGene, createInProcessExecutor, verifyCompiledGene } from '../compiler';
import { findFunctionNode, parseSource } from '../genes';

export const CORRUPT_WASM_VARIABLE = 'CHIMERA_TEST_CORRUPT_WASM';

function corruptingExecutor(): GeneExecutor {
  const real = createInProcessExecutor();
  return {
    async runBatch(gene, inputs, limits) {
      const outcomes = await real.runBatch(gene, inputs, limits);
      return outcomes.map((outcome) => (outcome.verdict === 'ok' ? { ...outcome, value: typeof outcome.value === 'boolean' ? !outcome.value : outcome.value + 1 } : outcome));
    },
  };
}

/** Replaces the verification of the named gene (when it compiled) by one against perturbed WebAssembly results. */
export async function applyCorruptWasmHook(analysis: FileAnalysis, text: string, geneName: string, limits: { maxFuel?: number; maxTimeMs?: number; randomInputs?: number }): Promise<void> {
  const entry = analysis.genes.find((g) => g.gene.name === geneName && g.compile?.verdict === 'ok');
  if (!entry) return;
  const sourceFile = parseSource(analysis.file, text);
  const node = findFunctionNode(sourceFile, entry.gene);
  if (!node) return;
  const compiled = compileGene(sourceFile, node, { name: entry.gene.name });
  if (compiled.verdict !== 'ok') return;
  const report = await verifyCompiledGene(sourceFile, compiled, {
    name: compiled.name,
    executor: corruptingExecutor(),
    ...(limits.maxFuel !== undefined ? { fuel: limits.maxFuel } : {}),
    ...(limits.maxTimeMs !== undefined ? { timeoutMs: limits.maxTimeMs } : {}),
    ...(limits.randomInputs !== undefined ? { randomInputs: limits.randomInputs } : {}),
  });
  entry.verify = { verdict: report.verdict, compared: report.compared, inconclusive: report.inconclusive, mismatches: report.mismatches.map((m) => ({ input: m.input, wasm: m.wasm, js: m.js })) };
}
