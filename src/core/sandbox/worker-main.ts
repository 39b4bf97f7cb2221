// Entry of a sandbox pool worker (dist/sandbox-worker.js): runs our own compiled genes, which cannot use bulk memory.
import { parentPort } from 'node:worker_threads';
import { executeRequest } from './execute';
import type { ExecuteRequest, ExecutorMessage } from './protocol';

const port = parentPort;
if (port) {
  const send = (message: ExecutorMessage) => port.postMessage(message);
  port.on('message', (request: ExecuteRequest) => executeRequest(request, send));
  send({ type: 'online' });
}
