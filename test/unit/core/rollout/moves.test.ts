import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setEnvValues, writeEnvFile } from '../../../../src/core/flags/edit';
import { parseEnvDocument } from '../../../../src/core/flags/env-document';
import { readEnvFile } from '../../../../src/core/flags/read-env-file';
import { applyPhaseMove, planPhaseMove, rearm, rollBack, rollbackDrill } from '../../../../src/core/rollout/moves';
import { readRolloutLog } from '../../../../src/core/rollout/state';
import { loadRolloutSnapshot } from '../../../../src/core/rollout/workspace';

function workspace(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-rollout-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const options = { env: {}, machineId: 'test-machine' };

test('an edit changes only the lines it must: comments, quotes, CRLF and other lines stay byte for byte', () => {
  const text = '# Void flags\r\nCHIMERA_ENABLED="0"   # off\r\n\r\nOTHER=keep me\r\nexport DRY_RUN_MODE=1\r\n';
  const edit = setEnvValues(parseEnvDocument(text), { CHIMERA_ENABLED: '1', DRY_RUN_MODE: '0', WASM_EXEC_ENABLED: '1' });
  assert.equal(edit.text, '# Void flags\r\nCHIMERA_ENABLED="1"   # off\r\n\r\nOTHER=keep me\r\nexport DRY_RUN_MODE=0\r\nWASM_EXEC_ENABLED=1\r\n');
  assert.deepEqual(edit.changes.map((c) => [c.key, c.line, c.before, c.after]), [['CHIMERA_ENABLED', 2, '0', '1'], ['DRY_RUN_MODE', 5, '1', '0'], ['WASM_EXEC_ENABLED', 6, undefined, '1']]);
});

test('an edit of a duplicated key changes the occurrence in effect (the last), and nothing when the value is already right', () => {
  const text = 'CHIMERA_ENABLED=1\nCHIMERA_ENABLED=0';
  assert.equal(setEnvValues(parseEnvDocument(text), { CHIMERA_ENABLED: '1' }).text, 'CHIMERA_ENABLED=1\nCHIMERA_ENABLED=1');
  assert.deepEqual(setEnvValues(parseEnvDocument(text), { CHIMERA_ENABLED: '0' }).changes, []);
  assert.equal(setEnvValues(parseEnvDocument('A=1'), { B: '2' }).text, 'A=1\nB=2\n', 'a missing final newline is added before appending');
  assert.equal(setEnvValues(parseEnvDocument(''), { B: '2' }).text, 'B=2\n');
  assert.equal(setEnvValues(parseEnvDocument('EMPTY=\n'), { EMPTY: '1' }).text, 'EMPTY=1\n');
});

test('bad files get one clear diagnostic and contribute no flags: binary, too large, not UTF-8, a directory, missing', async () => {
  const dir = workspace({ binary: Buffer.from([0x43, 0x3d, 0x31, 0x00, 0xff]), latin1: Buffer.from('CHIMERA_ENABLED=1 # caf\xe9\n', 'latin1'), big: 'X'.repeat(10 * 1024 * 1024) });
  mkdirSync(join(dir, 'folder'));
  assert.equal((await readEnvFile(join(dir, 'binary'), '.env')).status === 'unusable' && 'binary-file', 'binary-file');
  const codes = await Promise.all(['binary', 'big', 'latin1', 'folder'].map(async (name) => {
    const read = await readEnvFile(join(dir, name), '.env');
    return read.status === 'unusable' ? read.diagnostic.code : read.status;
  }));
  assert.deepEqual(codes, ['binary-file', 'file-too-large', 'invalid-encoding', 'unreadable-file']);
  assert.equal((await readEnvFile(join(dir, 'nothing-here'), '.env')).status, 'missing');
  writeFileSync(join(dir, '.env'), Buffer.from('CHIMERA_ENABLED=1\nX=\xff\n', 'latin1'));
  const snapshot = await loadRolloutSnapshot(dir, options);
  assert.equal(snapshot.resolution.flags.CHIMERA_ENABLED.source, 'default', 'a non-UTF-8 .env turns nothing on');
  assert.ok(snapshot.diagnostics.some((d) => d.code === 'invalid-encoding'));
});

test('a concurrent edit is refused as a conflict value and nothing is written', async () => {
  const dir = workspace({ '.env': 'CHIMERA_ENABLED=0\n' });
  const written = await writeEnvFile(join(dir, '.env'), 'CHIMERA_ENABLED=1\n', { expected: 'CHIMERA_ENABLED=0 # stale read\n', backupDir: join(dir, 'b') });
  assert.equal(written.ok, false);
  assert.match(!written.ok ? written.conflict.message : '', /\.env changed on disk after Chimera read it/);
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'CHIMERA_ENABLED=0\n');
});

test('a phase move over a .env changed since the snapshot returns the conflict, writes nothing and logs nothing', async () => {
  const dir = workspace({ '.env': 'CHIMERA_ENABLED=1\nDRY_RUN_MODE=1\n', '.env.example': 'CHIMERA_ENABLED=0\nDRY_RUN_MODE=0\nCHIMERA_CANARY=1\nWASM_EXEC_ENABLED=0\nPROTEIN_HASH_ENABLED=0\nCHIMERA_FREEZE=0\nWASM_MAX_MEMORY=16MiB\nWASM_MAX_TIME=1000ms\nWASM_MAX_GAS=10000000\n' });
  const snapshot = await loadRolloutSnapshot(dir, options);
  const plan = await planPhaseMove(snapshot, 3, { confirmed: true, env: {} });
  writeFileSync(join(dir, '.env'), 'CHIMERA_ENABLED=1\nDRY_RUN_MODE=1 # edited meanwhile\n');
  const conflict = await applyPhaseMove(snapshot, plan, 'tester');
  assert.equal(conflict?.path, join(dir, '.env'));
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'CHIMERA_ENABLED=1\nDRY_RUN_MODE=1 # edited meanwhile\n');
  assert.deepEqual(await readRolloutLog(dir), []);
});

test('a rollback over a .env changed since the snapshot keeps the rollback state active and returns the conflict', async () => {
  const dir = workspace({ '.env': 'CHIMERA_ENABLED=1\n' });
  const snapshot = await loadRolloutSnapshot(dir, options);
  writeFileSync(join(dir, '.env'), 'CHIMERA_ENABLED=1 # edited meanwhile\n');
  const outcome = await rollBack(snapshot, { reason: 'test', who: 'tester' });
  assert.ok(outcome.conflict);
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'CHIMERA_ENABLED=1 # edited meanwhile\n');
  assert.equal((await loadRolloutSnapshot(dir, options)).features.analysis, false, 'the rollback state holds everything off');
});

test('moving to a phase writes exactly the flags of that phase, keeps a backup, completes .env.example and logs the move', async () => {
  const original = '# local\nCHIMERA_ENABLED=1\nDRY_RUN_MODE=1\n';
  const dir = workspace({ '.env': original, '.env.example': 'CHIMERA_ENABLED=0\n' });
  const snapshot = await loadRolloutSnapshot(dir, options);
  assert.equal(snapshot.phase.id, 1);
  const plan = await planPhaseMove(snapshot, 3, { confirmed: true, env: {} });
  assert.deepEqual(plan.env.changes.map((c) => `${c.key}=${c.after}`), ['DRY_RUN_MODE=0', 'CHIMERA_CANARY=0.10', 'WASM_EXEC_ENABLED=1']);
  assert.deepEqual(plan.checklist.filter((i) => i.kind === 'person').map((i) => i.status), ['confirmed', 'confirmed']);
  await applyPhaseMove(snapshot, plan, 'tester');
  const after = await loadRolloutSnapshot(dir, options);
  assert.equal(after.phase.id, 3);
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), '# local\nCHIMERA_ENABLED=1\nDRY_RUN_MODE=0\nCHIMERA_CANARY=0.10\nWASM_EXEC_ENABLED=1\n');
  const example = readFileSync(join(dir, '.env.example'), 'utf8');
  assert.match(example, /^CHIMERA_ENABLED=0\nCHIMERA_FREEZE=0\n/);
  assert.equal(after.diagnostics.filter((d) => d.file === '.env.example').length, 0, 'the completed example is clean');
  const log = await readRolloutLog(dir);
  assert.deepEqual(log.map((e) => [e.action, e.from, e.to, e.who]), [['phase-move', 1, 3, 'tester']]);
  const backups = readFileSync(join(dir, '.chimera', 'backups', (await import('node:fs')).readdirSync(join(dir, '.chimera', 'backups')).find((f) => f.startsWith('.env.2'))!), 'utf8');
  assert.equal(backups, original);
});

test('roll back now: features off in .env, the rollback state beats the environment, and only re-arming restores', async () => {
  const dir = workspace({ '.env': 'CHIMERA_ENABLED=1\nWASM_EXEC_ENABLED=1\nPROTEIN_HASH_ENABLED=1\n' });
  const shell = { ...options, env: { CHIMERA_ENABLED: '1', WASM_EXEC_ENABLED: '1' } };
  await rollBack(await loadRolloutSnapshot(dir, shell), { reason: 'error rate 2%', who: 'tester' });
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'CHIMERA_ENABLED=0\nWASM_EXEC_ENABLED=0\nPROTEIN_HASH_ENABLED=0\n');
  const rolled = await loadRolloutSnapshot(dir, shell);
  assert.equal(rolled.features.analysis, false);
  assert.equal(rolled.resolution.flags.CHIMERA_ENABLED.source, 'rollback');
  assert.equal(rolled.rollback?.reason, 'error rate 2%');
  await rearm(dir, 'tester');
  const rearmed = await loadRolloutSnapshot(dir, shell);
  assert.equal(rearmed.resolution.flags.CHIMERA_ENABLED.source, 'env');
  assert.deepEqual((await readRolloutLog(dir)).map((e) => e.action), ['rollback', 'rearm']);
});

test('a corrupt rollback state counts as rolled back: off is the safe side', async () => {
  const dir = workspace({ '.env': 'CHIMERA_ENABLED=1\n' });
  mkdirSync(join(dir, '.chimera'));
  writeFileSync(join(dir, '.chimera', 'rollback.json'), '{ not json');
  assert.equal((await loadRolloutSnapshot(dir, options)).features.analysis, false);
});

test('the rollback drill proves rollback on a copy, leaves the workspace untouched and records the result', async () => {
  const original = 'CHIMERA_ENABLED=1\r\nWASM_EXEC_ENABLED=1 # on\r\n';
  const dir = workspace({ '.env': original });
  const result = await rollbackDrill(dir, options, 'tester');
  assert.deepEqual(result.steps.map((s) => [s.name, s.ok]), [['flags resolve to disabled', true], ['features refuse to run', true], ['.env turned off', true], ['original restored', true]]);
  assert.equal(result.ok, true);
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), original);
  assert.equal(existsSync(join(dir, '.chimera', 'rollback.json')), false);
  const snapshot = await loadRolloutSnapshot(dir, options);
  const plan = await planPhaseMove(snapshot, 4, { confirmed: false, env: {} });
  assert.equal(plan.checklist.find((i) => i.id === 'rollback-tested')?.status, 'pass');
});
