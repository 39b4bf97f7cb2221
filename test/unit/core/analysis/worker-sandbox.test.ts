import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { WorkerEvent } from '../../../../src/core/analysis/protocol';
import { AnalysisWorker } from '../../../../src/core/analysis/worker-client';
import { cidOfSync } from '../../../../src/core/store/cid';
import { assembleFixture } from '../../../../wasm/fixtures';
import { type LoopbackGateway, startBlockGateway } from '../../../support/loopback';
import { repoRoot } from '../../../support/repo';

const SAMPLE = join(repoRoot, 'test', 'fixtures', 'void-sample', 'src', 'vs', 'base', 'common', 'numbers.ts');
const text = readFileSync(SAMPLE, 'utf8');
const limits = { maxFuel: 100_000, maxTimeMs: 1000, maxMemoryBytes: 16 * 1024 * 1024 };

/** A worker as the editor starts it: the sandbox on, the module store in a fresh directory; its events collected. */
function editorWorker() {
  const moduleCacheDir = mkdtempSync(join(tmpdir(), 'chimera-worker-store-'));
  const events: WorkerEvent[] = [];
  const worker = new AnalysisWorker(join(repoRoot, 'dist', 'analysis-worker.js'), { setup: { sandbox: true, moduleCacheDir }, onEvent: (event) => events.push(event) });
  return { worker, events, moduleCacheDir };
}

/** The sandbox child processes this process has (the worker thread forks them, so their parent is this process). */
function sandboxChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('sandbox-child.js')) pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

const served = new Map<string, Uint8Array>();
let loopback: LoopbackGateway;
let gateway: string;
const cids: Record<string, string> = {};

before(async () => {
  const add = await assembleFixture(repoRoot, 'add');
  const envFetch = await assembleFixture(repoRoot, 'env-fetch');
  const huge = await assembleFixture(repoRoot, 'memory-4gib');
  const traps = await assembleFixture(repoRoot, 'traps');
  for (const [name, bytes] of Object.entries({ add, envFetch, huge })) {
    cids[name] = cidOfSync(bytes);
    served.set(cids[name]!, bytes);
  }
  cids.wrong = cidOfSync(traps);
  served.set(cids.wrong, add); // a gateway serving another block under this CID
  loopback = await startBlockGateway(served);
  gateway = loopback.url;
});

after(() => loopback.close());

test('Run Gene runs in the sandbox: the module is stored by CID (a miss, then a hit), the result carries memoryBytes', async () => {
  const { worker, events, moduleCacheDir } = editorWorker();
  try {
    const request = { fileName: SAMPLE, text, selector: 'clamp', inputs: [[5, 0, 3]], ...limits };
    const first = await worker.call('run', request).result;
    assert.ok(first.ok, JSON.stringify(first));
    assert.deepEqual([first.results[0]!.verdict, first.results[0]!.value, first.results[0]!.match, first.cache], ['ok', 3, true, 'miss']);
    assert.equal(first.memoryBytes, 0, 'a compiled gene declares no memory');
    assert.deepEqual(readdirSync(join(moduleCacheDir, 'blocks')), [first.cid]);
    const second = await worker.call('run', request).result;
    assert.ok(second.ok);
    assert.deepEqual([second.cid, second.cache], [first.cid, 'hit'], 'unchanged source is a hit');
    const module = await worker.call('module', { fileName: SAMPLE, text, selector: 'clamp' }).result;
    assert.ok(module.ok);
    assert.deepEqual([module.cid, module.cache], [first.cid, 'hit']);
    assert.deepEqual(events.filter((e) => e.event === 'cache'), [{ event: 'cache', hit: false }, { event: 'cache', hit: true }, { event: 'cache', hit: true }]);
    const memory = events.filter((e) => e.event === 'memory');
    assert.ok(memory.length > 0, 'the pool memory is sampled while runs are in flight');
    assert.equal(memory.at(-1)!.memoryLimitBytes, 2 * limits.maxMemoryBytes, 'one warm worker and one child process, each up to the limit');
  } finally {
    await worker.dispose();
  }
});

test('verification in the editor runs through the sandbox under the flags limits, with the same verdicts', async () => {
  const { worker, events } = editorWorker();
  try {
    const analysis = await worker.call('analyze', { fileName: SAMPLE, text, features: { compile: true, verify: true, proteinHash: false }, randomInputs: 20, ...limits }).result;
    const clamp = analysis.genes.find((g) => g.gene.name === 'clamp');
    assert.equal(clamp?.verify?.verdict, 'ok');
    assert.ok(events.some((e) => e.event === 'cache'), 'each verified module is stored by CID');
    assert.ok(events.some((e) => e.event === 'memory'));
  } finally {
    await worker.dispose();
  }
});

test('Run by CID: fetched, verified, stored and run as a foreign module; a second run is a store hit with no gateway attempt', async () => {
  const { worker, events } = editorWorker();
  try {
    const request = { cid: cids.add!, export: 'add', args: [1.5, '2.25'], gateways: [gateway], fetchTimeoutMs: 5000, ...limits };
    const first = await worker.call('runByCid', request).result;
    assert.ok(first.ok, JSON.stringify(first));
    assert.deepEqual([first.result.verdict, first.result.verdict === 'ok' && first.result.value, first.source, first.path], ['ok', 3.75, 'gateway', 'child']);
    const second = await worker.call('runByCid', request).result;
    assert.ok(second.ok);
    assert.deepEqual([second.source, second.attempts.length], ['cache', 0]);
    assert.deepEqual(events.filter((e) => e.event === 'gateway' || e.event === 'cache'), [{ event: 'cache', hit: false }, { event: 'gateway', ok: true }, { event: 'cache', hit: true }]);
  } finally {
    await worker.dispose();
  }
});

test('Run by CID: a forbidden import is a security violation event; a declared 4 GiB memory is a contained memory-limit verdict', async () => {
  const { worker, events } = editorWorker();
  try {
    const forbidden = await worker.call('runByCid', { cid: cids.envFetch!, export: 'f', args: [], gateways: [gateway], fetchTimeoutMs: 5000, ...limits }).result;
    assert.ok(forbidden.ok);
    assert.equal(forbidden.result.verdict, 'forbidden-import');
    assert.deepEqual(events.filter((e) => e.event === 'violation'), [{ event: 'violation', kind: 'forbidden-import', import: 'env.fetch' }]);
    const huge = await worker.call('runByCid', { cid: cids.huge!, export: 'f', args: [], gateways: [gateway], fetchTimeoutMs: 5000, ...limits }).result;
    assert.ok(huge.ok);
    assert.equal(huge.result.verdict, 'memory-limit');
    assert.equal(events.filter((e) => e.event === 'violation').length, 1, 'a run stopped by its own limit is no violation');
  } finally {
    await worker.dispose();
  }
});

test('Run by CID refusals run nothing: wrong bytes are cid-mismatch, a missing block not-found, each attempt a failed gateway request', async () => {
  const { worker, events } = editorWorker();
  try {
    const wrong = await worker.call('runByCid', { cid: cids.wrong!, export: 'add', args: [1, 2], gateways: [gateway], fetchTimeoutMs: 5000, ...limits }).result;
    assert.ok(!wrong.ok && wrong.verdict === 'fetch-failed');
    assert.equal(wrong.reason, 'cid-mismatch');
    const missing = await worker.call('runByCid', { cid: cidOfSync(Uint8Array.from([9, 9, 9])), export: 'add', args: [], gateways: [gateway], fetchTimeoutMs: 5000, ...limits }).result;
    assert.ok(!missing.ok && missing.verdict === 'fetch-failed');
    assert.equal(missing.reason, 'not-found');
    const bad = await worker.call('runByCid', { cid: 'QmNotACid', export: 'add', args: [], gateways: [gateway], fetchTimeoutMs: 5000, ...limits }).result;
    assert.ok(!bad.ok && bad.verdict === 'bad-request');
    assert.deepEqual(events.filter((e) => e.event === 'gateway'), [{ event: 'gateway', ok: false }, { event: 'gateway', ok: false }]);
    assert.equal(events.filter((e) => e.event === 'memory').length, 0, 'nothing ran');
  } finally {
    await worker.dispose();
  }
});

test('disposing the worker closes the sandbox: no sandbox child process outlives it', async () => {
  const { worker } = editorWorker();
  const run = await worker.call('runByCid', { cid: cids.add!, export: 'add', args: [1, 2], gateways: [gateway], fetchTimeoutMs: 5000, ...limits }).result;
  assert.ok(run.ok);
  assert.ok(sandboxChildren().length > 0, 'the foreign module ran in a child process');
  await worker.dispose();
  for (const pid of sandboxChildren()) assert.fail(`sandbox child ${pid} is still alive`);
});
