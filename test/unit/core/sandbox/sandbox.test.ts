import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Sandbox } from '../../../../src/core/sandbox/sandbox';
import type { SandboxResult } from '../../../../src/core/sandbox/verdict';
import { assembleFixture, largeModule, manyLocals, nestedBlocks, randomBytes } from '../../../../wasm/fixtures';
import { distFile, repoRoot } from '../../../support/repo';

const entry = (name: string): string => distFile(`${name}.js`);

const limits = { maxTimeMs: 500, maxMemoryBytes: 16 * 1024 * 1024, maxFuel: 1_000_000 };
const sandbox = new Sandbox({ limits, childScript: entry('sandbox-child'), workerScript: entry('sandbox-worker'), poolSize: 2 });
after(() => sandbox.dispose());

const fixture = (name: string) => assembleFixture(repoRoot, name);

/** Runs while counting event-loop ticks: a hostile module must never stall the calling thread. */
async function runWatched(request: Parameters<Sandbox['run']>[0]): Promise<{ results: SandboxResult[]; ticks: number; ms: number }> {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 10);
  const started = performance.now();
  try {
    const results = await sandbox.run(request);
    return { results, ticks, ms: performance.now() - started };
  } finally {
    clearInterval(ticker);
  }
}

/** The host is alive afterwards: the next well-behaved run answers correctly, on both paths. */
async function assertHostHealthy(): Promise<void> {
  const add = await fixture('add');
  for (const trusted of [false, true]) {
    const [result] = await sandbox.run({ module: add, export: 'add', args: [[1.5, 2.25]], trusted });
    assert.equal(result?.verdict, 'ok');
    assert.equal((result as { value: unknown }).value, 3.75);
  }
}

/** A killed run answers within the limit plus a loose margin, and the loop kept ticking meanwhile. */
function assertBoundedAndResponsive(run: { ms: number; ticks: number }): void {
  assert.ok(run.ms < limits.maxTimeMs + 1000, `verdict took ${run.ms} ms`);
  assert.ok(run.ticks >= 5, `the event loop ticked only ${run.ticks} times`);
}

test('a well-behaved gene returns ok with its value, in a child and in the worker pool', async () => {
  const add = await fixture('add');
  for (const trusted of [false, true]) {
    const results = await sandbox.run({ module: add, export: 'add', args: [[1, 2], [NaN, 1], [-0, -0], [Infinity, -Infinity]], trusted });
    assert.deepEqual(results.map((r) => r.verdict), ['ok', 'ok', 'ok', 'ok']);
    const values = results.map((r) => (r as { value: number }).value);
    assert.equal(values[0], 3);
    assert.ok(Number.isNaN(values[1]));
    assert.ok(Object.is(values[2], -0));
    assert.ok(Number.isNaN(values[3]));
  }
});

test('a batch of 10,000 calls answers 10,000 results in order', async () => {
  const args = Array.from({ length: 10_000 }, (_, i) => [i, 1]);
  const results = await sandbox.run({ module: await fixture('add'), export: 'add', args, trusted: true });
  assert.equal(results.length, 10_000);
  assert.ok(results.every((r, i) => r.verdict === 'ok' && r.value === i + 1));
});

test('an infinite loop in a foreign module times out, the child is killed and replaced', async () => {
  const before = sandbox.snapshot().children.kills;
  const run = await runWatched({ module: await fixture('infinite-loop'), export: 'spin', args: [[1]] });
  assert.equal(run.results[0]?.verdict, 'timeout');
  assertBoundedAndResponsive(run);
  assert.equal(sandbox.snapshot().children.kills, before + 1);
  await assertHostHealthy();
});

test('an infinite loop in a trusted module times out and the worker pool is refilled', async () => {
  await sandbox.run({ module: await fixture('add'), export: 'add', args: [[1, 1]], trusted: true });
  const run = await runWatched({ module: await fixture('infinite-loop'), export: 'spin', args: [[1]], trusted: true });
  assert.equal(run.results[0]?.verdict, 'timeout');
  assertBoundedAndResponsive(run);
  assert.ok(sandbox.snapshot().workers.live >= 1, 'a replacement worker is started at once');
  await assertHostHealthy();
});

test('a start function that loops forever times out during instantiation', async () => {
  const run = await runWatched({ module: await fixture('start-loop'), export: 'add', args: [[1, 2]] });
  assert.equal(run.results[0]?.verdict, 'timeout');
  assert.match(run.results[0]!.message, /start function/);
  assertBoundedAndResponsive(run);
  await assertHostHealthy();
});

test('a memory.fill loop is stopped at the limit even when it claims to be trusted (it goes to a child)', async () => {
  const run = await runWatched({ module: await fixture('fill-loop'), export: 'fill', args: [[]], trusted: true });
  assert.equal(run.results[0]?.verdict, 'timeout');
  assertBoundedAndResponsive(run);
  await assertHostHealthy();
});

test('a memory.grow loop ends in a timeout, not in an exhausted host', async () => {
  const run = await runWatched({ module: await fixture('grow-loop'), export: 'grow', args: [[]] });
  assert.ok(['timeout', 'memory-limit'].includes(run.results[0]!.verdict));
  assertBoundedAndResponsive(run);
  await assertHostHealthy();
});

test('unbounded recursion is stack-overflow, on both paths', async () => {
  for (const trusted of [false, true]) {
    const run = await runWatched({ module: await fixture('recursion'), export: 'down', args: [[0]], trusted });
    assert.equal(run.results[0]?.verdict, 'stack-overflow');
  }
  await assertHostHealthy();
});

test('a metered gene reports fuel used, and runs out of fuel at the budget', async () => {
  const metered = await fixture('metered');
  const [ok] = await sandbox.run({ module: metered, export: 'sum', args: [[100]], trusted: true });
  assert.deepEqual({ verdict: ok?.verdict, value: (ok as { value: number }).value, fuel: (ok as { fuelUsed: number }).fuelUsed }, { verdict: 'ok', value: 5050, fuel: 100 });
  const [out] = await sandbox.run({ module: metered, export: 'sum', args: [[1e9]], trusted: true, limits: { maxFuel: 1000 } });
  assert.equal(out?.verdict, 'out-of-fuel');
  assert.equal((out as { fuelUsed: number }).fuelUsed, 1001);
});

test('static refusals never start anything: 4 GiB memory, huge table, forbidden and mis-typed imports', async () => {
  const expectations: [string, string][] = [['memory-4gib', 'memory-limit'], ['huge-table', 'memory-limit'], ['env-fetch', 'forbidden-import'], ['wasi-fd-write', 'forbidden-import'], ['pow-wrong-signature', 'forbidden-import']];
  for (const [name, verdict] of expectations) {
    const run = await runWatched({ module: await fixture(name), export: 'f', args: [[]] });
    assert.equal(run.results[0]?.verdict, verdict, name);
  }
});

test('tables and memories without a usable maximum run: no grow runs as declared, a grow stops at the limit', async () => {
  const verdict = (r: SandboxResult | undefined) => (r?.verdict === 'ok' ? r.value : r?.verdict === 'trap' ? r.trap : r?.verdict);
  assert.equal(verdict((await sandbox.run({ module: await fixture('table-no-max'), export: 'f', args: [[]] }))[0]), 0);
  assert.equal(verdict((await sandbox.run({ module: await fixture('memory-no-max'), export: 'f', args: [[]] }))[0]), 0);
  assert.equal(verdict((await sandbox.run({ module: await fixture('memory-max-over-limit'), export: 'f', args: [[]] }))[0]), 7);
  assert.equal(verdict((await sandbox.run({ module: await fixture('table-max-over-cap'), export: 'f', args: [[]] }))[0]), 10);
  assert.equal(verdict((await sandbox.run({ module: await fixture('table-no-max-trap'), export: 'f', args: [[]] }))[0]), 'indirect-call');
  // 1 + 1,000,000 entries is over the 100,000-entry cap: the grow answers -1 and the guest goes on.
  assert.equal(verdict((await sandbox.run({ module: await fixture('table-grow-no-max'), export: 'grow', args: [[]] }))[0]), -1);
  // 16 MiB is 256 pages: growing 1 page to 256 succeeds (answers the old size 1), one more page fails with -1.
  const grows = await sandbox.run({ module: await fixture('memory-grow-no-max'), export: 'grow', args: [[255], [1]] });
  assert.deepEqual(grows.map(verdict), [1, -1]);
});

test('each run reports its peak WebAssembly memory: none for a gene, the grown size of an exported memory, the initial size of a hidden one', async () => {
  const gene = await sandbox.runMeasured({ module: await fixture('add'), export: 'add', args: [[1, 2]], trusted: true });
  assert.deepEqual({ memoryBytes: gene.memoryBytes, path: gene.path }, { memoryBytes: 0, path: 'worker' });
  const grown = await sandbox.runMeasured({ module: await fixture('memory-grow-no-max'), export: 'grow', args: [[3], [4]] });
  assert.equal(grown.memoryBytes, 8 * 65536);
  const hidden = await sandbox.runMeasured({ module: await fixture('memory-max-over-limit'), export: 'f', args: [[]] });
  assert.equal(hidden.memoryBytes, 65536);
  const refused = await sandbox.runMeasured({ module: await fixture('memory-4gib'), export: 'f', args: [[]] });
  assert.deepEqual({ memoryBytes: refused.memoryBytes, path: refused.path }, { memoryBytes: 0, path: 'refused' });
});

test('memory in use across the pool is sampled while a run holds memory, against the limit of every executor', async () => {
  const sampled = new Sandbox({ limits, childScript: entry('sandbox-child'), workerScript: entry('sandbox-worker'), poolSize: 2, childPoolSize: 1 });
  try {
    assert.deepEqual(sampled.memoryInUse(), { memoryBytes: 0, memoryLimitBytes: 3 * limits.maxMemoryBytes });
    // fill-loop holds 16 MiB and spins until the time limit: sample it mid-run.
    const running = sampled.runMeasured({ module: await fixture('fill-loop'), export: 'fill', args: [[]] });
    let peak = 0;
    for (let i = 0; i < 40 && peak === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      peak = sampled.memoryInUse().memoryBytes;
    }
    assert.equal(peak, 16 * 1024 * 1024);
    assert.equal((await running).results[0]?.verdict, 'timeout');
    assert.equal(sampled.memoryInUse().memoryBytes, 0, 'a finished run holds nothing');
  } finally {
    await sampled.dispose();
  }
});

test('Math imports are the host’s own Math: Math.pow through the sandbox is bit-identical', async () => {
  const results = await sandbox.run({ module: await fixture('math-pow'), export: 'pow', args: [[1.1, 2.2], [2, 0.5], [-8, 1 / 3]], trusted: true });
  assert.deepEqual(results.map((r) => (r as { value: number }).value), [Math.pow(1.1, 2.2), Math.pow(2, 0.5), Math.pow(-8, 1 / 3)]);
});

test('traps carry their kind', async () => {
  const traps = await fixture('traps');
  const cases: [string, number[], string][] = [['unreachable', [], 'unreachable'], ['divide_by_zero', [0], 'divide-by-zero'], ['integer_overflow', [], 'integer-overflow'], ['out_of_bounds', [], 'out-of-bounds'], ['invalid_conversion', [NaN], 'invalid-conversion']];
  for (const [name, args, kind] of cases) {
    const [result] = await sandbox.run({ module: traps, export: name, args: [args] });
    assert.equal(result?.verdict, 'trap', name);
    assert.equal((result as { trap: string }).trap, kind, name);
  }
  await assertHostHealthy();
});

test('broken bytes are invalid-module: truncated, bad magic, random', async () => {
  const add = await fixture('add');
  for (const bytes of [add.subarray(0, add.length - 3), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), randomBytes(4096, 7), randomBytes(4096, 11, true)]) {
    const [result] = await sandbox.run({ module: bytes, export: 'add', args: [[1, 2]] });
    assert.equal(result?.verdict, 'invalid-module');
  }
  await assertHostHealthy();
});

test('100,000 locals is invalid-module (V8 refuses more than 50,000); 50,000 runs', async () => {
  const [refused] = await sandbox.run({ module: manyLocals(100_000), export: 'f', args: [[1]] });
  assert.equal(refused?.verdict, 'invalid-module');
  const [ok] = await sandbox.run({ module: manyLocals(49_000), export: 'f', args: [[1]] });
  assert.equal(ok?.verdict, 'ok');
});

test('100,000 nested blocks run and return their value', async () => {
  // Compiling 100,000 blocks is slow on a loaded 2-core machine; the point is that it answers, not how fast.
  const run = await runWatched({ module: nestedBlocks(100_000), export: 'f', args: [[42]], limits: { maxTimeMs: 5000 } });
  assert.ok(['ok', 'invalid-module', 'stack-overflow'].includes(run.results[0]!.verdict), run.results[0]!.message);
  if (run.results[0]!.verdict === 'ok') assert.equal(run.results[0]!.value, 42);
  await assertHostHealthy();
});

test('a large valid module (4 MB body) runs; one over the size cap is refused without being sent anywhere', async () => {
  const big = largeModule(4 * 1024 * 1024);
  const run = await runWatched({ module: big, export: 'f', args: [[0]], limits: { maxTimeMs: 5000 } });
  assert.equal(run.results[0]?.verdict, 'ok', run.results[0]?.message);
  assert.equal((run.results[0] as { value: number }).value, Math.floor((4 * 1024 * 1024) / 14));
  const [refused] = await sandbox.run({ module: largeModule(9 * 1024 * 1024), export: 'f', args: [[0]] });
  assert.equal(refused?.verdict, 'invalid-module');
  assert.match(refused!.message, /size cap/);
});

test('i64 exports take numbers or bigints and return bigints; multi-value returns an array', async () => {
  const [product] = await sandbox.run({ module: await fixture('i64'), export: 'mul', args: [[6, 7n]] });
  assert.equal((product as { value: bigint }).value, 42n);
  const [notInteger] = await sandbox.run({ module: await fixture('i64'), export: 'mul', args: [[1.5, 2]] });
  assert.equal(notInteger?.verdict, 'unsupported');
  const [swapped] = await sandbox.run({ module: await fixture('multi-value'), export: 'swap', args: [[1, 2]], trusted: true });
  assert.deepEqual((swapped as { value: number[] }).value, [2, 1]);
});

test('a missing export is invalid-module; an instantiate-only run answers one result', async () => {
  const add = await fixture('add');
  const [missing] = await sandbox.run({ module: add, export: 'nope', args: [[1]] });
  assert.equal(missing?.verdict, 'invalid-module');
  const only = await sandbox.run({ module: add, export: '', args: [] });
  assert.deepEqual(only.map((r) => r.verdict), ['ok']);
});

test('a missing entry script fails runs with engine-crash instead of hanging or throwing', async () => {
  const broken = new Sandbox({ childScript: join(repoRoot, 'no-such-child.js'), workerScript: join(repoRoot, 'no-such-worker.js'), poolSize: 1 });
  try {
    const add = await fixture('add');
    for (const trusted of [false, true]) {
      const [result] = await broken.run({ module: add, export: 'add', args: [[1, 2]], trusted });
      assert.equal(result?.verdict, 'engine-crash');
    }
  } finally {
    await broken.dispose();
  }
});

test('a call that hangs in the middle of a batch times out; the calls reported before it keep their results', async () => {
  const args = [...Array.from({ length: 20 }, (_, i) => [i]), [-1], [5]];
  const run = await runWatched({ module: await fixture('loop-if-negative'), export: 'f', args, trusted: true });
  assert.equal(run.results.length, 22);
  const firstTimeout = run.results.findIndex((r) => r.verdict === 'timeout');
  assert.ok(firstTimeout >= 0 && firstTimeout <= 20);
  assert.ok(run.results.slice(0, firstTimeout).every((r, i) => r.verdict === 'ok' && r.value === i));
  assert.ok(run.results.slice(firstTimeout).every((r) => r.verdict === 'timeout'));
  assertBoundedAndResponsive(run);
});

test('the observer hears every run and every security violation, with the declared memory and its limit', async () => {
  const events: { verdicts: string[]; declared: number; limit: number; path: string; memory: number }[] = [];
  const violations: string[] = [];
  const observed = new Sandbox({
    limits,
    childScript: entry('sandbox-child'),
    workerScript: entry('sandbox-worker'),
    poolSize: 1,
    observer: {
      runFinished: (e) => events.push({ verdicts: e.results.map((r) => r.verdict), declared: e.declaredMemoryBytes, limit: e.memoryLimitBytes, path: e.path, memory: e.memoryBytes }),
      securityViolation: (kind, name) => violations.push(`${kind}:${name}`),
    },
  });
  try {
    await observed.run({ module: await fixture('traps'), export: 'unreachable', args: [[]] });
    await observed.run({ module: await fixture('env-fetch'), export: 'f', args: [[]] });
    await observed.run({ module: await fixture('pow-wrong-signature'), export: 'f', args: [[1]] });
  } finally {
    await observed.dispose();
  }
  assert.deepEqual(events, [
    { verdicts: ['trap'], declared: 65536, limit: limits.maxMemoryBytes, path: 'child', memory: 65536 },
    { verdicts: ['forbidden-import'], declared: 0, limit: limits.maxMemoryBytes, path: 'refused', memory: 0 },
    { verdicts: ['forbidden-import'], declared: 0, limit: limits.maxMemoryBytes, path: 'refused', memory: 0 },
  ]);
  assert.deepEqual(violations, ['forbidden-import:env.fetch', 'import-signature:Math.pow']);
});

test('a batch mixing ok calls, traps and refused arguments answers each call in order, with its own time', async () => {
  const traps = await fixture('traps');
  const results = await sandbox.run({ module: traps, export: 'divide_by_zero', args: [[1], [0], [2], [1, 2], [-1]] });
  assert.deepEqual(results.map((r) => (r.verdict === 'ok' ? r.value : r.verdict === 'trap' ? r.trap : r.verdict)), [1, 'divide-by-zero', 0, 'unsupported', -1]);
  assert.ok(results.every((r) => Number.isFinite(r.ms) && r.ms >= 0));
  const i64 = await sandbox.run({ module: await fixture('i64'), export: 'mul', args: [[6, 7n], [2n ** 40n, 2], [1.5, 2], [-3, 3]], trusted: true });
  assert.deepEqual(i64.map((r) => (r.verdict === 'ok' ? r.value : r.verdict)), [42n, 2n ** 41n, 'unsupported', -9n]);
  const bigintForF64 = await sandbox.run({ module: await fixture('add'), export: 'add', args: [[1n, 2], [0.5, 0.25]], trusted: true });
  assert.deepEqual(bigintForF64.map((r) => (r as { value: number }).value), [3, 0.75]);
});

test('a long metered batch reported in several progress chunks keeps every value, fuel count and out-of-fuel in place', async () => {
  const metered = await fixture('metered');
  // Alternating calls that fit the budget and calls that exhaust it: long enough to cross many progress intervals.
  const args = Array.from({ length: 600 }, (_, i) => [i % 2 === 0 ? 20_000 : 1e9]);
  for (const trusted of [true, false]) {
    const results = await sandbox.run({ module: metered, export: 'sum', args, trusted, limits: { maxFuel: 50_000 } });
    assert.equal(results.length, 600);
    results.forEach((r, i) => {
      if (i % 2 === 0) assert.deepEqual({ verdict: r.verdict, value: (r as { value: number }).value, fuel: (r as { fuelUsed: number }).fuelUsed }, { verdict: 'ok', value: (20_000 * 20_001) / 2, fuel: 20_000 }, `call ${i}`);
      else assert.deepEqual({ verdict: r.verdict, fuel: (r as { fuelUsed: number }).fuelUsed }, { verdict: 'out-of-fuel', fuel: 50_001 }, `call ${i}`);
    });
  }
});
