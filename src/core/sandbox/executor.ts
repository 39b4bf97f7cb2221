import { type ChildProcess, fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { type ExecuteRequest, type ExecutorMessage, transferables } from './protocol';

/** A process or thread that runs one request at a time and can be killed when it overruns. */
export interface Executor {
  readonly kind: 'child' | 'worker';
  send(request: ExecuteRequest): void;
  /** Stops it without waiting: SIGKILL for a child, terminate() for a worker. */
  kill(): void;
  /** Whether it keeps the calling process alive (only while an answer is owed). */
  hold(held: boolean): void;
}

export interface ExecutorEvents {
  message(message: ExecutorMessage): void;
  exit(description: string): void;
}

/** Heap cap of a sandbox child; WASM memory is capped separately by the declared limits. */
const CHILD_HEAP_MB = 128;

export function spawnChild(script: string, events: ExecutorEvents): Executor {
  const child: ChildProcess = fork(script, [], {
    // Structured clone keeps bigint, NaN and -0 intact; an empty environment keeps secrets away from foreign code.
    serialization: 'advanced',
    execArgv: [`--max-old-space-size=${CHILD_HEAP_MB}`],
    env: {},
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  let exited = false;
  child.on('message', (message: ExecutorMessage) => events.message(message));
  child.on('error', (error) => {
    if (!exited) events.exit(`sandbox process failed: ${error.message}`);
    exited = true;
  });
  child.on('exit', (code, signal) => {
    if (!exited) events.exit(`sandbox process exited (${signal ?? `code ${code}`})`);
    exited = true;
  });
  return {
    kind: 'child',
    send: (request) => child.send(request),
    kill: () => {
      child.kill('SIGKILL');
    },
    hold(held) {
      const channel = child.channel as { ref(): void; unref(): void } | undefined;
      if (held) {
        child.ref();
        channel?.ref();
      } else {
        child.unref();
        channel?.unref();
      }
    },
  };
}

export function spawnWorker(script: string, events: ExecutorEvents): Executor {
  const worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: 64, stackSizeMb: 4 } });
  let exited = false;
  worker.on('message', (message: ExecutorMessage) => events.message(message));
  worker.on('error', (error) => {
    if (!exited) events.exit(`sandbox worker failed: ${error.message}`);
    exited = true;
  });
  worker.on('exit', (code) => {
    if (!exited) events.exit(`sandbox worker exited (code ${code})`);
    exited = true;
  });
  return {
    kind: 'worker',
    // The packed arguments are moved to the worker, not copied; the request owns them.
    send: (request) => worker.postMessage(request, transferables(request)),
    kill: () => {
      void worker.terminate();
    },
    hold: (held) => (held ? worker.ref() : worker.unref()),
  };
}
