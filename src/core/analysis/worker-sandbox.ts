// The analysis worker's sandbox and module store (the editor's, see WorkerSetup): every run goes through the sandbox,
// every module it runs is kept by CID, and what the plan's metrics count is told to the host as events.
import type { GeneExecutor } from '../compiler/gene-executor';
import type { CompiledGene } from '../compiler/types';
import { type StoredModule, storeCompiledModule } from '../store';
import { ModuleCache } from '../store/cache';
import { Sandbox, type SandboxRun } from '../sandbox/sandbox';
import { createSandboxExecutor } from '../sandbox/sandbox-executor';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from '../sandbox/limits';
import { VIOLATION_KIND_OF_VERDICT, type SandboxResult, type WasmScalar } from '../sandbox/verdict';
import { type FetchedModule, fetchModule } from '../store/fetch-module';
import type { WorkerEvent, WorkerSetup } from './protocol';

/** While runs are in flight, the pool's memory in use is sampled this often (and told only when it changed). */
const MEMORY_SAMPLE_MS = 100;

export type StoringExecutor = GeneExecutor & { peakMemoryBytes(): number; cache(): 'hit' | 'miss' | undefined };

export class WorkerSandbox {
  private current: { sandbox: Sandbox; key: string } | undefined;
  private store: Promise<ModuleCache | undefined> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private sampler: NodeJS.Timeout | undefined;
  private lastSample = '';

  constructor(
    private readonly setup: WorkerSetup,
    private readonly post: (event: WorkerEvent) => void,
  ) {}

  get enabled(): boolean {
    return this.setup.sandbox === true;
  }

  /** Our own compiled genes in the warm worker pool, under the flags' limits; each module is stored by CID before it runs. */
  executor(limits: SandboxLimits): StoringExecutor {
    const inner = createSandboxExecutor(this.sandboxFor(limits));
    const stored = new WeakMap<Uint8Array, Promise<StoredModule | undefined>>();
    let cache: 'hit' | 'miss' | undefined;
    return {
      peakMemoryBytes: () => inner.peakMemoryBytes(),
      cache: () => cache,
      runBatch: async (gene: CompiledGene, inputs, batchLimits) => {
        let storing = stored.get(gene.bytes);
        if (!storing) stored.set(gene.bytes, (storing = this.storeCompiled(gene.bytes)));
        const module = await storing;
        cache ??= module?.cache;
        return this.track(inner.runBatch(module ? { ...gene, bytes: module.bytes } : gene, inputs, batchLimits));
      },
    };
  }

  /** A compiled module kept by CID: unchanged source is a hit, and the verified bytes from the store are the ones used. */
  async storeCompiled(bytes: Uint8Array): Promise<StoredModule | undefined> {
    const store = await this.openStore();
    if (!store) return undefined;
    const stored = await storeCompiledModule(store, bytes);
    this.post({ event: 'cache', hit: stored.cache === 'hit' });
    return stored;
  }

  /** A module by CID from the store or the gateways, each attempt told (the plan's "IPFS availability"). */
  async fetch(cid: string, gateways: readonly string[], timeoutMs: number): Promise<FetchedModule | undefined> {
    const store = await this.openStore();
    if (!store) return undefined;
    const fetched = await fetchModule(cid, store, gateways, timeoutMs);
    this.post({ event: 'cache', hit: fetched.ok && fetched.source === 'cache' });
    for (const attempt of fetched.attempts) this.post({ event: 'gateway', ok: attempt.outcome === 'ok' });
    return fetched;
  }

  /** A foreign module: the child process, which SIGKILL stops at once. */
  runForeign(module: Uint8Array, exportName: string, args: WasmScalar[][], limits: SandboxLimits): Promise<SandboxRun> {
    return this.track(this.sandboxFor(limits).runMeasured({ module, export: exportName, args, trusted: false, limits: { maxFuel: limits.maxFuel } }));
  }

  async dispose(): Promise<void> {
    clearInterval(this.sampler);
    this.sampler = undefined;
    const current = this.current;
    this.current = undefined;
    await current?.sandbox.dispose();
  }

  private openStore(): Promise<ModuleCache | undefined> {
    const dir = this.setup.moduleCacheDir;
    this.store ??= dir ? ModuleCache.open(dir) : Promise.resolve(undefined);
    return this.store;
  }

  /** One sandbox per set of time and memory limits (the flags'); a change replaces it once the runs under the old one end. */
  private sandboxFor(limits: SandboxLimits): Sandbox {
    const key = `${limits.maxTimeMs}/${limits.maxMemoryBytes}`;
    if (this.current?.key === key) return this.current.sandbox;
    const previous = this.current?.sandbox;
    if (previous) void Promise.allSettled([...this.inFlight]).then(() => previous.dispose());
    const sandbox = new Sandbox({
      limits: { ...DEFAULT_SANDBOX_LIMITS, ...limits },
      poolSize: 1,
      childPoolSize: 1,
      observer: { runFinished: ({ results }) => this.reportViolations(results) },
    });
    this.current = { sandbox, key };
    return sandbox;
  }

  /** One event per run and kind, not per call: a refused batch is one violation. */
  private reportViolations(results: readonly SandboxResult[]): void {
    const seen = new Set<string>();
    for (const result of results) {
      if (!(result.verdict in VIOLATION_KIND_OF_VERDICT) || seen.has(result.verdict)) continue;
      seen.add(result.verdict);
      const kind = VIOLATION_KIND_OF_VERDICT[result.verdict as keyof typeof VIOLATION_KIND_OF_VERDICT];
      this.post({ event: 'violation', kind, import: result.verdict === 'forbidden-import' ? result.violation.import : '' });
    }
  }

  /** Runs in flight keep the memory sampler going; the last one out reports the idle pool. */
  private track<T>(run: Promise<T>): Promise<T> {
    this.inFlight.add(run);
    this.sample();
    this.sampler ??= setInterval(() => this.sample(), MEMORY_SAMPLE_MS);
    const settle = () => {
      this.inFlight.delete(run);
      if (this.inFlight.size > 0) return;
      clearInterval(this.sampler);
      this.sampler = undefined;
      this.sample();
    };
    run.then(settle, settle);
    return run;
  }

  private sample(): void {
    const sandbox = this.current?.sandbox;
    if (!sandbox) return;
    const { memoryBytes, memoryLimitBytes } = sandbox.memoryInUse();
    const text = `${memoryBytes}/${memoryLimitBytes}`;
    if (text === this.lastSample) return;
    this.lastSample = text;
    this.post({ event: 'memory', memoryBytes, memoryLimitBytes });
  }
}
