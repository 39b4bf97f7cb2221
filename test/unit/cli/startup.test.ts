import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { cliPath, repoRoot } from '../../support/repo';

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

function sampleCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'chimera-startup-')), 'void-sample');
  cpSync(join(repoRoot, 'test', 'fixtures', 'void-sample'), dir, { recursive: true });
  return dir;
}

/** Runs the CLI under a preloaded probe that records, at exit, the file name of every module the process loaded. */
function loadedModules(cwd: string, ...args: string[]): { code: number | null; modules: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-probe-'));
  const probe = join(dir, 'probe.js');
  const record = join(dir, 'modules.json');
  writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(Object.keys(require.cache))));\n`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CHIMERA_|WASM_|DRY_RUN|PROTEIN_)/.test(k)));
  const result = spawnSync(process.execPath, ['--require', probe, cliPath, ...args], { cwd, encoding: 'utf8', env });
  return { code: result.status, modules: (JSON.parse(readFileSync(record, 'utf8')) as string[]).map((path) => basename(path)) };
}

test('the CLI entry bundle carries no TypeScript compiler; the analysis bundle does', () => {
  const meta = JSON.parse(readFileSync(join(repoRoot, 'out', 'meta-dist.json'), 'utf8')) as Metafile;
  const entry = Object.keys(meta.outputs['dist/cli.js']?.inputs ?? {});
  assert.ok(entry.some((input) => input.endsWith('src/cli/main.ts')));
  // The module store and gateway client may come in (exec by CID needs them); the code that parses source may not.
  assert.deepEqual(entry.filter((input) => /node_modules\/typescript\/|src\/core\/(genes|compiler|protein|analysis)\//.test(input)), []);
  assert.ok(Object.keys(meta.outputs['dist/cli-analysis.js']?.inputs ?? {}).some((input) => input.includes('node_modules/typescript/')));
});

test('--version, --help, flags, phase and rollback run without loading the analysis bundle', () => {
  const workspace = sampleCopy();
  for (const args of [['--version'], ['--help'], ['help', 'check'], ['flags', '--json'], ['phase', 'set', '4', '--json'], ['phase', 'set', '4', '--yes', '--force'], ['rollback', '--drill', '--json'], ['rollback', '--reason', 'startup test']]) {
    const { code, modules } = loadedModules(workspace, ...args);
    assert.ok(code === 0 || code === 1, `chimera ${args.join(' ')} exited ${code}`);
    assert.ok(modules.includes('cli.js'), `the probe saw no cli.js for ${args.join(' ')}`);
    assert.ok(!modules.includes('cli-analysis.js'), `chimera ${args.join(' ')} loaded the analysis bundle`);
  }
});

test('a command that parses code loads the analysis bundle and answers as before', () => {
  const workspace = sampleCopy();
  const { code, modules } = loadedModules(workspace, 'hash', 'src/vs/base/common/numbers.ts', '--json');
  assert.equal(code, 0);
  assert.ok(modules.includes('cli-analysis.js'));
});
