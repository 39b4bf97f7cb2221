// Entry of the analysis worker (dist/analysis-worker.js): parsing, compiling and executing happen here, off the host's thread.
import { parentPort, threadId } from 'node:worker_threads';
import { analyzeFile } from './pipeline';
import { compileSelected, parseGeneValue, runGene } from '../compiler';
import { exportGenome } from '../store/genome';
import { cidOfSync } from '../store/cid';
import { buildHeldIndex, queryHeldIndex } from './index-host';
import type { ModuleResponse, RunRequest, RunResponse, WorkerOps, WorkerRequest, WorkerResponse } from './protocol';

function cancellationOf(buffer: SharedArrayBuffer | undefined) {
  const flag = buffer ? new Int32Array(buffer) : undefined;
  return { get isCancellationRequested() { return flag ? Atomics.load(flag, 0) === 1 : false; } };
}

async function run(payload: RunRequest): Promise<RunResponse> {
  const selected = compileSelected(payload.fileName, payload.text, payload.selector);
  if (!selected.ok) return { ok: false, reason: selected.message };
  const { compiled, sourceFile, gene } = selected;
  if (compiled.verdict === 'unsupported') return { ok: false, gene: gene.name, reason: `${compiled.construct} at ${compiled.line}:${compiled.column}: ${compiled.reason}` };
  const inputs = payload.inputs.map((tuple) => tuple.map((value) => parseGeneValue(value)));
  if (inputs.some((tuple) => tuple.some((value) => value === undefined))) return { ok: false, gene: gene.name, reason: 'arguments must be numbers, true/false, NaN, Infinity, -Infinity or -0' };
  const results = await runGene(sourceFile, compiled, inputs as never, { fuel: payload.maxFuel, timeoutMs: payload.maxTimeMs });
  return { ok: true, gene: gene.name, results };
}

function compiledModule(payload: WorkerOps['module']['payload']): ModuleResponse {
  const selected = compileSelected(payload.fileName, payload.text, payload.selector);
  if (!selected.ok) return { ok: false, reason: selected.message };
  const { compiled } = selected;
  if (compiled.verdict === 'unsupported') return { ok: false, reason: `${compiled.construct} at ${compiled.line}:${compiled.column}: ${compiled.reason}` };
  return {
    ok: true,
    gene: compiled.name,
    cid: cidOfSync(compiled.bytes),
    bytes: compiled.bytes,
    exports: [...compiled.exports],
    imports: [...compiled.imports],
    sourceMap: compiled.sourceMap.map(({ name, startLine, endLine }) => ({ name, startLine, endLine })),
  };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'describe':
      return { node: process.version, webAssembly: typeof WebAssembly === 'object', threadId };
    case 'analyze':
      return analyzeFile({ ...(request.payload as WorkerOps['analyze']['payload']), cancellation: cancellationOf(request.cancel) });
    case 'run':
      return run(request.payload as RunRequest);
    case 'module':
      return compiledModule(request.payload as WorkerOps['module']['payload']);
    case 'car': {
      const genome = await exportGenome((request.payload as WorkerOps['car']['payload']).files);
      return genome.ok ? { ok: true, root: genome.root, bytes: genome.bytes, genes: genome.genes } : { ok: false, reason: genome.reason };
    }
    case 'indexBuild':
      return buildHeldIndex(request.payload as WorkerOps['indexBuild']['payload'], cancellationOf(request.cancel));
    case 'indexQuery':
      return queryHeldIndex(request.payload as WorkerOps['indexQuery']['payload']);
    default:
      throw new Error(`unknown op ${String((request as { op: unknown }).op)}`);
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result } satisfies WorkerResponse),
    (error: unknown) => parentPort?.postMessage({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerResponse),
  );
});
