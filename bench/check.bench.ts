import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { type CheckReport, runCheck } from '../src/core/check';
import type { Benchmark } from './benchmark';
import { corpusFiles } from './genes-corpus';

const repoRoot = resolve(__dirname, '..', '..');
// What `chimera check` ships: verification in the sandbox, modules kept by CID under the cache.
const workerScript = join(repoRoot, 'dist', 'check-worker.js');
const modules = join(repoRoot, 'node_modules');
const files = corpusFiles(repoRoot);

/** The corpus as a workspace (node_modules is never checked), with the sample's flags files so the flags area is clean. */
const workspace = mkdtempSync(join(tmpdir(), 'chimera-check-bench-'));
for (const file of files) {
  const target = join(workspace, 'corpus', relative(modules, file));
  mkdirSync(join(target, '..'), { recursive: true });
  cpSync(file, target);
}
for (const name of ['.env', '.env.example']) writeFileSync(join(workspace, name), readFileSync(join(repoRoot, 'test', 'fixtures', 'void-sample', name)));
const texts = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const warmCache = mkdtempSync(join(tmpdir(), 'chimera-check-bench-cache-'));
let last: CheckReport | undefined;

async function timedCheck(cacheDir: string): Promise<number> {
  const start = performance.now();
  // promtool is an external program with a fixed cost (about 2 s for `test rules`): left out of the ratio.
  const outcome = await runCheck({ workspace, workspaceOptions: { env: {}, machineId: 'bench' }, cacheDir, modulesDir: join(cacheDir, 'modules'), workerScript, promtool: null });
  const ms = performance.now() - start;
  if (!outcome.ok) throw new Error(outcome.error);
  if (outcome.report.stats.mismatches > 0 || !outcome.report.ok) throw new Error(`chimera check found problems in the corpus: ${JSON.stringify(outcome.report.findings.slice(0, 3))}`);
  last = outcome.report;
  return ms;
}

async function parseOnly(): Promise<number> {
  const start = performance.now();
  for (const { file, text } of texts) ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  return performance.now() - start;
}

const stats = () => (last ? `; last run: ${last.stats.files} files, ${last.stats.genes} genes found, ${last.stats.pure} pure, ${last.stats.compiled} compiled, ${last.stats.verified} verified, ${last.stats.mismatches} mismatches, ${last.jobs} workers` : '');

export const benchmarks: Benchmark[] = [
  {
    name: 'chimera check (cold)',
    get description() {
      return `runCheck over the ${files.length} corpus files (monaco-editor esm/vs/base/common, rxjs src) with an empty cache — flags, genes extracted, compiled and verified in the sandbox (modules kept by CID) on a worker per core, monitoring export, rollback drill; promtool left out — against ts.createSourceFile over the same files in the same run; goal ≤ 4×${stats()}`;
    },
    unit: 'ms',
    runs: 5,
    baseline: parseOnly,
    subject: async () => {
      const cache = mkdtempSync(join(tmpdir(), 'chimera-check-bench-cold-'));
      try {
        return await timedCheck(cache);
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'chimera check (warm)',
    get description() {
      return `the same check again over the unchanged corpus: every file answered from the cache pack (an unchanged stat signature stands for the content hash; keyed by tool version and settings), flags, monitoring and the rollback drill run in full, against the same parse-only baseline; goal ≤ 0.2×${stats()}${last ? ` (${last.stats.cached} from cache, ${last.stats.analysed} analysed)` : ''}`;
    },
    unit: 'ms',
    runs: 9,
    baseline: parseOnly,
    subject: async () => {
      if (!last || last.stats.files !== last.stats.cached) await timedCheck(warmCache);
      return timedCheck(warmCache);
    },
  },
];
