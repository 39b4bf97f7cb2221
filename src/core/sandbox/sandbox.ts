import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { spawnChild, spawnWorker } from './executor';
import { packArguments } from './batch-arguments';
import { inspectModule } from './inspect-module';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './limits';
import { ExecutorPool, type PoolSnapshot } from './pool';
import type { SandboxResult, ImportViolationKind, WasmArgument } from './verdict';
import type { ElementKind } from '../wasm-array-abi';

export interface SandboxRequest {
  module: Uint8Array;
  export: string;
  /** A batch of argument tuples, one call each. Empty: instantiate only, answering one result. */
  args: WasmArgument[][];
  /** The export returns a string (a compiled gene's pointer): the result is read from its memory as a string. */
  stringResult?: boolean;
  /** The export returns an array of these elements (a compiled gene's pointer): the result is its JSON text (wasm-array-abi). */
  arrayResult?: ElementKind;
  /** Our own compiled genes: the warm worker pool (if the module has no memory or table). Default: a child process. */
  trusted?: boolean;
  /** Overrides the sandbox's limits for this run. */
  limits?: Partial<SandboxLimits>;
}

export type SandboxPath = 'worker' | 'child' | 'refused';

/** A run's results with what it cost: `memoryBytes` is the peak WebAssembly memory of the run (0 when refused). */
export interface SandboxRun {
  results: SandboxResult[];
  memoryBytes: number;
  path: SandboxPath;
}

/** Hooks for chimera_* metrics (wired by src/core/metrics); all optional and called synchronously. */
export interface SandboxObserver {
  runFinished?(event: { results: readonly SandboxResult[]; durationMs: number; declaredMemoryBytes: number; memoryLimitBytes: number; memoryBytes: number; path: SandboxPath }): void;
  securityViolation?(kind: ImportViolationKind, importName: string): void;
}

export interface SandboxOptions {
  limits?: Partial<SandboxLimits>;
  /** Entry scripts; by default the bundles next to this one (dist/sandbox-child.js, dist/sandbox-worker.js). */
  childScript?: string;
  workerScript?: string;
  /** Warm workers for trusted genes, and child processes for foreign modules. */
  poolSize?: number;
  childPoolSize?: number;
  observer?: SandboxObserver;
}

/**
 * Runs any WebAssembly module under time, fuel, memory and import limits, off the calling thread.
 * Foreign modules run in a child process that SIGKILL stops at once; trusted genes in a warm worker pool.
 */
export class Sandbox {
  readonly limits: SandboxLimits;
  private readonly workers: ExecutorPool;
  private readonly children: ExecutorPool;
  private readonly observer: SandboxObserver;
  private readonly workerCount: number;
  private readonly childCount: number;

  constructor(options: SandboxOptions = {}) {
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
    const workerScript = options.workerScript ?? join(__dirname, 'sandbox-worker.js');
    const childScript = options.childScript ?? join(__dirname, 'sandbox-child.js');
    const poolSize = options.poolSize ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.workerCount = poolSize;
    this.childCount = options.childPoolSize ?? 1;
    this.workers = new ExecutorPool((events) => spawnWorker(workerScript, events), this.workerCount);
    this.children = new ExecutorPool((events) => spawnChild(childScript, events), this.childCount);
    this.observer = options.observer ?? {};
  }

  async run(request: SandboxRequest): Promise<SandboxResult[]> {
    return (await this.runMeasured(request)).results;
  }

  /** Like run(), with the run's peak WebAssembly memory and the path it took. */
  async runMeasured(request: SandboxRequest): Promise<SandboxRun> {
    const started = performance.now();
    const limits: SandboxLimits = { ...this.limits, ...request.limits };
    const count = Math.max(1, request.args.length);
    const report = (results: SandboxResult[], path: SandboxPath, declaredMemoryBytes = 0, memoryBytes = 0): SandboxRun => {
      this.observer.runFinished?.({ results, durationMs: performance.now() - started, declaredMemoryBytes, memoryLimitBytes: limits.maxMemoryBytes, memoryBytes, path });
      return { results, memoryBytes, path };
    };
    const inspection = inspectModule(request.module, limits);
    if (!inspection.ok) {
      const { result } = inspection;
      if (result.verdict === 'forbidden-import') this.observer.securityViolation?.(result.violation.kind, result.violation.import);
      return report(Array.from({ length: count }, () => result), 'refused');
    }
    const { facts } = inspection;
    let params: string[] = [];
    let resultTypes: string[] = [];
    if (request.args.length > 0) {
      const target = facts.exports.find((e) => e.name === request.export);
      if (!target || target.kind !== 'function' || !target.signature) {
        return report(Array.from({ length: count }, () => ({ verdict: 'invalid-module', message: `the module exports no function named '${request.export}'`, ms: 0 }) as SandboxResult), 'refused');
      }
      const unusable = [...target.signature.params, ...target.signature.results].find((t) => !['i32', 'i64', 'f32', 'f64'].includes(t));
      if (unusable) {
        return report(Array.from({ length: count }, () => ({ verdict: 'unsupported', message: `'${request.export}' uses the type ${unusable}, which the host cannot pass`, ms: 0 }) as SandboxResult), 'refused');
      }
      params = target.signature.params;
      resultTypes = target.signature.results;
    }
    // A worker cannot be stopped quickly in a bulk-memory loop, so only memory- and table-free modules may use one.
    const path = request.trusted === true && !facts.hasMemoryOrTable ? 'worker' : 'child';
    const pool = path === 'worker' ? this.workers : this.children;
    const run = await pool.run(
      { module: inspection.module, exportName: request.export, params, results: resultTypes, args: packArguments(params, request.args), maxFuel: limits.maxFuel, metered: facts.metered, hiddenMemoryBytes: facts.hiddenMemoryBytes, ...(request.stringResult ? { stringResult: true } : {}), ...(request.arrayResult ? { arrayResult: request.arrayResult } : {}) },
      limits.maxTimeMs,
    );
    return report(run.results, path, facts.declaredMemoryBytes, run.memoryBytes);
  }

  /**
   * WebAssembly memory in use across the whole sandbox (runs in progress, as last reported) against what the pool may
   * hold (the memory limit per executor): chimera_memory_bytes and chimera_memory_limit_bytes, for periodic sampling.
   */
  memoryInUse(): { memoryBytes: number; memoryLimitBytes: number } {
    return { memoryBytes: this.workers.memoryInUse() + this.children.memoryInUse(), memoryLimitBytes: this.limits.maxMemoryBytes * (this.workerCount + this.childCount) };
  }

  /** Pool state, for tests and the status view: how many executors are alive and how many were killed. */
  snapshot(): { workers: PoolSnapshot; children: PoolSnapshot } {
    return { workers: this.workers.snapshot(), children: this.children.snapshot() };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.workers.dispose(), this.children.dispose()]);
  }
}
