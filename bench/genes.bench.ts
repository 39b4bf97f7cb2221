import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { extractGenes } from '../src/core/genes';
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
  name: 'gene extraction',
  description: `extractGenes (parse, functions, scopes, purity with reasons, numeric inference, ids) over the ${corpus.length} corpus files (monaco-editor esm/vs/base/common/*.js, rxjs src/**/*.ts), against ts.createSourceFile alone (same arguments, parent pointers on) on the same files; goal ≤ 2.5×`,
  unit: 'ms',
  runs: 15,
  baseline: async () =>
    timed(() => {
      for (const { file, text } of corpus) ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    }),
  subject: async () =>
    timed(() => {
      for (const { file, text } of corpus) {
        const result = extractGenes(file, text);
        if (result.errors.length > 0) throw new Error(`${file}: ${result.errors[0]!.message}`);
      }
    }),
};
