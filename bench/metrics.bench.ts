// Cost of the chimera_* metrics on the hot path, and memory of the registry after 100,000 observations.
// Run alone: node out/bench/metrics.bench.js (prints both); `npm run bench` picks up `benchmark`.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ts from 'typescript';
import { OPS } from '../src/core/metrics/plan';
import { createChimeraMetrics } from '../src/core/metrics/registry';
import { LocalSampler } from '../src/core/metrics/sampler';
import type { Benchmark } from './benchmark';

const repoRoot = resolve(__dirname, '..', '..');
const fixtureDir = join(repoRoot, 'test', 'fixtures', 'void-sample', 'src', 'vs', 'base', 'common');
const sources = readdirSync(fixtureDir).filter((name) => name.endsWith('.ts')).map((name) => readFileSync(join(fixtureDir, name), 'utf8'));

/** A representative unit of analysis work: parse a Void source file and count the function-like nodes, as gene extraction does. */
function analyze(text: string): number {
  const file = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true);
  let functions = 0;
  const stack: ts.Node[] = [file];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (ts.isFunctionLike(node)) functions++;
    node.forEachChild((child) => void stack.push(child));
  }
  return functions;
}

const UNITS = 100;
const metrics = createChimeraMetrics();
let sink = 0;

/** One unit: the sample workspace analysed file by file, with no metrics. */
function withoutMetrics(): number {
  const start = performance.now();
  for (let i = 0; i < UNITS; i++) for (const text of sources) sink += analyze(text);
  return performance.now() - start;
}

/** The same work, observed as an analysis would: per file an extraction and its duration, per unit a compile and a hash. */
function withMetrics(): number {
  const start = performance.now();
  for (let i = 0; i < UNITS; i++) {
    let total = 0;
    for (const text of sources) {
      const began = performance.now();
      const found = analyze(text);
      total += found;
      metrics.observe('extract', (performance.now() - began) / 1000);
      metrics.geneExtraction(found > 0);
    }
    sink += total;
    metrics.observe('compile', 0.002, { error: i % 97 === 0 });
    metrics.observe('hash', 0.0005);
  }
  return performance.now() - start;
}

export const benchmark: Benchmark = {
  name: 'metrics on the hot path',
  description: `${UNITS} analyses of the sample workspace (TypeScript parse and walk of each Void fixture file) with the chimera_* observations an analysis makes (per file: extract duration and result; per run: compile, hash), against the same analyses without metrics; goal ratio < 1.02`,
  unit: 'ms',
  runs: 21,
  baseline: async () => withoutMetrics(),
  subject: async () => withMetrics(),
};

/** Heap growth (MB) of a registry plus a 1 s local sampler after `observations`, measured in a fresh process with forced GC. */
export function registryMemoryMb(observations: number): number {
  const output = execFileSync(process.execPath, ['--expose-gc', __filename], { encoding: 'utf8', env: { ...process.env, CHIMERA_BENCH_MEMORY: String(observations) } });
  return (JSON.parse(output) as { mb: number }).mb;
}

async function measureMemoryInThisProcess(observations: number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const before = process.memoryUsage().heapUsed;
  const subject = createChimeraMetrics();
  let now = 0;
  const sampler = new LocalSampler(subject, { intervalMs: 1000, now: () => now });
  for (let i = 0; i < observations; i++) {
    subject.observe(OPS[i % OPS.length]!, (i % 1000) / 1000, { error: i % 100 === 0 });
    if (i % 100 === 0) subject.securityViolation('forbidden-import');
    // One sample per simulated second at 100 observations/s, as the extension would keep.
    if (i % 100 === 0) {
      now += 1;
      await sampler.record();
    }
  }
  gc();
  const mb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  // Keep both reachable until after the measurement, or the GC above would collect them.
  sink += sampler.samples().length + (subject.registry.getMetricsAsArray().length > 0 ? 1 : 0);
  return mb;
}

if (process.env.CHIMERA_BENCH_MEMORY) {
  void measureMemoryInThisProcess(Number(process.env.CHIMERA_BENCH_MEMORY)).then((mb) => process.stdout.write(JSON.stringify({ mb })));
} else if (require.main === module) {
  void (async () => {
    const base: number[] = [];
    const ours: number[] = [];
    for (let run = 0; run < benchmark.runs; run++) {
      base.push(await benchmark.baseline());
      ours.push(await benchmark.subject());
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    process.stdout.write(`hot path: without ${median(base).toFixed(1)} ms, with ${median(ours).toFixed(1)} ms, ratio ${(median(ours) / median(base)).toFixed(3)}\n`);
    if (sink < 0) process.stdout.write('unreachable: keeps the analyses from being optimised away\n');
    for (const n of [10_000, 100_000, 300_000, 1_000_000]) process.stdout.write(`registry + sampler heap after ${n} observations: ${registryMemoryMb(n).toFixed(2)} MB\n`);
  })();
}
