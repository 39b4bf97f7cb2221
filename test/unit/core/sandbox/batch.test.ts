import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { packArguments } from '../../../../src/core/sandbox/batch-arguments';
import { type ExecutorMessage, transferables } from '../../../../src/core/sandbox/protocol';
import { appendChunk, ResultChunkWriter } from '../../../../src/core/sandbox/result-chunk';
import type { SandboxResult } from '../../../../src/core/sandbox/verdict';

/** Sends a message through a real MessagePort with its transfer list, as the pool worker does, and reads it back. */
function throughPort(message: ExecutorMessage): ExecutorMessage {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(message, transferables(message));
    return receiveMessageOnPort(port2)!.message as ExecutorMessage;
  } finally {
    port1.close();
    port2.close();
  }
}

test('number tuples for number parameters pack into one Float64Array, row after row, specials and -0 intact', () => {
  const batch = packArguments(['f64', 'i32'], [[1.5, 2], [NaN, -0], [Infinity, -Infinity]]);
  assert.ok('packed' in batch);
  assert.equal(batch.count, 3);
  assert.equal(batch.arity, 2);
  assert.deepEqual([...batch.packed], [1.5, 2, NaN, -0, Infinity, -Infinity]);
  assert.ok(Object.is(batch.packed[3], -0));
});

test('bigints, i64 parameters, a wrong arity and an empty batch stay tuples', () => {
  const cases: [string[], (number | bigint)[][]][] = [[['f64'], [[1], [2n]]], [['i64'], [[1], [2]]], [['f64', 'f64'], [[1, 2], [3]]], [['f64'], []]];
  for (const [params, tuples] of cases) {
    const batch = packArguments(params, tuples);
    assert.ok('tuples' in batch, JSON.stringify(params));
    assert.equal(batch.tuples, tuples);
    assert.equal(batch.count, tuples.length);
  }
});

test('packed arguments are moved to the receiver, not copied', () => {
  const batch = packArguments(['f64'], [[1], [2], [3]]);
  assert.ok('packed' in batch);
  const request = { id: 1, module: new Uint8Array(8), exportName: 'f', params: ['f64'], results: ['f64'], args: batch, maxFuel: 1, metered: false, hiddenMemoryBytes: 0 };
  assert.deepEqual(transferables(request), [batch.packed.buffer]);
});

test('a batch answered in one chunk moves its columns and comes back as the same results, in order', () => {
  const writer = new ResultChunkWriter(4, ['f64'], true);
  const trap: SandboxResult = { verdict: 'trap', trap: 'divide-by-zero', message: 'divide by zero', ms: 0.5 };
  writer.okNumber(3, 10, 0.25);
  writer.other(trap);
  writer.okNumber(-0, 0, 0.125);
  writer.okNumber(NaN, 7, 1);
  const sent: ExecutorMessage = { id: 1, type: 'done', chunk: writer.take(), memoryBytes: 0 };
  assert.equal(transferables(sent).length, 3);
  const received = throughPort(sent);
  assert.equal((sent as { chunk: { ms: Float64Array } }).chunk.ms.byteLength, 0, 'the sender’s column was transferred');
  const results: SandboxResult[] = [];
  appendChunk((received as Extract<ExecutorMessage, { type: 'done' }>).chunk, results);
  assert.equal(results.length, 4);
  assert.deepEqual(results[0], { verdict: 'ok', value: 3, fuelUsed: 10, message: 'ok', ms: 0.25 });
  assert.deepEqual(results[1], trap);
  assert.ok(results[2]!.verdict === 'ok' && Object.is(results[2]!.value, -0));
  assert.ok(results[3]!.verdict === 'ok' && Number.isNaN(results[3]!.value) && results[3]!.fuelUsed === 7);
});

test('progress cuts a batch into chunks whose rows and explicit results line up again on the host', () => {
  const writer = new ResultChunkWriter(5, ['f64'], false);
  const chunks = [];
  writer.okNumber(1, 0, 1);
  writer.other({ verdict: 'out-of-fuel', fuelUsed: 11, message: 'the call ran out of fuel', ms: 2 });
  chunks.push(writer.take());
  writer.other({ verdict: 'stack-overflow', message: 'stack overflow (unbounded recursion)', ms: 3 });
  writer.okNumber(4, 0, 4);
  chunks.push(writer.take());
  writer.okNumber(5, 0, 5);
  chunks.push(writer.take());
  assert.deepEqual(chunks.map((c) => c.count), [2, 2, 1]);
  const results: SandboxResult[] = [];
  for (const chunk of chunks) appendChunk((throughPort({ id: 1, type: 'progress', chunk, memoryBytes: 0 }) as Extract<ExecutorMessage, { type: 'progress' }>).chunk, results);
  assert.deepEqual(results.map((r) => r.verdict), ['ok', 'out-of-fuel', 'stack-overflow', 'ok', 'ok']);
  assert.deepEqual(results.map((r) => r.ms), [1, 2, 3, 4, 5]);
  assert.deepEqual(results.filter((r) => r.verdict === 'ok').map((r) => [r.value, r.fuelUsed]), [[1, null], [4, null], [5, null]]);
});

test('i64 and multi-value results travel as plain values; an export without results answers null', () => {
  const wide = new ResultChunkWriter(3, ['i64'], false);
  wide.ok(42n, null, 1);
  wide.other({ verdict: 'unsupported', message: 'no', ms: 0 });
  wide.ok(-7n, null, 1);
  const pair = new ResultChunkWriter(1, ['f64', 'f64'], false);
  pair.ok([2, 1], null, 1);
  const none = new ResultChunkWriter(1, [], false);
  none.ok(null, null, 1);
  const results: SandboxResult[] = [];
  for (const writer of [wide, pair, none]) appendChunk((throughPort({ id: 1, type: 'done', chunk: writer.take(), memoryBytes: 0 }) as Extract<ExecutorMessage, { type: 'done' }>).chunk, results);
  assert.deepEqual(results.map((r) => (r.verdict === 'ok' ? r.value : r.verdict)), [42n, 'unsupported', -7n, [2, 1], null]);
});

test('a chunk taken after the whole batch went out (its columns transferred) is empty, not an error', () => {
  const writer = new ResultChunkWriter(2, ['f64'], true);
  writer.okNumber(1, 1, 1);
  writer.okNumber(2, 2, 2);
  const results: SandboxResult[] = [];
  appendChunk((throughPort({ id: 1, type: 'progress', chunk: writer.take(), memoryBytes: 0 }) as Extract<ExecutorMessage, { type: 'progress' }>).chunk, results);
  const last = writer.take();
  assert.equal(last.count, 0);
  appendChunk((throughPort({ id: 1, type: 'done', chunk: last, memoryBytes: 0 }) as Extract<ExecutorMessage, { type: 'done' }>).chunk, results);
  assert.deepEqual(results.map((r) => (r as { value: number }).value), [1, 2]);
});
