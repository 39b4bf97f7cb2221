import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { corpusGenes } from '../test/support/protein-calibration';
import { cosine, listFunctions, proteinHash, SimilarityIndex, type Protein } from '../src/core/protein';
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

/** monaco-editor's esm/vs (VS Code's own editor code), parsed once; the bundled TypeScript compiler (one 40,000-line function) is not VS Code code and is left out. */
let vscodeScale: { files: { name: string; text: string }[]; functions: { sourceFile: ts.SourceFile; node: ts.FunctionLikeDeclaration; selfName: string | undefined }[] } | undefined;
function vscodeCorpus(): NonNullable<typeof vscodeScale> {
  if (vscodeScale) return vscodeScale;
  const files: { name: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js') && !path.includes(join('typescript', 'lib'))) files.push({ name: path, text: readFileSync(path, 'utf8') });
    }
  };
  walk(join(repoRoot, 'node_modules', 'monaco-editor', 'esm', 'vs'));
  const functions = files.flatMap((file) => {
    const sourceFile = ts.createSourceFile(file.name, file.text, ts.ScriptTarget.Latest, true);
    return listFunctions(sourceFile).map((fn) => ({ sourceFile, node: fn.node, selfName: fn.selfName }));
  });
  vscodeScale = { files, functions };
  return vscodeScale;
}

/** Per-function average (µs) and slowest function (ms) of one pass over the corpus, and the same for parsing its files. */
function pass(kind: 'hash' | 'parse'): { averageUs: number; maxMs: number } {
  const { files, functions } = vscodeCorpus();
  let total = 0;
  let max = 0;
  const time = (work: () => void) => {
    const start = process.hrtime.bigint();
    work();
    const ns = Number(process.hrtime.bigint() - start);
    total += ns;
    max = Math.max(max, ns);
  };
  if (kind === 'hash') for (const fn of functions) time(() => proteinHash(fn.sourceFile, fn.node, { selfName: fn.selfName }));
  else for (const file of files) time(() => ts.createSourceFile(file.name, file.text, ts.ScriptTarget.Latest, true));
  return { averageUs: total / 1000 / functions.length, maxMs: max / 1e6 };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'protein hash, VS Code-scale corpus, average',
    description: 'proteinHash of every function listFunctions finds in monaco-editor esm/vs (VS Code\'s editor code, 1,240 files, ~33,000 functions, without the bundled TypeScript compiler), µs per function, against ts.createSourceFile of all those files divided by the same number of functions; goal ≤ 100 µs',
    unit: 'µs/function',
    runs: 3,
    baseline: async () => pass('parse').averageUs,
    subject: async () => pass('hash').averageUs,
  },
  {
    name: 'protein hash, VS Code-scale corpus, slowest function',
    description: 'the slowest single proteinHash over the same corpus in one pass, against the slowest ts.createSourceFile of one of its files; goal ≤ 20 ms',
    unit: 'ms',
    runs: 3,
    baseline: async () => pass('parse').maxMs,
    subject: async () => pass('hash').maxMs,
  },
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
