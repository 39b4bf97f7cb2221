import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRollbackState } from '../../../../src/core/rollout/state';
import { loadRolloutSnapshot, watchedFilesGlob } from '../../../../src/core/rollout/workspace';

function workspaceWithRollback(content: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-state-'));
  writeFileSync(join(dir, '.env'), 'CHIMERA_ENABLED=1\n');
  if (content !== undefined) {
    mkdirSync(join(dir, '.chimera'));
    writeFileSync(join(dir, '.chimera', 'rollback.json'), content);
  }
  return dir;
}

const options = { env: {}, machineId: 'test-machine' };

test('only a missing rollback file means "no rollback"', async () => {
  const dir = workspaceWithRollback(undefined);
  assert.equal(await readRollbackState(dir), undefined);
  assert.equal((await loadRolloutSnapshot(dir, options)).features.analysis, true);
});

test('a well-formed rollback state is read as written, active or re-armed', async () => {
  const active = { active: true, reason: 'error rate', trigger: 'error-rate', at: '2026-01-01T00:00:00.000Z', by: 'tester', values: { errorRate: 0.02 } };
  assert.deepEqual(await readRollbackState(workspaceWithRollback(JSON.stringify(active))), active);
  const rearmed = { active: false, reason: 're-armed', trigger: 'manual', at: '2026-01-01T00:00:00.000Z', by: 'tester' };
  const dir = workspaceWithRollback(JSON.stringify(rearmed));
  assert.deepEqual(await readRollbackState(dir), rearmed);
  assert.equal((await loadRolloutSnapshot(dir, options)).features.analysis, true);
});

for (const [name, content] of [
  ['not JSON', '{ not json'],
  ['JSON of the wrong shape (active is a string)', JSON.stringify({ active: 'false', reason: 'x', trigger: 'manual', at: '', by: 'x' })],
  ['JSON of the wrong shape (fields missing)', JSON.stringify({ active: false })],
  ['JSON that is not an object', '[false]'],
  ['values that are not numbers', JSON.stringify({ active: false, reason: 'x', trigger: 'manual', at: '', by: 'x', values: { errorRate: 'high' } })],
] as const) {
  test(`a rollback file that is ${name} is reported and read as frozen`, async () => {
    const dir = workspaceWithRollback(content);
    const state = await readRollbackState(dir);
    assert.equal(state?.active, true);
    assert.ok(state?.problem, 'the problem is reported');
    assert.match(state.reason, /rollback\.json .*treated as rolled back until re-armed/);
    const snapshot = await loadRolloutSnapshot(dir, options);
    assert.equal(snapshot.features.analysis, false);
    assert.equal(snapshot.resolution.flags.CHIMERA_ENABLED.source, 'rollback');
  });
}

test('a rollback file that cannot be read is reported and read as frozen', async (t) => {
  if (process.getuid?.() === 0) return t.skip('root reads any file');
  const dir = workspaceWithRollback(JSON.stringify({ active: false, reason: 'x', trigger: 'manual', at: '', by: 'x' }));
  chmodSync(join(dir, '.chimera', 'rollback.json'), 0o000);
  const state = await readRollbackState(dir);
  assert.equal(state?.active, true);
  assert.match(state?.problem ?? '', /cannot be read \(EACCES\)/);
});

test('the watched files include a custom chimera.envFile name and its example', () => {
  // path.matchesGlob exists from Node 22 (and 20.17 behind a warning); without it only the glob's text is checked.
  const { matchesGlob } = nodePath as { matchesGlob?: (path: string, glob: string) => boolean };
  const glob = watchedFilesGlob('config/flags.env');
  assert.ok(glob.includes('config/flags.env') && glob.includes('config/flags.env.example'), glob);
  if (!matchesGlob) return;
  for (const file of ['/w/config/flags.env', '/w/config/flags.env.example', '/w/.env', '/w/.env.example', '/w/.chimera/rollback.json']) assert.ok(matchesGlob(file, glob), `${file} matches ${glob}`);
  assert.ok(!matchesGlob('/w/flags.txt', glob));
  assert.ok(matchesGlob('/w/odd{1}.env', watchedFilesGlob('odd{1}.env')), 'glob characters in the name match literally');
});
