import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { WorkerEvent, WorkerMessage, WorkerOp, WorkerOps, WorkerSetup } from './protocol';

/** How long dispose() waits for the sandbox's pools to close before terminating the worker anyway. */
const SHUTDOWN_WAIT_MS = 1000;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** A cancellable call: `cancel()` asks the worker to stop; the promise then settles with what the worker returns. */
export interface WorkerCall<T> {
  result: Promise<T>;
  cancel(): void;
}

/**
 * One analysis worker, started on first use so activation stays cheap.
 * A worker that dies fails its pending requests and is replaced on the next call.
 */
export class AnalysisWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly scriptPath: string,
    private readonly options: { setup?: WorkerSetup; onEvent?: (event: WorkerEvent) => void; youngGenerationMb?: number } = {},
  ) {}

  describe(): Promise<WorkerOps['describe']['result']> {
    return this.call('describe', undefined).result;
  }

  call<K extends WorkerOp>(op: K, payload: WorkerOps[K]['payload']): WorkerCall<WorkerOps[K]['result']> {
    const cancel = new SharedArrayBuffer(4);
    const id = this.nextId++;
    const result = new Promise<WorkerOps[K]['result']>((resolve, reject) => {
      const worker = this.ensureWorker();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      // Keep the process alive only while an answer is owed, so an idle worker never holds the CLI open.
      worker.ref();
      worker.postMessage({ id, op, payload, cancel });
    });
    return { result, cancel: () => Atomics.store(new Int32Array(cancel), 0, 1) };
  }

  /** Stops the worker at once; pending calls fail, and the next call starts a fresh worker. */
  async dispose(): Promise<void> {
    // A worker with a sandbox first disposes its pools, so no sandbox child process outlives it (bounded: it may be busy).
    if (this.worker && this.options.setup?.sandbox) {
      const shutdown = this.call('shutdown', undefined).result.catch(() => undefined);
      await Promise.race([shutdown, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())]);
    }
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('analysis worker disposed'));
    await worker?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // The TypeScript parser recurses: a larger stack lets deeply nested files parse instead of failing "too deep".
    const resourceLimits: ResourceLimits = { stackSizeMb: 32, ...(this.options.youngGenerationMb !== undefined ? { maxYoungGenerationSizeMb: this.options.youngGenerationMb } : {}) };
    const worker = new Worker(this.scriptPath, { resourceLimits, ...(this.options.setup ? { workerData: this.options.setup } : {}) });
    worker.on('message', (response: WorkerMessage) => {
      if ('event' in response) {
        this.options.onEvent?.(response);
        return;
      }
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      if (this.pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.result);
      else pending.reject(new Error(response.error));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`analysis worker exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
