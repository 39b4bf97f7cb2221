import type { Executor, ExecutorEvents } from './executor';
import { type ExecuteRequest, type ExecutorMessage, PROGRESS_INTERVAL_MS } from './protocol';
import { appendChunk } from './result-chunk';
import type { SandboxResult } from './verdict';

export type SpawnExecutor = (events: ExecutorEvents) => Executor;

/** One answered request: a result per call, and the module's WebAssembly memory at its peak. */
export interface PoolRun {
  results: SandboxResult[];
  memoryBytes: number;
}

interface Job {
  request: Omit<ExecuteRequest, 'id'>;
  maxTimeMs: number;
  resolve(run: PoolRun): void;
}

interface Running {
  id: number;
  job: Job;
  results: SandboxResult[];
  started: number;
  deadline: number;
  instantiated: boolean;
  timer: NodeJS.Timeout;
  /** Last reported by the executor; until then the memories' initial size is known only for hidden ones. */
  memoryBytes: number;
}

interface Lane {
  executor: Executor;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  running?: Running;
}

export interface PoolSnapshot {
  /** Executors alive (starting, idle or busy). */
  live: number;
  busy: number;
  queued: number;
  /** Executors killed at a time limit since the pool was made. */
  kills: number;
}

/** After this many executors die before coming online in a row, queued runs fail instead of respawning forever. */
const MAX_START_FAILURES = 3;

/**
 * A few executors of one kind, each running one request at a time under a wall-clock limit.
 * An executor that overruns is killed at once and replaced, so the pool stays warm.
 */
export class ExecutorPool {
  private readonly lanes: Lane[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private kills = 0;
  private startFailures = 0;
  private disposed = false;

  constructor(
    private readonly spawn: SpawnExecutor,
    private readonly size: number,
  ) {}

  /** Resolves with one result per argument tuple (one for an instantiate-only run); never rejects. */
  run(request: Omit<ExecuteRequest, 'id'>, maxTimeMs: number): Promise<PoolRun> {
    if (this.disposed) return Promise.resolve({ results: fill([], expectedCount(request), { verdict: 'engine-crash', message: 'the sandbox was disposed', ms: 0 }), memoryBytes: 0 });
    return new Promise((resolve) => {
      this.queue.push({ request, maxTimeMs, resolve });
      this.dispatch();
    });
  }

  snapshot(): PoolSnapshot {
    const live = this.lanes.filter((lane) => lane.state !== 'dead');
    return { live: live.length, busy: live.filter((lane) => lane.state === 'busy').length, queued: this.queue.length, kills: this.kills };
  }

  /** WebAssembly memory held by the runs in progress, as last reported; a finished run's instance is gone. */
  memoryInUse(): number {
    return this.lanes.reduce((sum, lane) => sum + (lane.running?.memoryBytes ?? 0), 0);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.resolve({ results: fill([], expectedCount(job.request), { verdict: 'engine-crash', message: 'the sandbox was disposed', ms: 0 }), memoryBytes: 0 });
    for (const lane of [...this.lanes]) {
      if (lane.running) this.finish(lane, { verdict: 'engine-crash', message: 'the sandbox was disposed', ms: 0 });
      this.retire(lane);
    }
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.lanes.find((lane) => lane.state === 'idle');
      if (idle) {
        this.assign(idle, this.queue.shift()!);
        continue;
      }
      if (this.lanes.length < this.size) this.startLane();
      // Runs are waiting: the executors on their way must keep the process alive until they come online.
      for (const lane of this.lanes) if (lane.state === 'starting') lane.executor.hold(true);
      return;
    }
  }

  private startLane(): void {
    const lane: Lane = { state: 'starting', executor: undefined as unknown as Executor };
    this.lanes.push(lane);
    lane.executor = this.spawn({
      message: (message) => this.onMessage(lane, message),
      exit: (description) => this.onExit(lane, description),
    });
    lane.executor.hold(false);
  }

  private assign(lane: Lane, job: Job): void {
    const now = performance.now();
    const id = this.nextId++;
    const running: Running = { id, job, results: [], started: now, deadline: now + job.maxTimeMs, instantiated: false, timer: undefined as unknown as NodeJS.Timeout, memoryBytes: job.request.hiddenMemoryBytes };
    running.timer = setTimeout(() => this.checkDeadline(lane, running), job.maxTimeMs);
    lane.state = 'busy';
    lane.running = running;
    lane.executor.hold(true);
    lane.executor.send({ ...job.request, id });
  }

  private onMessage(lane: Lane, message: ExecutorMessage): void {
    if (message.type === 'online') {
      if (lane.state !== 'starting') return;
      this.startFailures = 0;
      lane.state = 'idle';
      lane.executor.hold(false);
      this.dispatch();
      return;
    }
    const running = lane.running;
    if (!running || running.id !== message.id) return;
    // Each sign of progress gives the next call a full time limit; a progress report may lag its calls by one interval.
    running.deadline = performance.now() + running.job.maxTimeMs + (message.type === 'instantiated' ? 0 : PROGRESS_INTERVAL_MS);
    if (message.type === 'instantiated') {
      running.instantiated = true;
      running.memoryBytes = message.memoryBytes;
    } else if (message.type === 'progress') {
      appendChunk(message.chunk, running.results);
      running.memoryBytes = message.memoryBytes;
    } else {
      appendChunk(message.chunk, running.results);
      running.memoryBytes = message.memoryBytes;
      this.finish(lane, message.failure);
      lane.state = 'idle';
      lane.executor.hold(false);
      this.dispatch();
    }
  }

  private checkDeadline(lane: Lane, running: Running): void {
    if (lane.running !== running) return;
    const left = running.deadline - performance.now();
    if (left > 0) {
      running.timer = setTimeout(() => this.checkDeadline(lane, running), left);
      return;
    }
    this.kills++;
    const limit = running.job.maxTimeMs;
    const what = running.instantiated ? 'the call' : 'compilation, instantiation or the start function';
    this.finish(lane, { verdict: 'timeout', message: `${what} exceeded the time limit of ${limit} ms`, ms: performance.now() - running.started });
    this.retire(lane);
    this.refill();
  }

  private onExit(lane: Lane, description: string): void {
    const wasStarting = lane.state === 'starting';
    if (lane.running) this.finish(lane, { verdict: 'engine-crash', message: description, ms: performance.now() - lane.running.started });
    this.retire(lane);
    if (wasStarting && ++this.startFailures >= MAX_START_FAILURES) {
      for (const job of this.queue.splice(0)) job.resolve({ results: fill([], expectedCount(job.request), { verdict: 'engine-crash', message: `the sandbox could not start: ${description}`, ms: 0 }), memoryBytes: 0 });
      return;
    }
    this.refill();
  }

  /** Answers the running job: what it reported, then `rest` for every call that has no result. */
  private finish(lane: Lane, rest: SandboxResult | undefined): void {
    const running = lane.running;
    if (!running) return;
    clearTimeout(running.timer);
    lane.running = undefined;
    const expected = expectedCount(running.job.request);
    running.job.resolve({ results: rest ? fill(running.results, expected, rest) : running.results.slice(0, expected), memoryBytes: running.memoryBytes });
  }

  private retire(lane: Lane): void {
    lane.state = 'dead';
    const index = this.lanes.indexOf(lane);
    if (index >= 0) this.lanes.splice(index, 1);
    lane.executor.kill();
  }

  /** Keeps the pool warm after a kill or a crash: a replacement starts now, not on the next run. */
  private refill(): void {
    if (this.disposed) return;
    if (this.queue.length > 0) this.dispatch();
    else if (this.lanes.length < this.size) this.startLane();
  }
}

function expectedCount(request: Omit<ExecuteRequest, 'id'>): number {
  return Math.max(1, request.args.count);
}

function fill(results: SandboxResult[], expected: number, rest: SandboxResult): SandboxResult[] {
  const out = results.slice(0, expected);
  while (out.length < expected) out.push(rest);
  return out;
}
