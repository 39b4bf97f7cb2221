// Entry of the analysis worker (dist/analysis-worker.js): parsing, compiling and executing happen here, off the host's thread.
import { getPriority } from 'node:os';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { type AnalysisRequest, analyzeFile } from './pipeline';
import { compileSelected, parseGeneValue, runGene } from '../compiler';
import { exportGenome } from '../store/genome';
import { cidOfSync } from '../store/cid';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from '../sandbox/limits';
import { buildHeldIndex, queryHeldIndex } from './index-host';
import { runByCid } from './run-by-cid';
import { indexGenes } from './index-genes';
import { blockBuffers } from '../protein/compact-index';
import { lowerThreadPriority } from './thread-priority';
import { WorkerSandbox } from './worker-sandbox';
import type { ModuleResponse, RunRequest, RunResponse, WorkerEvent, WorkerOps, WorkerRequest, WorkerResponse, WorkerSetup } from './protocol';

/** Started by the editor with a sandbox and a module store (WorkerSetup); by the CLI's pools without. */
const setup = (workerData ?? {}) as WorkerSetup;
const sandbox = new WorkerSandbox(setup, (event: WorkerEvent) => parentPort?.postMessage(event));
if (setup.background) lowerThreadPriority();

function limitsOf(request: { maxFuel?: number; maxTimeMs?: number; maxMemoryBytes?: number }): SandboxLimits {
  return { maxFuel: request.maxFuel ?? DEFAULT_SANDBOX_LIMITS.maxFuel, maxTimeMs: request.maxTimeMs ?? DEFAULT_SANDBOX_LIMITS.maxTimeMs, maxMemoryBytes: request.maxMemoryBytes ?? DEFAULT_SANDBOX_LIMITS.maxMemoryBytes };
}

function cancellationOf(buffer: SharedArrayBuffer | undefined) {
  const flag = buffer ? new Int32Array(buffer) : undefined;
  return { get isCancellationRequested() { return flag ? Atomics.load(flag, 0) === 1 : false; } };
}

async function run(payload: RunRequest): Promise<RunResponse> {
  const selected = compileSelected(payload.fileName, payload.text, payload.selector);
  if (!selected.ok) return { ok: false, reason: selected.message };
  const { compiled, sourceFile, gene } = selected;
  if (compiled.verdict === 'unsupported') return { ok: false, gene: gene.name, reason: `${compiled.construct} at ${compiled.line}:${compiled.column}: ${compiled.reason}` };
  // Each argument is read by its parameter's type: strings as they are, arrays as JSON arrays of their element type.
  const types = compiled.signature.params.map((p) => p.type);
  const inputs = payload.inputs.map((tuple) => tuple.map((value, i) => parseGeneValue(value, types[i])));
  if (inputs.some((tuple) => tuple.some((value) => value === undefined))) return { ok: false, gene: gene.name, reason: `arguments must match the parameters (${types.join(', ')}): numbers (or NaN, Infinity, -Infinity, -0), true/false, strings, JSON arrays` };
  const cid = cidOfSync(compiled.bytes);
  if (!sandbox.enabled) {
    const results = await runGene(sourceFile, compiled, inputs as never, { fuel: payload.maxFuel, timeoutMs: payload.maxTimeMs });
    return { ok: true, gene: gene.name, results, memoryBytes: 0, cid };
  }
  const executor = sandbox.executor(limitsOf(payload));
  const results = await runGene(sourceFile, compiled, inputs as never, { fuel: payload.maxFuel, timeoutMs: payload.maxTimeMs, executor });
  const cache = executor.cache();
  return { ok: true, gene: gene.name, results, memoryBytes: executor.peakMemoryBytes(), cid, ...(cache ? { cache } : {}) };
}

/** Verification runs in the sandbox when the worker has one; analysis without verification runs nothing. */
function analyze(payload: Omit<AnalysisRequest, 'cancellation'> & { maxMemoryBytes?: number }, cancel: SharedArrayBuffer | undefined) {
  const request = { ...payload, cancellation: cancellationOf(cancel) };
  return sandbox.enabled && payload.features.verify ? analyzeFile(request, sandbox.executor(limitsOf(payload))) : analyzeFile(request);
}

async function compiledModule(payload: WorkerOps['module']['payload']): Promise<ModuleResponse> {
  const selected = compileSelected(payload.fileName, payload.text, payload.selector);
  if (!selected.ok) return { ok: false, reason: selected.message };
  const { compiled } = selected;
  if (compiled.verdict === 'unsupported') return { ok: false, reason: `${compiled.construct} at ${compiled.line}:${compiled.column}: ${compiled.reason}` };
  // Show WebAssembly, Copy CID: the module as the store holds it (the same CID for unchanged source).
  const stored = await sandbox.storeCompiled(compiled.bytes);
  return {
    ok: true,
    gene: compiled.name,
    cid: stored?.cid ?? cidOfSync(compiled.bytes),
    ...(stored ? { cache: stored.cache } : {}),
    bytes: stored?.bytes ?? compiled.bytes,
    exports: [...compiled.exports],
    imports: [...compiled.imports],
    sourceMap: compiled.sourceMap.map(({ name, startLine, endLine }) => ({ name, startLine, endLine })),
  };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'describe':
      return { node: process.version, webAssembly: typeof WebAssembly === 'object', threadId, priority: getPriority() };
    case 'analyze':
      return analyze(request.payload as WorkerOps['analyze']['payload'], request.cancel);
    case 'indexGenes':
      return indexGenes({ ...(request.payload as WorkerOps['indexGenes']['payload']), cancellation: cancellationOf(request.cancel) });
    case 'run':
      return run(request.payload as RunRequest);
    case 'module':
      return compiledModule(request.payload as WorkerOps['module']['payload']);
    case 'car': {
      const genome = await exportGenome((request.payload as WorkerOps['car']['payload']).files, sandbox.enabled ? (bytes) => sandbox.storeCompiled(bytes) : undefined);
      return genome.ok ? { ok: true, root: genome.root, bytes: genome.bytes, genes: genome.genes } : { ok: false, reason: genome.reason };
    }
    case 'indexBuild':
      return buildHeldIndex(request.payload as WorkerOps['indexBuild']['payload'], cancellationOf(request.cancel));
    case 'indexQuery':
      return queryHeldIndex(request.payload as WorkerOps['indexQuery']['payload']);
    case 'runByCid':
      return runByCid(request.payload as WorkerOps['runByCid']['payload'], sandbox);
    case 'shutdown':
      return sandbox.dispose();
    default:
      throw new Error(`unknown op ${String((request as { op: unknown }).op)}`);
  }
}

/** Large typed arrays in a result move to the receiving thread instead of being copied. */
function transferables(op: WorkerRequest['op'], result: unknown): ArrayBuffer[] {
  const genes = op === 'indexGenes' ? (result as WorkerOps['indexGenes']['result']) : undefined;
  return genes?.ok ? blockBuffers(genes.block) : [];
}

parentPort?.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result } satisfies WorkerResponse, transferables(request.op, result)),
    (error: unknown) => parentPort?.postMessage({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerResponse),
  );
});
