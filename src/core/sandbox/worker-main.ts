// Entry of a sandbox pool worker (dist/sandbox-worker.js): runs our own compiled genes, which cannot use bulk memory.
import { parentPort } from 'node:worker_threads';
import { executeRequest } from './execute';
import { type ExecuteRequest, type ExecutorMessage, transferables } from './protocol';

const port = parentPort;
if (port) {
  // Result columns are moved to the parent, not copied.
  const send = (message: ExecutorMessage) => port.postMessage(message, transferables(message));
  port.on('message', (request: ExecuteRequest) => executeRequest(request, send));
  send({ type: 'online' });
}
