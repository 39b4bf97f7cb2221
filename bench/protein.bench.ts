import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { corpusGenes } from '../test/support/protein-calibration';
import { cosine, proteinHash, SimilarityIndex, type Protein } from '../src/core/protein';
import type { Benchmark } from './benchmark';

const repoRoot = resolve(__dirname, '..', '..');

function corpus(): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push({ name: path, text: readFileSync(path, 'utf8') });
    }
  };
  walk(join(repoRoot, 'node_modules', 'rxjs', 'src', 'internal'));
  walk(join(repoRoot, 'node_modules', 'monaco-editor', 'esm', 'vs', 'base', 'common'));
  return files;
}

const genes = corpusGenes(corpus(), 1, Number.POSITIVE_INFINITY);
const texts = genes.map((gene) => gene.sourceFile.text);

function microsecondsPerGene(work: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < genes.length; i++) work(i);
  return Number(process.hrtime.bigint() - start) / 1000 / genes.length;
}

export const benchmark: Benchmark = {
  name: 'protein hash',
  description: `proteinHash (normalize, Weisfeiler–Lehman digest and vector, behaviour) per gene over ${genes.length} rxjs and monaco base/common functions, against ts.createSourceFile parsing the same gene's text`,
  unit: 'µs/gene',
  runs: 9,
  baseline: async () => microsecondsPerGene((i) => ts.createSourceFile('gene.ts', texts[i]!, ts.ScriptTarget.Latest, true)),
  subject: async () => microsecondsPerGene((i) => proteinHash(genes[i]!.sourceFile, genes[i]!.node, { selfName: genes[i]!.selfName })),
};

/** The workspace index at 10,000 genes: the corpus's proteins repeated under distinct ids. */
const INDEX_SIZE = 10_000;
let indexed: { index: SimilarityIndex; proteins: Protein[] } | undefined;
function workspaceIndex(): { index: SimilarityIndex; proteins: Protein[] } {
  if (indexed) return indexed;
  const proteins = genes.map((gene) => proteinHash(gene.sourceFile, gene.node, { selfName: gene.selfName }));
  const index = new SimilarityIndex();
  for (let i = 0; i < INDEX_SIZE; i++) index.add(`gene${i}`, proteins[i % proteins.length]!);
  indexed = { index, proteins };
  return indexed;
}
const QUERIES = 50;

function millisecondsPerQuery(work: (protein: Protein) => void): number {
  const { proteins } = workspaceIndex();
  const start = process.hrtime.bigint();
  for (let q = 0; q < QUERIES; q++) work(proteins[(q * 97) % proteins.length]!);
  return Number(process.hrtime.bigint() - start) / 1e6 / QUERIES;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'protein index query',
    description: `SimilarityIndex.query (genes at least similar, ranked) over ${INDEX_SIZE.toLocaleString('en')} genes, against a plain loop computing the full-vector cosine of every gene`,
    unit: 'ms/query',
    runs: 9,
    baseline: async () => {
      const { proteins } = workspaceIndex();
      return millisecondsPerQuery((query) => {
        let hits = 0;
        for (let i = 0; i < INDEX_SIZE; i++) if (cosine(query.vector, proteins[i % proteins.length]!.vector) >= 0.85) hits++;
        if (hits < 0) throw new Error('unreachable');
      });
    },
    subject: async () => millisecondsPerQuery((query) => workspaceIndex().index.query(query, { atLeast: 'similar', limit: 20 })),
  },
];
