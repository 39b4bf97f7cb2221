// Entry of dist/check-worker.js: the analysis worker of `chimera check`, speaking the analysis worker's protocol
// (describe, analyze), whose verification runs go through the sandbox and whose compiled modules are kept by CID.
import { parentPort, threadId } from 'node:worker_threads';
import { analyzeFile } from '../analysis/pipeline';
import type { WorkerRequest, WorkerResponse } from '../analysis/protocol';
import type { GeneExecutor } from '../compiler';
import { Sandbox } from '../sandbox/sandbox';
import { createSandboxExecutor } from '../sandbox/sandbox-executor';
import { ModuleCache, storeCompiledModule } from '../store';
import type { SandboxedAnalysis, SandboxedRequest, SandboxedUse } from './sandboxed-analysis';

/** One sandbox per worker, started on the first compiled gene: a warm worker for our metered genes, a child otherwise. */
let sandbox: Sandbox | undefined;
const stores = new Map<string, Promise<ModuleCache>>();

function sandboxFor(maxTimeMs: number | undefined): Sandbox {
  sandbox ??= new Sandbox({ poolSize: 1, childPoolSize: 1, ...(maxTimeMs !== undefined ? { limits: { maxTimeMs } } : {}) });
  return sandbox;
}

function storeAt(dir: string): Promise<ModuleCache> {
  let store = stores.get(dir);
  if (!store) {
    store = ModuleCache.open(dir);
    stores.set(dir, store);
  }
  return store;
}

/** The file's genes, each kept by CID before its verification runs, in the sandbox. */
function sandboxedExecutor(request: SandboxedRequest, use: SandboxedUse): GeneExecutor {
  const executor = createSandboxExecutor(sandboxFor(request.maxTimeMs));
  const stored = new WeakSet<Uint8Array>();
  const modulesDir = request.sandboxed?.modulesDir ?? null;
  return {
    async runBatch(gene, inputs, limits) {
      if (modulesDir !== null && !stored.has(gene.bytes)) {
        stored.add(gene.bytes);
        const kept = await storeCompiledModule(await storeAt(modulesDir), gene.bytes);
        use.modules[kept.cache === 'hit' ? 'hits' : 'misses']++;
      }
      use.runs++;
      const outcomes = await executor.runBatch(gene, inputs, limits);
      use.memoryBytes = Math.max(use.memoryBytes, executor.peakMemoryBytes());
      return outcomes;
    },
  };
}

function cancellationOf(buffer: SharedArrayBuffer | undefined) {
  const flag = buffer ? new Int32Array(buffer) : undefined;
  return {
    get isCancellationRequested() {
      return flag ? Atomics.load(flag, 0) === 1 : false;
    },
  };
}

async function analyze(request: SandboxedRequest, cancel: SharedArrayBuffer | undefined): Promise<SandboxedAnalysis> {
  const use: SandboxedUse = { modules: { hits: 0, misses: 0 }, runs: 0, memoryBytes: 0 };
  const analysis = await analyzeFile({ ...request, cancellation: cancellationOf(cancel) }, sandboxedExecutor(request, use));
  return use.runs > 0 || use.modules.misses > 0 ? { ...analysis, sandboxed: use } : analysis;
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'describe':
      return { node: process.version, webAssembly: typeof WebAssembly === 'object', threadId };
    case 'analyze':
      return analyze(request.payload as SandboxedRequest, request.cancel);
    default:
      throw new Error(`the check worker does not do ${String(request.op)}`);
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result } satisfies WorkerResponse),
    (error: unknown) => parentPort?.postMessage({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerResponse),
  );
});
