import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { QUEUE_FILE_NAME, type QueuedEvent, TelemetryQueue } from '../../../../src/core/telemetry';

const freshDir = () => mkdtempSync(join(tmpdir(), 'chimera-telemetry-queue-'));
const event = (genes: number): QueuedEvent => ({ name: 'analysis', at: 1_756_200_000_000 + genes, data: { genes } });
const genesOf = (queue: TelemetryQueue) => queue.peek(queue.capacity).events.map((e) => e.data.genes);

test('a new instance reads what the previous one queued: the queue survives a restart', async () => {
  const directory = freshDir();
  const first = await TelemetryQueue.open({ directory });
  for (let i = 0; i < 5; i++) first.enqueue(event(i));
  assert.deepEqual((await first.persist()).persistent, true);
  const second = await TelemetryQueue.open({ directory });
  assert.deepEqual(genesOf(second), [0, 1, 2, 3, 4]);
  assert.deepEqual(second.peek(2).events, [event(0), event(1)]);
});

test('acknowledged events are gone after a restart; the rest stay in order', async () => {
  const directory = freshDir();
  const queue = await TelemetryQueue.open({ directory });
  for (let i = 0; i < 6; i++) queue.enqueue(event(i));
  queue.acknowledge(queue.peek(4));
  await queue.persist();
  assert.deepEqual(genesOf(await TelemetryQueue.open({ directory })), [4, 5]);
});

test('when full, the oldest events are dropped and counted, and the count survives a restart', async () => {
  const directory = freshDir();
  const queue = await TelemetryQueue.open({ directory, capacity: 3 });
  for (let i = 0; i < 10; i++) queue.enqueue(event(i));
  assert.equal(queue.size, 3);
  assert.deepEqual(genesOf(queue), [7, 8, 9]);
  assert.equal(queue.peek(3).dropped, 7);
  await queue.persist();
  const reopened = await TelemetryQueue.open({ directory, capacity: 3 });
  assert.deepEqual(genesOf(reopened), [7, 8, 9]);
  assert.equal(reopened.peek(3).dropped, 7);
  // Once a batch reported the drops, they are not reported again.
  reopened.acknowledge(reopened.peek(1));
  assert.equal(reopened.peek(3).dropped, 0);
  await reopened.persist();
  assert.equal((await TelemetryQueue.open({ directory, capacity: 3 })).peek(3).dropped, 0);
});

test('acknowledging a batch after drops removed part of it removes only what is still there', async () => {
  const queue = await TelemetryQueue.open({ capacity: 4 });
  for (let i = 0; i < 4; i++) queue.enqueue(event(i));
  const batch = queue.peek(2); // events 0 and 1
  for (let i = 4; i < 7; i++) queue.enqueue(event(i)); // drops 0, 1, 2
  queue.acknowledge(batch);
  assert.deepEqual(genesOf(queue), [3, 4, 5, 6]);
});

test('a torn last line (a crash mid-append) is skipped and repaired, and later appends are intact', async () => {
  const directory = freshDir();
  const queue = await TelemetryQueue.open({ directory });
  queue.enqueue(event(1));
  queue.enqueue(event(2));
  await queue.persist();
  const path = join(directory, QUEUE_FILE_NAME);
  appendFileSync(path, '{"name":"analysis","at":17562000000');
  const reopened = await TelemetryQueue.open({ directory });
  assert.deepEqual(genesOf(reopened), [1, 2]);
  assert.equal(reopened.health.recoveredCorruptLines, 1);
  assert.ok(readFileSync(path, 'utf8').endsWith('\n'));
  reopened.enqueue(event(3));
  await reopened.persist();
  const third = await TelemetryQueue.open({ directory });
  assert.deepEqual(genesOf(third), [1, 2, 3]);
  assert.equal(third.health.recoveredCorruptLines, 0);
});

test('lines that were edited to carry data outside the schema are not loaded, so they can never be sent', async () => {
  const directory = freshDir();
  writeFileSync(
    join(directory, QUEUE_FILE_NAME),
    [
      JSON.stringify(event(1)),
      JSON.stringify({ name: 'analysis', at: 1, data: { genes: 1, path: '/home/alice/void/.env' } }),
      JSON.stringify({ name: 'adoption.daily', at: 1, data: { machine: 'raw-machine-id-not-hashed' } }),
      JSON.stringify({ name: 'gene.source', at: 1, data: {} }),
      '[1,2,3]',
      '',
    ].join('\n'),
  );
  const queue = await TelemetryQueue.open({ directory });
  assert.deepEqual(genesOf(queue), [1]);
  assert.equal(queue.health.recoveredCorruptLines, 4);
  await queue.persist();
  assert.ok(!readFileSync(join(directory, QUEUE_FILE_NAME), 'utf8').includes('/home/alice'));
});

test('an unusable directory is an error value: the queue keeps working in memory and never throws', async () => {
  const parent = freshDir();
  writeFileSync(join(parent, 'a-file'), 'not a directory');
  const queue = await TelemetryQueue.open({ directory: join(parent, 'a-file', 'telemetry') });
  assert.equal(queue.health.persistent, false);
  assert.equal(queue.health.problem?.code, 'ENOTDIR');
  queue.enqueue(event(1));
  queue.enqueue(event(2));
  const health = await queue.persist();
  assert.equal(health.persistent, false);
  assert.deepEqual(genesOf(queue), [1, 2]);
});

test('a full disk (ENOSPC from /dev/full) falls back to memory, and the next successful write restores the file whole', async (t) => {
  if (!existsSync('/dev/full')) return t.skip('no /dev/full on this system');
  const directory = freshDir();
  const queue = await TelemetryQueue.open({ directory, retryStorageAfterMs: 0 });
  queue.enqueue(event(1));
  await queue.persist();
  const path = join(directory, QUEUE_FILE_NAME);
  // The queue file now points at a device where every write fails with ENOSPC.
  rmSync(path);
  symlinkSync('/dev/full', path);
  queue.enqueue(event(2));
  const health = await queue.persist();
  assert.equal(health.persistent, false);
  assert.equal(health.problem?.code, 'ENOSPC');
  assert.deepEqual(genesOf(queue), [1, 2]);
  // The disk has room again: the atomic rewrite replaces the link with a regular file holding everything.
  rmSync(path);
  queue.enqueue(event(3));
  assert.equal((await queue.persist()).persistent, true);
  assert.deepEqual(genesOf(await TelemetryQueue.open({ directory })), [1, 2, 3]);
  assert.deepEqual(readdirSync(directory), [QUEUE_FILE_NAME], 'no temp files are left behind');
});

test('a device in place of the queue file is refused, never read', async () => {
  if (!existsSync('/dev/zero')) return;
  const directory = freshDir();
  symlinkSync('/dev/zero', join(directory, QUEUE_FILE_NAME));
  const queue = await TelemetryQueue.open({ directory, retryStorageAfterMs: 60_000 });
  assert.equal(queue.health.problem?.code, 'ENOTREG');
  queue.enqueue(event(1));
  assert.equal(queue.size, 1);
});

test('the file stays bounded: a long run of appends is compacted to at most twice the capacity', async () => {
  const directory = freshDir();
  const queue = await TelemetryQueue.open({ directory, capacity: 50 });
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 30; i++) queue.enqueue(event(round * 30 + i));
    await queue.persist();
  }
  const lines = readFileSync(join(directory, QUEUE_FILE_NAME), 'utf8').trim().split('\n');
  assert.ok(lines.length <= 2 * 50 + 1, `file has ${lines.length} lines`);
  const reopened = await TelemetryQueue.open({ directory, capacity: 50 });
  assert.deepEqual(genesOf(reopened), genesOf(queue));
  assert.equal(reopened.peek(1).dropped, 600 - 50);
});

test('a burst larger than the capacity in one tick is written as one rewrite holding the newest events', async () => {
  const directory = freshDir();
  const queue = await TelemetryQueue.open({ directory, capacity: 100 });
  for (let i = 0; i < 1_000; i++) queue.enqueue(event(i));
  await queue.persist();
  const reopened = await TelemetryQueue.open({ directory, capacity: 100 });
  assert.deepEqual(genesOf(reopened), Array.from({ length: 100 }, (_, i) => 900 + i));
  assert.equal(reopened.peek(1).dropped, 900);
});
