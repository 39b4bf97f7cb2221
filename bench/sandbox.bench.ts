import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Sandbox } from '../src/core/sandbox/sandbox';
import { assembleFixture } from '../wasm/fixtures';
import type { Benchmark } from './benchmark';

const repoRoot = resolve(__dirname, '..', '..');
/** The entry bundles: dist/ after `npm run build`, or CHIMERA_SANDBOX_DIST for a private build. */
const dist = process.env.CHIMERA_SANDBOX_DIST ?? join(repoRoot, 'dist');
const scripts = { childScript: join(dist, 'sandbox-child.js'), workerScript: join(dist, 'sandbox-worker.js') };

const CALLS = 10_000;
const args = Array.from({ length: CALLS }, (_, i) => [i % 200]);
let gene: Promise<Uint8Array> | undefined;
let sandbox: Sandbox | undefined;
const geneModule = () => (gene ??= assembleFixture(repoRoot, 'metered'));

/** Direct, in-process: the same metered gene, the same 10,000 calls, resetting fuel as the sandbox does. */
async function direct(): Promise<number> {
  const instance = new WebAssembly.Instance(new WebAssembly.Module((await geneModule()) as Uint8Array<ArrayBuffer>));
  const { sum, chimera_fuel: fuel, chimera_status: status } = instance.exports as { sum: (n: number) => number; chimera_fuel: WebAssembly.Global; chimera_status: WebAssembly.Global };
  const started = performance.now();
  let total = 0;
  for (const [n] of args) {
    fuel.value = 10_000_000n;
    status.value = 0;
    total += sum(n!);
  }
  if (!Number.isFinite(total)) throw new Error('unexpected result');
  return performance.now() - started;
}

/** Through the warm worker pool: module sent, compiled and instantiated per batch, every call metered. */
async function throughPool(): Promise<number> {
  sandbox ??= new Sandbox({ ...scripts, poolSize: 1 });
  const bytes = await geneModule();
  await sandbox.run({ module: bytes, export: 'sum', args: [[1]], trusted: true }); // keep the measurement warm
  const started = performance.now();
  const results = await sandbox.run({ module: bytes, export: 'sum', args, trusted: true });
  if (results.length !== CALLS || results.some((r) => r.verdict !== 'ok')) throw new Error('sandbox batch failed');
  return performance.now() - started;
}

export const benchmark: Benchmark = {
  name: 'sandbox warm batch',
  description: `${CALLS} calls of a fuel-metered gene (sum 1..n, n < 200) as one batch through the warm worker pool, against the same calls on a WebAssembly.Instance in the calling thread`,
  unit: 'ms',
  runs: 15,
  baseline: direct,
  subject: throughPool,
};

/** `node out/bench/sandbox.bench.js`: the other measurements of issue 7, printed as JSON. */
async function extraMeasurements(): Promise<void> {
  const add = await assembleFixture(repoRoot, 'add');
  const spin = await assembleFixture(repoRoot, 'infinite-loop');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const timed = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    const fresh = new Sandbox({ ...scripts, poolSize: 1 });
    cold.push(await timed(() => fresh.run({ module: add, export: 'add', args: [[1, 2]], trusted: true })));
    await fresh.dispose();
  }
  const coldChild: number[] = [];
  for (let i = 0; i < 5; i++) {
    const fresh = new Sandbox({ ...scripts });
    coldChild.push(await timed(() => fresh.run({ module: add, export: 'add', args: [[1, 2]] })));
    await fresh.dispose();
  }
  const warm = new Sandbox({ ...scripts, poolSize: 1, limits: { maxTimeMs: 200 } });
  await warm.run({ module: add, export: 'add', args: [[1, 2]] });
  const childCall: number[] = [];
  for (let i = 0; i < 50; i++) childCall.push(await timed(() => warm.run({ module: add, export: 'add', args: [[i, 1]] })));
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const pastLimit: { child: number[]; worker: number[] } = { child: [], worker: [] };
  for (let i = 0; i < 5; i++) {
    for (const trusted of [false, true]) {
      await warm.run({ module: add, export: 'add', args: [[1, 2]], trusted }); // the replacement is warm again
      const ms = await timed(() => warm.run({ module: spin, export: 'spin', args: [[1]], trusted }));
      pastLimit[trusted ? 'worker' : 'child'].push(ms - 200);
    }
  }
  loopDelay.disable();
  await warm.dispose();
  const round = (x: number) => Math.round(x * 100) / 100;
  process.stdout.write(
    `${JSON.stringify(
      {
        coldStartWorkerMs: round(median(cold)),
        coldStartChildMs: round(median(coldChild)),
        warmChildCallMs: round(median(childCall)),
        verdictPastLimitMs: { child: round(median(pastLimit.child)), worker: round(median(pastLimit.worker)) },
        eventLoopDelayMaxMsDuringKills: round(loopDelay.max / 1e6),
        batchMs: { direct: round(median(await Promise.all([direct(), direct(), direct()]))), pool: round(await throughPool()) },
      },
      null,
      2,
    )}\n`,
  );
  await sandbox?.dispose();
}

if (require.main === module && existsSync(scripts.childScript)) void extraMeasurements();
