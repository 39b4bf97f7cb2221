import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ModuleCache } from '../../../../src/core/store/cache';
import { cidOf } from '../../../../src/core/store/cid';
import { callConstant, constantModule } from '../../../support/store-modules';

const root = mkdtempSync(join(tmpdir(), 'chimera-store-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(root, `cache-${counter++}`);

test('a stored module comes back byte for byte, verified, and counts as a hit', async () => {
  const cache = await ModuleCache.open(freshDir());
  const module = constantModule(1.25);
  const put = await cache.put(module);
  assert.ok(put.stored);
  assert.equal(put.cid, await cidOf(module));
  const lookup = await cache.get(put.cid);
  assert.ok(lookup.hit);
  assert.deepEqual(new Uint8Array(lookup.bytes), module);
  assert.equal(await callConstant(lookup.bytes), 1.25);
  const stats = cache.stats();
  assert.equal(stats.hits, 1);
  assert.equal(stats.misses, 0);
  assert.equal(stats.hitRatio, 1);
  assert.equal(stats.entries, 1);
  assert.equal(stats.bytes, module.length);
  assert.equal(stats.unavailable, null);
});

test('an absent module is a miss with the reason, and the hit ratio counts it', async () => {
  const cache = await ModuleCache.open(freshDir());
  assert.equal(cache.stats().hitRatio, null);
  const stored = await cache.put(constantModule(1));
  const missing = await cache.get(await cidOf(constantModule(2)));
  assert.deepEqual({ hit: missing.hit, reason: !missing.hit && missing.reason }, { hit: false, reason: 'absent' });
  await cache.get(stored.cid);
  await cache.get(stored.cid);
  await cache.get(stored.cid);
  const stats = cache.stats();
  assert.equal(stats.hits, 3);
  assert.equal(stats.misses, 1);
  assert.equal(stats.hitRatio, 0.75);
});

test('a corrupted entry is dropped, counted and missed, and the rebuilt module is served again', async () => {
  const dir = freshDir();
  const cache = await ModuleCache.open(dir);
  const module = constantModule(9);
  const { cid } = await cache.put(module);
  const path = join(dir, 'blocks', cid);
  const rotten = Buffer.from(module);
  rotten[rotten.length - 3]! ^= 0xff; // one flipped byte inside the constant
  writeFileSync(path, rotten);
  const lookup = await cache.get(cid);
  assert.equal(lookup.hit, false);
  assert.equal(!lookup.hit && lookup.reason, 'corrupted');
  assert.equal(existsSync(path), false, 'the corrupted file is removed');
  assert.equal(cache.stats().corrupted, 1);
  assert.equal(cache.stats().entries, 0);
  assert.ok((await cache.put(module)).stored);
  const again = await cache.get(cid);
  assert.ok(again.hit);
  assert.equal(await callConstant(again.bytes), 9);
});

test('a truncated entry (a crash mid-write by a foreign tool) is also caught on read', async () => {
  const dir = freshDir();
  const cache = await ModuleCache.open(dir);
  const module = constantModule(10);
  const { cid } = await cache.put(module);
  writeFileSync(join(dir, 'blocks', cid), module.subarray(0, 10));
  const lookup = await cache.get(cid);
  assert.equal(!lookup.hit && lookup.reason, 'corrupted');
});

test('the least recently used module is evicted when the bound is exceeded', async () => {
  const modules = [1, 2, 3, 4].map((n) => constantModule(n));
  const size = modules[0]!.length;
  const cache = await ModuleCache.open(freshDir(), { maxBytes: 3 * size });
  const [a, b, c, d] = await Promise.all(modules.map((m) => cidOf(m)));
  for (const m of modules.slice(0, 3)) assert.ok((await cache.put(m)).stored);
  assert.ok((await cache.get(a!)).hit); // a is now more recent than b
  const put = await cache.put(modules[3]!);
  assert.ok(put.stored);
  assert.deepEqual(put.evicted, [b]);
  assert.equal(!(await cache.get(b!)).hit && 'evicted', 'evicted');
  for (const cid of [a!, c!, d!]) assert.ok((await cache.get(cid)).hit, cid);
  const stats = cache.stats();
  assert.equal(stats.evictions, 1);
  assert.equal(stats.entries, 3);
  assert.ok(stats.bytes <= stats.maxBytes);
});

test('the access order survives a restart: reopening with a smaller bound evicts the oldest-used blocks', async () => {
  const dir = freshDir();
  const modules = [11, 12, 13].map((n) => constantModule(n));
  const cids = await Promise.all(modules.map((m) => cidOf(m)));
  const first = await ModuleCache.open(dir);
  for (const m of modules) await first.put(m);
  // Persisted order, oldest first: 13, 11, 12 (set explicitly, so the test does not depend on timestamp resolution).
  const base = Date.now() / 1000 - 100;
  utimesSync(join(dir, 'blocks', cids[2]!), base, base);
  utimesSync(join(dir, 'blocks', cids[0]!), base + 10, base + 10);
  utimesSync(join(dir, 'blocks', cids[1]!), base + 20, base + 20);
  const reopened = await ModuleCache.open(dir, { maxBytes: 2 * modules[0]!.length });
  assert.equal(reopened.stats().evictions, 1);
  assert.equal(existsSync(join(dir, 'blocks', cids[2]!)), false);
  assert.ok((await reopened.get(cids[0]!)).hit);
  assert.ok((await reopened.get(cids[1]!)).hit);
});

test('a hit refreshes the block on disk, so a later process keeps it over an unused one', async () => {
  const dir = freshDir();
  const [old, used] = [constantModule(21), constantModule(22)];
  const cache = await ModuleCache.open(dir, { touchIntervalMs: 0 });
  const oldCid = (await cache.put(old)).cid;
  const usedCid = (await cache.put(used)).cid;
  const past = Date.now() / 1000 - 1000;
  utimesSync(join(dir, 'blocks', oldCid), past + 1, past + 1);
  utimesSync(join(dir, 'blocks', usedCid), past, past);
  assert.ok((await cache.get(usedCid)).hit);
  const later = await ModuleCache.open(dir, { maxBytes: used.length });
  assert.ok((await later.get(usedCid)).hit);
  assert.equal(!(await later.get(oldCid)).hit, true);
});

test('writes are atomic: no temp files stay behind, and stale ones from a dead writer are swept on open', async () => {
  const dir = freshDir();
  const cache = await ModuleCache.open(dir);
  for (let n = 0; n < 5; n++) await cache.put(constantModule(n));
  assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
  const stale = join(dir, 'tmp', 'bafkreistale.123.abc');
  const fresh = join(dir, 'tmp', 'bafkreifresh.456.def');
  writeFileSync(stale, 'half a module');
  writeFileSync(fresh, 'a write in flight');
  const twoHoursAgo = Date.now() / 1000 - 2 * 3600;
  utimesSync(stale, twoHoursAgo, twoHoursAgo);
  await ModuleCache.open(dir);
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(fresh), true, 'another process may still be writing it');
});

test('files in the blocks directory that are not canonical CIDs are neither read nor deleted', async () => {
  const dir = freshDir();
  mkdirSync(join(dir, 'blocks'), { recursive: true });
  writeFileSync(join(dir, 'blocks', 'README'), 'not a block');
  const cache = await ModuleCache.open(dir, { maxBytes: 0 });
  assert.equal(cache.stats().entries, 0);
  assert.equal(readFileSync(join(dir, 'blocks', 'README'), 'utf8'), 'not a block');
});

test('lookups by invalid or path-like CIDs miss without touching the file system', async () => {
  const cache = await ModuleCache.open(freshDir());
  for (const bad of ['../../etc/passwd', 'blocks', '']) {
    const lookup = await cache.get(bad);
    assert.equal(!lookup.hit && lookup.reason, 'invalid-cid', bad);
  }
  assert.equal(cache.stats().misses, 3);
});

test('a module larger than the whole bound is refused as too large, not stored and then evicted', async () => {
  const module = constantModule(5);
  const cache = await ModuleCache.open(freshDir(), { maxBytes: module.length - 1 });
  const put = await cache.put(module);
  assert.equal(!put.stored && put.reason, 'too-large');
  assert.equal(cache.stats().entries, 0);
});

test('an unusable directory (a path below a regular file) degrades to misses with the reason, never an exception', async () => {
  const file = join(root, `plain-file-${counter++}`);
  writeFileSync(file, 'I am a file, not a directory');
  const cache = await ModuleCache.open(join(file, 'cache'));
  assert.match(cache.stats().unavailable ?? '', /ENOTDIR|EEXIST/);
  const module = constantModule(6);
  const put = await cache.put(module);
  assert.equal(put.stored, false);
  assert.equal(!put.stored && put.reason, 'unavailable');
  assert.equal(put.cid, await cidOf(module), 'the CID is still computed');
  const lookup = await cache.get(put.cid);
  assert.equal(!lookup.hit && lookup.reason, 'unavailable');
  const stats = cache.stats();
  assert.equal(stats.misses, 1);
  assert.equal(stats.writeFailures, 1);
});

test('a directory that breaks after opening turns writes into failures with the errno, and the cache keeps serving', async () => {
  const dir = freshDir();
  const cache = await ModuleCache.open(dir);
  const kept = await cache.put(constantModule(30));
  rmSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'tmp'), 'the temp directory is now a file');
  const put = await cache.put(constantModule(31));
  assert.equal(put.stored, false);
  assert.equal(!put.stored && put.reason, 'io-error');
  assert.match(!put.stored ? put.detail : '', /ENOTDIR/);
  assert.equal(cache.stats().writeFailures, 1);
  assert.ok((await cache.get(kept.cid)).hit);
});

test('a key (compiler version + source hash) finds its module; a key whose block is gone is a miss', async () => {
  const dir = freshDir();
  const module = constantModule(40);
  const cache = await ModuleCache.open(dir);
  const put = await cache.putWithKey('compiler@1:sha256-of-source', module);
  assert.ok(put.stored);
  const found = await cache.getByKey('compiler@1:sha256-of-source');
  assert.ok(found.hit);
  assert.equal(found.cid, put.cid);
  assert.equal(await callConstant(found.bytes), 40);
  assert.equal(!(await cache.getByKey('compiler@2:sha256-of-source')).hit, true);
  rmSync(join(dir, 'blocks', put.cid));
  const gone = await cache.getByKey('compiler@1:sha256-of-source');
  assert.equal(!gone.hit && gone.reason, 'absent');
});

test('many concurrent puts and gets of the same modules keep the index consistent with the disk', async () => {
  const dir = freshDir();
  const modules = Array.from({ length: 8 }, (_, n) => constantModule(100 + n));
  const cache = await ModuleCache.open(dir, { maxBytes: 5 * modules[0]!.length });
  await Promise.all([...modules, ...modules].map((m) => cache.put(m)));
  const onDisk = readdirSync(join(dir, 'blocks'));
  const stats = cache.stats();
  assert.equal(stats.entries, onDisk.length);
  assert.ok(stats.bytes <= stats.maxBytes, `${stats.bytes} > ${stats.maxBytes}`);
  for (const cid of onDisk) assert.ok((await cache.get(cid)).hit);
});
