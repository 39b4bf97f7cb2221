// Entry of the sandbox child process (dist/sandbox-child.js): runs foreign modules where SIGKILL can stop them at once.
import { executeRequest } from './execute';
import type { ExecuteRequest, ExecutorMessage } from './protocol';

const send = (message: ExecutorMessage) => process.send?.(message);
process.on('message', (request: ExecuteRequest) => executeRequest(request, send));
// The parent going away (or closing the channel) ends this process; nothing here outlives it.
process.on('disconnect', () => process.exit(0));
send({ type: 'online' });
