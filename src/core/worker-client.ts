import { Worker } from 'node:worker_threads';
import type { WorkerDescription, WorkerRequest, WorkerResponse } from './worker-protocol';

type Pending = { resolve: (value: WorkerDescription) => void; reject: (error: Error) => void };

/**
 * One analysis worker, started on first use so activation stays cheap.
 * A worker that dies fails its pending requests and is replaced on the next call.
 */
export class AnalysisWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly scriptPath: string) {}

  describe(): Promise<WorkerDescription> {
    return this.request({ id: this.nextId++, op: 'describe' });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('analysis worker disposed'));
    await worker?.terminate();
  }

  private request(request: WorkerRequest): Promise<WorkerDescription> {
    const worker = this.ensureWorker();
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      // Keep the process alive only while an answer is owed, so an idle worker never holds the CLI open.
      worker.ref();
      worker.postMessage(request);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.scriptPath);
    worker.on('message', (response: WorkerResponse) => {
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
