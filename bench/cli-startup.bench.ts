import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Benchmark } from './benchmark';

const repoRoot = resolve(__dirname, '..', '..');
const cli = join(repoRoot, 'dist', 'cli.js');
const workspace = join(mkdtempSync(join(tmpdir(), 'chimera-bench-')), 'void-sample');
cpSync(join(repoRoot, 'test', 'fixtures', 'void-sample'), workspace, { recursive: true });

/** Wall time of one fresh Node process, from spawn to exit. */
function processMs(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: workspace, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const startup = (label: string, args: string[]): Benchmark => ({
  name: `CLI start-up: chimera ${label}`,
  description: `\`chimera ${label}\` (dist/cli.js, which loads the TypeScript compiler's bundle dist/cli-analysis.js only for commands that parse code) in a fresh Node process each run, spawn to exit, against a bare \`node -e 0\`; goal ≤ 150 ms or ≤ 4×`,
  unit: 'ms',
  runs: 15,
  baseline: async () => processMs(['-e', '0']),
  subject: async () => processMs([cli, ...args]),
});

export const benchmarks: Benchmark[] = [startup('--version', ['--version']), startup('flags', ['flags', '--json'])];
