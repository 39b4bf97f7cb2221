import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Benchmark } from './benchmark';
import { type QueuedEvent, TelemetryQueue } from '../src/core/telemetry';

const EVENTS = 100_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A realistic sanitized event: an analysis summary, about 150 bytes as a JSON line. */
const eventAt = (i: number): QueuedEvent => ({
  name: 'analysis',
  at: 1_756_200_000_000 + i,
  data: { durationMs: 12.345, genes: i % 50, pureGenes: i % 30, compiledGenes: i % 20, refusedGenes: i % 5, mismatches: 0, cacheHits: i % 7 },
});
const events = Array.from({ length: EVENTS }, (_, i) => eventAt(i));

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Nanoseconds per enqueue into a persistent queue (default capacity) in a temp dir; the file is written behind. */
async function enqueueNs(): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), 'chimera-bench-telemetry-'));
  const queue = await TelemetryQueue.open({ directory });
  const start = process.hrtime.bigint();
  for (const event of events) queue.enqueue(event);
  const ns = Number(process.hrtime.bigint() - start) / EVENTS;
  await queue.persist();
  rmSync(directory, { recursive: true, force: true });
  return ns;
}

function pushNs(): number {
  const array: QueuedEvent[] = [];
  const start = process.hrtime.bigint();
  for (const event of events) array.push(event);
  const ns = Number(process.hrtime.bigint() - start) / EVENTS;
  if (array.length !== EVENTS) throw new Error('unreachable');
  return ns;
}

/** MB of heap the queue holds after `count` events, the events themselves excluded (they are shared with the baseline). */
async function queueMegabytes(count: number): Promise<number> {
  const queue = await TelemetryQueue.open({});
  const before = heapUsed();
  for (let i = 0; i < count; i++) queue.enqueue(events[i % EVENTS]!);
  const after = heapUsed();
  if (queue.size === 0) throw new Error('unreachable');
  return (after - before) / 1e6;
}

/** MB of heap a plain array holding `count` references to already existing events costs. */
function arrayMegabytes(count: number): number {
  const before = heapUsed();
  const array: QueuedEvent[] = [];
  for (let i = 0; i < count; i++) array.push(events[i % EVENTS]!);
  const after = heapUsed();
  if (array.length !== count) throw new Error('unreachable');
  return (after - before) / 1e6;
}

export const benchmark: Benchmark = {
  name: 'telemetry enqueue',
  description: `ns per event to enqueue ${EVENTS.toLocaleString('en')} sanitized events into the persistent telemetry queue (default capacity, JSON-lines file written behind in a temp dir), against a plain array push of the same events`,
  unit: 'ns/event',
  runs: 7,
  baseline: async () => pushNs(),
  subject: enqueueNs,
};

const memoryBenchmark: Benchmark = {
  name: 'telemetry queue memory',
  description: `MB of heap retained by the telemetry queue after ${EVENTS.toLocaleString('en')} events (goal ≤ 20 MB), against a plain array of ${EVENTS.toLocaleString('en')} references`,
  unit: 'MB',
  runs: 5,
  baseline: async () => arrayMegabytes(EVENTS),
  subject: () => queueMegabytes(EVENTS),
};

/** bench/run.ts runs `benchmark` and these. */
export const benchmarks: Benchmark[] = [memoryBenchmark];

async function report(): Promise<void> {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const enqueue: number[] = [];
  const push: number[] = [];
  for (let run = 0; run < 7; run++) {
    push.push(pushNs());
    enqueue.push(await enqueueNs());
  }
  process.stdout.write(`enqueue: ${median(enqueue).toFixed(0)} ns/event, array push: ${median(push).toFixed(1)} ns/event\n`);
  for (const count of [EVENTS, 2 * EVENTS, 4 * EVENTS]) {
    process.stdout.write(`queue memory after ${count.toLocaleString('en')} events: ${(await queueMegabytes(count)).toFixed(2)} MB (plain array of as many references: ${arrayMegabytes(count).toFixed(2)} MB)\n`);
  }
}

if (require.main === module) void report();
