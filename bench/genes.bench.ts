import { resolve } from 'node:path';
import { extractGenes } from '../src/core/genes';
import { type Benchmark, timed } from './benchmark';
import { parseEach, readCorpus } from './genes-corpus';

const repoRoot = resolve(__dirname, '..', '..');
const corpus = readCorpus(repoRoot);

export const benchmark: Benchmark = {
  name: 'gene extraction',
  description: `extractGenes (parse, functions, scopes, purity with reasons, numeric inference, ids) over the ${corpus.length} corpus files (monaco-editor esm/vs/base/common/*.js, rxjs src/**/*.ts), against ts.createSourceFile alone (same arguments, parent pointers on) on the same files; goal ≤ 2.5×`,
  unit: 'ms',
  runs: 15,
  baseline: async () => timed(() => parseEach(corpus)),
  subject: async () =>
    timed(() => {
      for (const { file, text } of corpus) {
        const result = extractGenes(file, text);
        if (result.errors.length > 0) throw new Error(`${file}: ${result.errors[0]!.message}`);
      }
    }),
};
