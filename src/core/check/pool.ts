// A worker per core for `chimera check`: each file is analysed on a free worker, under a hard time limit.
import { AnalysisWorker } from '../analysis/worker-client';
import type { WorkerOps, WorkerSetup } from '../analysis/protocol';

type AnalyzePayload = WorkerOps['analyze']['payload'];
type AnalyzeResult = WorkerOps['analyze']['result'];
/** The operations a pool runs file by file, each with a deadline. */
type FileOp = 'analyze' | 'indexGenes';

export type PoolOutcome<R = AnalyzeResult> = { ok: true; result: R } | { ok: false; kind: 'timeout' | 'crash'; message: string };

/**
 * A background worker's young generation: syntax trees outlive a default-sized one and are promoted, and garbage
 * collection then took 10% of an index build's time, 6.5% with this much (semi-spaces of 32 MB).
 */
const BACKGROUND_YOUNG_GENERATION_MB = 96;

/** Time a worker gets beyond its cooperative deadline before it is replaced. */
const GRACE_MS = 1000;

export class AnalysisPool {
  private readonly idle: AnalysisWorker[] = [];
  private readonly waiting: ((worker: AnalysisWorker) => void)[] = [];
  private readonly disposing: Promise<void>[] = [];
  /** Workers started to replace one that timed out or crashed. */
  replaced = 0;

  private started: Promise<void> | undefined;

  /** Workers once started. */
  readonly size: number;

  /** Workers start on the first file that needs one (or an early start()): a run answered wholly from the cache starts none. */
  /** `background`: the workers run at a lower OS priority (see thread-priority.ts), for work nobody waits on. */
  constructor(
    private readonly scriptPath: string,
    size: number,
    private readonly options: { background?: boolean } = {},
  ) {
    this.size = Math.max(1, size);
  }

  private newWorker(): AnalysisWorker {
    const setup: WorkerSetup = { background: true };
    return new AnalysisWorker(this.scriptPath, this.options.background ? { setup, youngGenerationMb: BACKGROUND_YOUNG_GENERATION_MB } : {});
  }

  /** Starts the workers and waits until each has loaded, so start-up never counts against a file's time. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const workers = Array.from({ length: this.size }, () => this.newWorker());
      try {
        await Promise.all(workers.map((worker) => worker.describe()));
      } catch (error) {
        await Promise.all(workers.map((worker) => worker.dispose()));
        throw new Error(`the analysis worker ${this.scriptPath} does not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      this.idle.push(...workers);
    })();
    return this.started;
  }

  private acquire(): Promise<AnalysisWorker> {
    const worker = this.idle.pop();
    if (worker) return Promise.resolve(worker);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: AnalysisWorker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  /** A worker that timed out or died is stopped in the background and a fresh, loaded one takes its place. */
  private async replace(worker: AnalysisWorker): Promise<AnalysisWorker> {
    this.replaced++;
    this.disposing.push(worker.dispose().catch(() => undefined));
    const fresh = this.newWorker();
    await fresh.describe();
    return fresh;
  }

  /**
   * Analyses one file with a cooperative deadline of `timeoutMs` (the analysis stops itself) and a hard limit a
   * little later (the worker is replaced); either way the outcome is a value, never an exception.
   */
  analyze(payload: Omit<AnalyzePayload, 'deadline'>, timeoutMs: number): Promise<PoolOutcome> {
    return this.runFile('analyze', payload, timeoutMs);
  }

  /** One file's genes for the workspace index (index-genes.ts), under the same limits as analyze(). */
  indexGenes(payload: Omit<WorkerOps['indexGenes']['payload'], 'deadline'>, timeoutMs: number): Promise<PoolOutcome<WorkerOps['indexGenes']['result']>> {
    return this.runFile('indexGenes', payload, timeoutMs);
  }

  private async runFile<K extends FileOp>(op: K, payload: Omit<WorkerOps[K]['payload'], 'deadline'>, timeoutMs: number): Promise<PoolOutcome<WorkerOps[K]['result']>> {
    await this.start();
    let worker = await this.acquire();
    const call = worker.call(op, { ...payload, deadline: Date.now() + timeoutMs } as WorkerOps[K]['payload']);
    let timer: NodeJS.Timeout | undefined;
    const hardLimit = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs + GRACE_MS);
    });
    let outcome: PoolOutcome<WorkerOps[K]['result']>;
    try {
      const settled = await Promise.race([call.result, hardLimit]);
      outcome = settled === 'timeout' ? { ok: false, kind: 'timeout', message: `the analysis did not finish within ${timeoutMs} ms` } : { ok: true, result: settled };
    } catch (error) {
      outcome = { ok: false, kind: 'crash', message: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
    if (!outcome.ok) {
      call.cancel();
      call.result.catch(() => undefined);
      try {
        worker = await this.replace(worker);
      } catch {
        // The replacement did not start; the next call on this AnalysisWorker starts one again.
      }
    }
    this.release(worker);
    return outcome;
  }

  async dispose(): Promise<void> {
    await this.started?.catch(() => undefined);
    const workers = this.idle.splice(0);
    await Promise.all([...workers.map((worker) => worker.dispose()), ...this.disposing]);
  }
}
