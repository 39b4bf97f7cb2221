// Entry of the analysis worker (dist/worker.js): parsing, compiling and executing happen here, off the host's thread.
import { parentPort, threadId } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse } from './worker-protocol';

function handle(request: WorkerRequest): WorkerResponse {
  switch (request.op) {
    case 'describe':
      return { id: request.id, ok: true, result: { node: process.version, webAssembly: typeof WebAssembly === 'object', threadId } };
    default:
      return { id: (request as { id: number }).id, ok: false, error: `unknown op ${(request as { op: string }).op}` };
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    response = handle(request);
  } catch (error) {
    response = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response);
});
