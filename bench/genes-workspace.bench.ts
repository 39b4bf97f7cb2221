import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { WorkspacePurity } from '../src/core/genes/workspace-purity';
import type { Benchmark } from './benchmark';
import { corpusFiles } from './genes-corpus';

const repoRoot = resolve(__dirname, '..', '..');
const corpus = corpusFiles(repoRoot).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

function timed(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

export const benchmark: Benchmark = {
  name: 'gene extraction across files (cold)',
  description: `every corpus file (${corpus.length}: monaco-editor esm/vs/base/common/*.js, rxjs src/**/*.ts) analysed with its imports decided from the summaries of the files they come from (resolved with TypeScript's module resolution, summaries computed lazily from nothing each run), against ts.createSourceFile alone on the same files; goal ≤ 2.5×`,
  unit: 'ms',
  runs: 9,
  baseline: async () =>
    timed(() => {
      for (const { file, text } of corpus) ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    }),
  subject: async () =>
    timed(() => {
      const workspace = new WorkspacePurity({ root: resolve(repoRoot, 'node_modules'), keepGenes: corpus.length });
      for (const { file } of corpus) {
        const result = workspace.analyse(file);
        if (result.genes.errors.length > 0) throw new Error(`${file}: ${result.genes.errors[0]!.message}`);
      }
    }),
};
