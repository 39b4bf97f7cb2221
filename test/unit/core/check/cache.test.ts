import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckCache, type FileSummary, RACY_MS, cacheKey, contentDigest, runCheck, settingsKey, statSignature } from '../../../../src/core/check';
import { sampleCopy, workerScript } from '../../../fixtures/check/helpers';

const summaryOf = (file: string, genes: number): FileSummary => ({ file, counts: { genes, pure: 0, conditional: 0, compiled: 0, verified: 0, mismatches: 0, proteinHashed: 0 }, findings: [], protein: [] });

/** Sets a file's times an hour back, as for a file checked out long before the check runs. */
function age(path: string): void {
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(path, past, past);
}

function sourcesOf(workspace: string): string[] {
  return readdirSync(workspace, { recursive: true, encoding: 'utf8' }).filter((path) => /\.[jt]s$/.test(path)).map((path) => join(workspace, path));
}

const check = (workspace: string, cacheDir: string) => runCheck({ workspace, workspaceOptions: { env: {}, machineId: 'test' }, cacheDir, workerScript, promtool: null, jobs: 2 });

test('the pack: a recorded digest stands while the stat signature is unchanged, entries are found by content under any name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-pack-'));
  const workspace = mkdtempSync(join(tmpdir(), 'chimera-pack-ws-'));
  const file = join(workspace, 'a.ts');
  writeFileSync(file, 'export const a = 1;\n');
  age(file);
  const info = statSync(file);
  const digest = contentDigest(readFileSync(file));
  const settings = settingsKey({ features: 'all' });

  const first = await CheckCache.open(dir, workspace);
  assert.equal(first.isEmpty, true);
  assert.equal(first.knownDigest('a.ts', statSignature(info)), undefined);
  // Read well after its last change (utimes moves the change time to now, so "well after" is later than now).
  first.rememberDigest('a.ts', info, digest, Date.now() + RACY_MS + 1);
  first.set(cacheKey('a.ts', digest, settings), summaryOf('a.ts', 3));
  await first.save();
  assert.deepEqual(readdirSync(join(dir, 'packs')).filter((name) => name.endsWith('.tmp')), [], 'written through a temporary file and renamed');
  assert.equal(readdirSync(join(dir, 'packs')).length, 1, 'one pack for the workspace');

  const second = await CheckCache.open(dir, workspace);
  assert.equal(second.isEmpty, false);
  assert.equal(second.knownDigest('a.ts', statSignature(info)), digest);
  assert.equal(second.get(cacheKey('a.ts', digest, settings), 'a.ts')?.counts.genes, 3);
  assert.equal(second.get(cacheKey('a.ts', digest, settingsKey({ features: 'other' })), 'a.ts'), undefined, 'other settings: a miss');
  assert.equal(second.get(cacheKey('copy.ts', digest, settings), 'copy.ts')?.file, 'copy.ts', 'the same bytes under another name are a hit, reported under that name');
  assert.equal(second.get(cacheKey('a.js', digest, settings), 'a.js'), undefined, 'another extension parses differently: a miss');

  writeFileSync(file, 'export const b = 2;\n');
  age(file);
  assert.equal(second.knownDigest('a.ts', statSignature(statSync(file))), undefined, 'same size and mtime, but the change time moved');

  const other = await CheckCache.open(dir, mkdtempSync(join(tmpdir(), 'chimera-pack-other-')));
  assert.equal(other.isEmpty, true, 'each workspace has its own pack');
});

test('the pack: a file modified just before it was hashed keeps no signature (it is hashed again next time)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-pack-'));
  const workspace = mkdtempSync(join(tmpdir(), 'chimera-pack-ws-'));
  const file = join(workspace, 'fresh.ts');
  writeFileSync(file, 'export const fresh = 1;\n');
  const info = statSync(file);
  const cache = await CheckCache.open(dir, workspace);
  cache.rememberDigest('fresh.ts', info, contentDigest(readFileSync(file)), info.mtimeMs + RACY_MS / 2);
  cache.set('key', summaryOf('fresh.ts', 1));
  await cache.save();
  const again = await CheckCache.open(dir, workspace);
  assert.equal(again.knownDigest('fresh.ts', statSignature(info)), undefined);
});

test('the pack: a damaged pack is an empty cache, and entries unused for 8 runs that changed it are dropped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-pack-'));
  const workspace = mkdtempSync(join(tmpdir(), 'chimera-pack-ws-'));
  const first = await CheckCache.open(dir, workspace);
  first.set('old', summaryOf('old.ts', 1));
  await first.save();
  for (let run = 0; run < 8; run++) {
    const cache = await CheckCache.open(dir, workspace);
    cache.set(`new-${run}`, summaryOf('new.ts', run));
    await cache.save();
  }
  const later = await CheckCache.open(dir, workspace);
  assert.equal(later.get('old', 'old.ts'), undefined);
  assert.equal(later.get('new-7', 'new.ts')?.counts.genes, 7);
  assert.equal(later.get('new-1', 'new.ts')?.counts.genes, 1);

  const [pack] = readdirSync(join(dir, 'packs'));
  writeFileSync(join(dir, 'packs', pack!), '{"schema": 3, "files": ');
  const damaged = await CheckCache.open(dir, workspace);
  assert.equal(damaged.isEmpty, true);
});

test('chimera check with a cache: unchanged files are answered without reading them, a same-size edit with the old mtime is analysed again', async () => {
  const workspace = sampleCopy();
  for (const path of sourcesOf(workspace)) age(path);
  // Past the racy window of the copy's change times, so the first run records the files' signatures.
  await new Promise((resolve) => setTimeout(resolve, RACY_MS + 100));
  const cacheDir = mkdtempSync(join(tmpdir(), 'chimera-check-cache-'));
  const cold = await check(workspace, cacheDir);
  assert.ok(cold.ok);
  assert.equal(cold.report.stats.analysed, 3);
  const recorded = await CheckCache.open(cacheDir, workspace);
  for (const path of sourcesOf(workspace)) {
    assert.equal(recorded.knownDigest(path.slice(workspace.length + 1), statSignature(statSync(path))), contentDigest(readFileSync(path)), `${path}: signature and digest recorded`);
  }
  const warm = await check(workspace, cacheDir);
  assert.ok(warm.ok);
  assert.equal(warm.report.stats.cached, 3);
  assert.equal(warm.report.stats.analysed, 0);
  assert.deepEqual(warm.report.items.filter((i) => i.area === 'genes').map((i) => [i.name, i.status]), cold.report.items.filter((i) => i.area === 'genes').map((i) => [i.name, i.status]));
  assert.equal(readdirSync(join(cacheDir, 'packs')).length, 1);

  // `clamp` keeps its size but becomes impure: only the change time tells the file changed.
  const numbers = join(workspace, 'src/vs/base/common/numbers.ts');
  const before = readFileSync(numbers, 'utf8');
  const edited = before.replace('return Math.min(Math.max(value, min), max);', 'return Math.min(Math.random() + min, max);'.padEnd('return Math.min(Math.max(value, min), max);'.length));
  assert.notEqual(edited, before, 'the fixture still has the expression this test edits');
  assert.equal(edited.length, before.length);
  const { atime, mtime } = statSync(numbers);
  writeFileSync(numbers, edited);
  utimesSync(numbers, atime, mtime);
  const after = await check(workspace, cacheDir);
  assert.ok(after.ok);
  assert.equal(after.report.stats.analysed, 1);
  assert.equal(after.report.stats.cached, 2);
  assert.equal(after.report.stats.pure, cold.report.stats.pure - 1, 'the edited file was analysed again');
});
