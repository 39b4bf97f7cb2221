import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { compileGene } from '../src/core/compiler';
import { type Benchmark, summarize } from './benchmark';

const repoRoot = resolve(__dirname, '..', '..');
const fixtures = join(repoRoot, 'test/fixtures/void-sample/src/vs');

/** Our own genes, written as plain function declarations so AssemblyScript can take the same text (with f64/bool). */
const OWN_GENES = [
  'function smoothstep(edge0: number, edge1: number, x: number): number { const t = Math.min(Math.max((x - edge0) / (edge1 - edge0), 0), 1); return t * t * (3 - 2 * t); }',
  'function gcd(a: number, b: number): number { while (b !== 0) { const t = b; b = a % b; a = t; } return a; }',
  'function hash32(x: number): number { let h = x | 0; h = Math.imul(h ^ (h >>> 16), 0x45d9f3b); h = Math.imul(h ^ (h >>> 16), 0x45d9f3b); return (h ^ (h >>> 16)) >>> 0; }',
  'function isPowerOfTwo(n: number): boolean { return n > 0 && (n & (n - 1)) === 0; }',
  'function sumTo(n: number): number { let s = 0; for (let i = 1; i <= n; i++) { if (i % 3 === 0) continue; s += i; } return s; }',
  'function wrapAngle(a: number): number { let r = a % (2 * Math.PI); if (r < 0) r += 2 * Math.PI; return r; }',
];

/** The pure numeric function declarations of the fixture corpus. */
function fixtureGenes(): string[] {
  const genes: string[] = [];
  for (const file of ['base/common/numbers.ts', 'editor/common/easing.ts']) {
    const text = readFileSync(join(fixtures, file), 'utf8');
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    for (const statement of sourceFile.statements) {
      if (!ts.isFunctionDeclaration(statement) || !statement.body || !statement.name) continue;
      const declaration = text.slice(statement.modifiers ? statement.modifiers.end : statement.getStart(sourceFile), statement.end).trim();
      const probe = ts.createSourceFile('gene.ts', declaration, ts.ScriptTarget.ES2022, true);
      if (compileGene(probe, probe.statements[0] as ts.FunctionDeclaration).verdict === 'ok') genes.push(declaration);
    }
  }
  return genes;
}

const GENES = [...fixtureGenes(), ...OWN_GENES];
const asAssemblyScript = (gene: string) => `export ${gene.replace(/\bnumber\b/g, 'f64').replace(/\bboolean\b/g, 'bool')}`;

/**
 * Compile time per gene (the file is parsed once, as gene extraction already does), averaged over enough
 * repetitions to be measurable after a warm-up pass; the median over genes.
 */
function oursPerGeneMs(): number {
  const parsed = GENES.map((gene) => ts.createSourceFile('gene.ts', gene, ts.ScriptTarget.ES2022, true));
  const compileAll = (repetitions: number) =>
    parsed.map((sourceFile) => {
      const started = performance.now();
      for (let i = 0; i < repetitions; i++) {
        const result = compileGene(sourceFile, sourceFile.statements[0] as ts.FunctionDeclaration);
        if (result.verdict !== 'ok') throw new Error(`benchmark gene refused: ${result.reason}`);
      }
      return (performance.now() - started) / repetitions;
    });
  compileAll(50);
  return summarize(compileAll(500)).median;
}

interface Asc {
  compileString(sources: Record<string, string>, options: Record<string, unknown>): Promise<{ error: Error | null; binary?: Uint8Array }>;
}

let asc: Asc | undefined;
async function loadAsc(): Promise<Asc> {
  if (!asc) {
    // assemblyscript is ESM only; a dynamic import works from this CommonJS bundle.
    const specifier = 'assemblyscript/asc';
    const module = (await import(specifier)) as { default?: Asc } & Asc;
    asc = module.default ?? module;
    // Warm-up: the first compilation loads and JITs the compiler.
    await asc.compileString({ 'gene.ts': asAssemblyScript(OWN_GENES[0]!) }, { optimizeLevel: 0, runtime: 'stub' });
  }
  return asc;
}

async function ascPerGeneMs(): Promise<number> {
  const compiler = await loadAsc();
  const perGene: number[] = [];
  for (const gene of GENES) {
    const started = performance.now();
    const result = await compiler.compileString({ 'gene.ts': asAssemblyScript(gene) }, { optimizeLevel: 0, runtime: 'stub' });
    if (!result.error) perGene.push(performance.now() - started);
  }
  return summarize(perGene).median;
}

export const benchmark: Benchmark = {
  name: 'gene compilation',
  description: `median time per gene to compile ${GENES.length} pure numeric genes (fixture corpus and our own set) to WebAssembly with compileGene (on the parsed file, as the analysis has it), against AssemblyScript's in-process asc.compileString (warmed up, -O0, stub runtime) on the same genes with f64/bool types`,
  unit: 'ms per gene',
  runs: 3,
  baseline: ascPerGeneMs,
  subject: async () => oursPerGeneMs(),
};
