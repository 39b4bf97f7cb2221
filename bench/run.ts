// `npm run bench`: every bench/*.bench.ts, subject and baseline interleaved, reported as ratios of medians.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { type Benchmark, type SessionBenchmark, type Summary, summarize } from './benchmark';

const repoRoot = resolve(__dirname, '..', '..');

interface Result {
  name: string;
  description: string;
  unit: string;
  runs: number;
  baseline: Summary;
  subject: Summary;
  ratio: number;
  /** Which statistic the ratio compares; absent means the medians. */
  ratioOf?: 'p95';
}

async function measure(benchmark: Benchmark): Promise<Result> {
  const baseline: number[] = [];
  const subject: number[] = [];
  await benchmark.warmup?.();
  // Interleaved, so that a noisy neighbour on this shared machine hits both sides alike.
  for (let run = 0; run < benchmark.runs; run++) {
    baseline.push(await benchmark.baseline());
    subject.push(await benchmark.subject());
  }
  const b = summarize(baseline);
  const s = summarize(subject);
  return { name: benchmark.name, description: benchmark.description, unit: benchmark.unit, runs: benchmark.runs, baseline: b, subject: s, ratio: s.median / b.median };
}

async function measureSession(benchmark: SessionBenchmark): Promise<Result> {
  const samples = await benchmark.session();
  const b = summarize(samples.baseline);
  const s = summarize(samples.subject);
  const ratio = benchmark.ratio === 'p95' ? s.p95 / b.p95 : s.median / b.median;
  const description = samples.description ?? benchmark.description;
  return { name: benchmark.name, description, unit: benchmark.unit, runs: benchmark.runs, baseline: b, subject: s, ratio, ...(benchmark.ratio === 'p95' ? { ratioOf: 'p95' as const } : {}) };
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const cell = (s: Summary) => `${fmt(s.min)} / ${fmt(s.median)} / ${fmt(s.p95)} / ${fmt(s.max)}`;

function markdown(results: Result[]): string {
  return [
    '# Benchmark results',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, by \`npm run bench\`.`,
    'Each row: min / median / P95 / max over the runs; the ratio is median(ours) / median(baseline), both measured in the same run (P95(ours) / P95(baseline) where the row says so).',
    '',
    '| benchmark | runs | baseline | ours | ratio |',
    '|---|---|---|---|---|',
    ...results.map((r) => `| ${r.name} (${r.unit}) | ${r.runs} | ${cell(r.baseline)} | ${cell(r.subject)} | ${r.ratio.toFixed(2)}× |`),
    '',
    ...results.map((r) => `- **${r.name}**: ${r.description}${r.ratioOf === 'p95' ? '; the ratio is P95(ours) / P95(baseline)' : ''}.`),
    '',
    handMeasured(),
  ].join('\n');
}

/** Figures no bench row can produce here (they need a Void checkout or a person's labels): kept in bench/notes.md. */
function handMeasured(): string {
  try {
    return readFileSync(join(repoRoot, 'bench', 'notes.md'), 'utf8');
  } catch {
    return '';
  }
}

function mergeResults(file: string, fresh: Result[]): Result[] {
  let previous: Result[];
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as Result[];
  } catch {
    previous = [];
  }
  const names = new Set(fresh.map((r) => r.name));
  return [...previous.filter((r) => !names.has(r.name)), ...fresh];
}

async function main(): Promise<void> {
  const dir = __dirname;
  const files = readdirSync(dir).filter((name) => name.endsWith('.bench.js')).sort();
  const only = process.argv[2];
  const results: Result[] = [];
  for (const file of files) {
    // A file exports one `benchmark`, or several as `benchmarks`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the benchmark files are found at run time
    const loaded = require(join(dir, file)) as { benchmark?: Benchmark | SessionBenchmark; benchmarks?: (Benchmark | SessionBenchmark)[] };
    for (const benchmark of [...(loaded.benchmark ? [loaded.benchmark] : []), ...(loaded.benchmarks ?? [])]) {
      if (only && !benchmark.name.includes(only)) continue;
      process.stderr.write(`[bench] ${benchmark.name}…\n`);
      const result = 'session' in benchmark ? await measureSession(benchmark) : await measure(benchmark);
      process.stderr.write(`[bench] ${benchmark.name}: ours ${fmt(result.subject.median)} ${result.unit}, baseline ${fmt(result.baseline.median)} ${result.unit}, ratio ${result.ratio.toFixed(2)}×\n`);
      results.push(result);
    }
  }
  // A filtered run (`npm run bench -- NAME`) updates its rows and keeps the others.
  const all = only ? mergeResults(join(repoRoot, 'bench', 'results.json'), results) : results;
  writeFileSync(join(repoRoot, 'bench', 'results.json'), `${JSON.stringify(all, null, 2)}\n`);
  writeFileSync(join(repoRoot, 'bench', 'results.md'), markdown(all));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
