import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath, repoRoot } from '../../support/repo';

function sampleCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'chimera-cli-')), 'void-sample');
  cpSync(join(repoRoot, 'test', 'fixtures', 'void-sample'), dir, { recursive: true });
  return dir;
}

function chimera(cwd: string, ...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CHIMERA_|WASM_|DRY_RUN|PROTEIN_)/.test(k)));
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', env });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the CLI's JSON field by field, as any JSON consumer would
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) as Record<string, any> };
}

test('chimera flags --json reports flags with sources, the phase, the canary and diagnostics in the documented shape', () => {
  const dir = sampleCopy();
  const run = chimera(dir, 'flags', '--json', '--machine-id', 'machine-a');
  assert.equal(run.code, 0, run.stderr);
  const doc = run.json();
  assert.deepEqual(doc.flags.CHIMERA_ENABLED, { value: true, source: 'dotenv', raw: '1', valid: true });
  assert.deepEqual(doc.phase, { id: 1, nearest: 1, differences: [] });
  assert.deepEqual({ ...doc.canary, bucket: doc.canary.bucket.toFixed(8) }, { bucket: '0.55042913', fraction: 1, in: true, override: null }, 'the published vector for machine-a');
  assert.deepEqual(doc.diagnostics, []);
});

test('chimera flags exits 1 on an error diagnostic and points at the line and column', () => {
  const dir = sampleCopy();
  writeFileSync(join(dir, '.env'), 'CHIMERA_ENABLED=1\nCHIMERA_CANARY=1%\n');
  const run = chimera(dir, 'flags', '--json');
  assert.equal(run.code, 1);
  const [d] = run.json().diagnostics.filter((x: { code: string }) => x.code === 'canary-as-percent');
  assert.deepEqual([d.file, d.line, d.column, d.severity], ['.env', 2, 16, 'error']);
  assert.equal(run.json().flags.CHIMERA_CANARY.value, 0, 'an invalid canary means nobody');
});

test('the process environment outranks .env, as in the extension', () => {
  const dir = sampleCopy();
  const result = spawnSync(process.execPath, [cliPath, 'flags', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CHIMERA_FREEZE: '1' } });
  const doc = JSON.parse(result.stdout);
  assert.deepEqual([doc.flags.CHIMERA_FREEZE.source, doc.frozen, doc.features.analysis, doc.features.blockedBy], ['env', true, false, 'frozen']);
});

test('chimera phase set shows the change as a dry run, and applies it with --yes --force', () => {
  const dir = sampleCopy();
  const before = readFileSync(join(dir, '.env'), 'utf8');
  const dry = chimera(dir, 'phase', 'set', '4', '--json');
  assert.equal(dry.json().move.applied, false);
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), before);
  const applied = chimera(dir, 'phase', 'set', '4', '--yes', '--force', '--json');
  assert.equal(applied.code, 0, applied.stdout);
  assert.equal(applied.json().move.applied, true);
  assert.equal(chimera(dir, 'flags', '--json').json().phase.id, 4);
});

test('chimera rollback --drill passes on the sample, then rollback and rearm change what resolves', () => {
  const dir = sampleCopy();
  const drill = chimera(dir, 'rollback', '--drill', '--json');
  assert.equal(drill.code, 0, drill.stdout);
  assert.equal(drill.json().drill.ok, true);
  assert.equal(chimera(dir, 'rollback', '--reason', 'ci smoke', '--json').code, 0);
  const rolled = chimera(dir, 'flags', '--json').json();
  assert.equal(rolled.rollback.reason, 'ci smoke');
  assert.equal(rolled.flags.CHIMERA_ENABLED.source, 'rollback');
  assert.equal(chimera(dir, 'rearm').code, 0);
  assert.equal(chimera(dir, 'flags', '--json').json().rollback, null);
});

test('phase set with a bad argument is a usage error (exit 2)', () => {
  const run = chimera(sampleCopy(), 'phase', 'set', '7', '--json');
  assert.equal(run.code, 2);
  assert.equal(run.json().error.kind, 'usage');
});

test('commands run as a dry run whatever the flags say and report the rollout; --respect-flags refuses as the extension would', () => {
  const dir = sampleCopy();
  const dry = chimera(dir, '--json', 'run', 'src/vs/base/common/numbers.ts', 'clamp', '5', '0', '3');
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual([dry.json().value, dry.json().rollout.phase, dry.json().rollout.dryRun, dry.json().rollout.features.execution], [3, 1, true, false]);
  assert.match(dry.stderr, /would not allow this in the editor \(WASM_EXEC_ENABLED is off\)/);
  const refused = chimera(dir, '--json', '--respect-flags', 'run', 'src/vs/base/common/numbers.ts', 'clamp', '5', '0', '3');
  assert.equal(refused.code, 1);
  assert.deepEqual(refused.json().refused.stoppedBy, 'WASM_EXEC_ENABLED');
  const allowed = chimera(dir, '--json', '--respect-flags', 'genes', 'src/vs/base/common/numbers.ts');
  assert.equal(allowed.code, 0, 'Phase 1 allows analysis');
  writeFileSync(join(dir, '.env'), 'CHIMERA_ENABLED=1\nCHIMERA_FREEZE=1\n');
  assert.equal(chimera(dir, '--json', '--respect-flags', 'genes', 'src/vs/base/common/numbers.ts').json().refused.stoppedBy, 'CHIMERA_FREEZE');
});
