import { resolve } from 'node:path';
import { WorkspacePurity } from '../src/core/genes/workspace-purity';
import { type Benchmark, timed } from './benchmark';
import { parseEach, readCorpus } from './genes-corpus';

const repoRoot = resolve(__dirname, '..', '..');
const corpus = readCorpus(repoRoot);

export const benchmark: Benchmark = {
  name: 'gene extraction across files (cold)',
  description: `every corpus file (${corpus.length}: monaco-editor esm/vs/base/common/*.js, rxjs src/**/*.ts) analysed with its imports decided from the summaries of the files they come from (resolved with TypeScript's module resolution, summaries computed lazily from nothing each run), against ts.createSourceFile alone on the same files; goal ≤ 2.5×`,
  unit: 'ms',
  runs: 9,
  baseline: async () => timed(() => parseEach(corpus)),
  subject: async () =>
    timed(() => {
      const workspace = new WorkspacePurity({ root: resolve(repoRoot, 'node_modules'), keepGenes: corpus.length });
      for (const { file } of corpus) {
        const result = workspace.analyse(file);
        if (result.genes.errors.length > 0) throw new Error(`${file}: ${result.genes.errors[0]!.message}`);
      }
    }),
};
