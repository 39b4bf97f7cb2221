import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Benchmark } from './benchmark';

const repoRoot = resolve(__dirname, '..', '..');
const host = join(repoRoot, 'out', 'bench', 'activation-host.js');
const ours = join(repoRoot, 'dist', 'extension.js');
const empty = join(mkdtempSync(join(tmpdir(), 'chimera-bench-')), 'empty-extension.js');
writeFileSync(empty, 'exports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n');

function activationMs(bundle: string): number {
  const output = execFileSync(process.execPath, [host, bundle], { encoding: 'utf8' });
  return (JSON.parse(output) as { ms: number }).ms;
}

export const benchmark: Benchmark = {
  name: 'extension activation',
  description: 'require() of dist/extension.js plus activate(), in a fresh Node process each run, against an empty extension loaded the same way',
  unit: 'ms',
  runs: 15,
  baseline: async () => activationMs(empty),
  subject: async () => activationMs(ours),
};
