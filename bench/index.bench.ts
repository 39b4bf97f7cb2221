// The workspace gene index at Void size (issue 14's budgets): first build, host main thread, load after reload, query.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import ts from 'typescript';
import { AnalysisWorker } from '../src/core/analysis/worker-client';
import type { IndexBuildSummary } from '../src/core/analysis/protocol';
import { selectFiles } from '../src/core/check/walk';
import { decodeIndex } from '../src/core/protein/index-file';
import type { Benchmark } from './benchmark';

const repoRoot = resolve(__dirname, '..', '..');
const workerScript = join(repoRoot, 'dist', 'analysis-worker.js');
/** monaco-editor's esm/vs (VS Code's editor code) copied this often: over 100,000 functions. */
const COPIES = 2;

interface Setup {
  workspace: string;
  indexFile: string;
  files: string[];
  build?: IndexBuildSummary & { ok: true };
  host?: { longestMs: number; blockingMs: number; heapMb: number; floor: { longestMs: number; blockingMs: number } };
  query?: { file: string; name: string; protein: { digest: string; vector: number[] } };
}

let setup: Setup | undefined;

/** CHIMERA_INDEX_BENCH_WORKSPACE (e.g. a Void checkout) or the replicated monaco tree; the index goes to a temporary folder. */
async function prepare(): Promise<Setup> {
  if (setup) return setup;
  let workspace = process.env.CHIMERA_INDEX_BENCH_WORKSPACE;
  if (!workspace || !existsSync(workspace)) {
    workspace = mkdtempSync(join(tmpdir(), 'chimera-index-bench-'));
    for (let copy = 1; copy <= COPIES; copy++) cpSync(join(repoRoot, 'node_modules', 'monaco-editor', 'esm', 'vs'), join(workspace, `copy-${copy}`, 'vs'), { recursive: true });
  }
  const selection = await selectFiles(workspace, [], []);
  if ('error' in selection) throw new Error(selection.error);
  setup = { workspace, indexFile: join(mkdtempSync(join(tmpdir(), 'chimera-index-bench-out-')), 'genes.idx'), files: selection.files };
  return setup;
}

/** The host thread's event loop watched: its longest delay, and the lateness of a 1 ms timer beyond 1 ms, summed. */
function watchHost(): () => { longestMs: number; blockingMs: number } {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // The time the host's thread was busy (or starved of the CPU).
  let blocking = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    blocking += Math.max(0, now - last - 1 - 1);
    last = now;
  }, 1);
  return () => {
    clearInterval(ticker);
    delay.disable();
    return { longestMs: delay.max / 1e6, blockingMs: blocking };
  };
}

/** How long the floor is watched with nothing running: this shared machine delays a timer without any build. */
const FLOOR_MS = 10_000;

/** The host's side of a build: it only waits for the worker; its event loop's delays are what a user would feel. */
async function hostBuild(s: Setup): Promise<number> {
  rmSync(s.indexFile, { force: true });
  const idle = watchHost();
  await new Promise((resolve) => setTimeout(resolve, FLOOR_MS));
  const floor = idle();
  const worker = new AnalysisWorker(workerScript);
  await worker.describe();
  const heapBefore = process.memoryUsage().heapUsed;
  const watched = watchHost();
  const started = performance.now();
  const summary = await worker.call('indexBuild', { workspace: s.workspace, indexFile: s.indexFile, workerScript, excludes: [], maxFiles: 1_000_000, progress: new SharedArrayBuffer(8) }).result;
  const ms = performance.now() - started;
  const host = watched();
  await worker.dispose();
  if (!summary.ok) throw new Error(summary.error);
  s.build = summary;
  // The floor scaled to the build's length: what the host would have lost over as long without a build.
  s.host = { ...host, heapMb: (process.memoryUsage().heapUsed - heapBefore) / 1e6, floor: { longestMs: floor.longestMs, blockingMs: (floor.blockingMs * ms) / FLOOR_MS } };
  const index = decodeIndex(readFileSync(s.indexFile))!;
  // A gene from the middle of the workspace, as an analysis would send it (its stored protein).
  const g = index.arrays.fileStart[index.files >> 1]!;
  const f = index.arrays.files.findIndex((_, i) => index.arrays.fileStart[i + 1]! > g);
  const stored = index.stored(g);
  s.query = { file: index.arrays.files[f]!, name: index.arrays.names[g]!, protein: { digest: 'bench-query', vector: Array.from(stored.vector) } };
  return ms / 1000;
}

const perHundredThousand = (s: Setup) => (s.build ? ((s.build.bytes / s.build.genes) * 100_000) / 1e6 : 0);

export const benchmarks: Benchmark[] = [
  {
    name: 'gene index: first full build',
    get description() {
      const s = setup;
      return `indexBuild in the analysis worker (a pool of a worker per core, at nice 10 on Linux; each file's genes come back as one transferred compact block) over ${s?.files.length ?? '?'} files of ${process.env.CHIMERA_INDEX_BENCH_WORKSPACE ?? `monaco-editor esm/vs ×${COPIES}`}${s?.build ? ` — ${s.build.genes} genes, ${(s.build.bytes / 1e6).toFixed(1)} MB on disk (${perHundredThousand(s).toFixed(1)} MB per 100,000 genes; goal ≤ 25)` : ''}; the host thread meanwhile: longest task ${s?.host?.longestMs.toFixed(0) ?? '?'} ms (goal ≤ 50), total blocking ${s?.host?.blockingMs.toFixed(0) ?? '?'} ms (goal ≤ 1000; the same watch with no build, just before, scaled to as long: longest ${s?.host?.floor.longestMs.toFixed(0) ?? '?'} ms, blocking ${s?.host?.floor.blockingMs.toFixed(0) ?? '?'} ms), heap +${s?.host?.heapMb.toFixed(1) ?? '?'} MB (goal ≤ 50); against ts.createSourceFile of every file on one thread; goal ≤ 40 s on 2 cores`;
    },
    unit: 's',
    runs: 1,
    baseline: async () => {
      const s = await prepare();
      const started = performance.now();
      for (const file of s.files) ts.createSourceFile(file, await readFile(join(s.workspace, file), 'utf8'), ts.ScriptTarget.Latest, true);
      return (performance.now() - started) / 1000;
    },
    subject: async () => hostBuild(await prepare()),
  },
  {
    name: 'gene index: load after reload',
    description: 'the first query to a fresh analysis worker: the persisted index read, checked (sha-256), inflated and viewed in place, then queried; against reading the same file; goal ≤ 1,000 ms',
    unit: 'ms',
    runs: 5,
    baseline: async () => {
      const s = await prepare();
      const started = performance.now();
      await readFile(s.indexFile);
      return performance.now() - started;
    },
    subject: async () => {
      const s = await prepare();
      if (!s.build) await hostBuild(s);
      const worker = new AnalysisWorker(workerScript);
      await worker.describe();
      try {
        const started = performance.now();
        const answer = await worker.call('indexQuery', { indexFile: s.indexFile, ...s.query! }).result;
        if (!answer.ready) throw new Error('no index to load');
        return performance.now() - started;
      } finally {
        await worker.dispose();
      }
    },
  },
  {
    name: 'gene index: one query',
    description: 'one Find Similar query to the worker holding the index (round trip from the host), against a plain float64 dot-product scan of the same number of shallow sections (what the exact index did); goal ≤ 50 ms',
    unit: 'ms',
    runs: 15,
    baseline: async () => {
      const s = await prepare();
      const n = s.build?.genes ?? 100_000;
      const vectors = new Float64Array(n * 128).fill(0.01);
      const q = new Float64Array(128).fill(0.01);
      const started = performance.now();
      let best = 0;
      for (let g = 0; g < n; g++) {
        let dot = 0;
        for (let i = 0; i < 128; i++) dot += q[i]! * vectors[g * 128 + i]!;
        best = Math.max(best, dot);
      }
      if (best < 0) throw new Error('unreachable');
      return performance.now() - started;
    },
    subject: (() => {
      let worker: AnalysisWorker | undefined;
      return async () => {
        const s = await prepare();
        if (!s.build) await hostBuild(s);
        if (!worker) {
          worker = new AnalysisWorker(workerScript);
          await worker.call('indexQuery', { indexFile: s.indexFile, ...s.query! }).result;
        }
        const started = performance.now();
        await worker.call('indexQuery', { indexFile: s.indexFile, ...s.query! }).result;
        return performance.now() - started;
      };
    })(),
  },
];
