import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { type StorageProblem, readTextIfExists, storageProblem, writeFileAtomic } from './files';
import { type SafeValue, isSanitizedData } from './schema';

/** One sanitized event waiting to be sent; `at` is milliseconds since the epoch. */
export interface QueuedEvent {
  name: string;
  at: number;
  data: Record<string, SafeValue>;
}

export interface QueueOptions {
  /** Where the queue file lives (the extension's global storage, a temp dir in tests); undefined = memory only. */
  directory?: string;
  /** Most events kept; when full the oldest is dropped and counted. */
  capacity?: number;
  fileName?: string;
  clock?: Clock;
  /** After a failed write, wait this long before trying the disk again (a full disk stays full for a while). */
  retryStorageAfterMs?: number;
}

export interface QueueHealth {
  /** False while events live only in memory (no directory, or the last write failed). */
  persistent: boolean;
  problem?: StorageProblem;
  /** Unreadable lines skipped when the file was read (a torn last line after a crash, or edits). */
  recoveredCorruptLines: number;
}

export interface QueueBatch {
  events: QueuedEvent[];
  /** Pass back to acknowledge(): the sequence number of the last event in this batch. */
  throughSeq: number;
  /** Events dropped because the queue was full, not yet reported to a collector. */
  dropped: number;
}

export const DEFAULT_QUEUE_CAPACITY = 10_000;
export const QUEUE_FILE_NAME = 'telemetry-queue.jsonl';

/**
 * A bounded FIFO of sanitized events, kept in memory as JSON lines and mirrored to a JSON-lines
 * file: appends are batched per tick, acknowledgements rewrite the file atomically, and a new
 * instance reads what the last one left. Storage failures are reported in `health`, never thrown.
 */
export class TelemetryQueue {
  readonly capacity: number;
  readonly path: string | undefined;
  private readonly clock: Clock;
  private readonly retryStorageAfterMs: number;
  private lines: string[] = [];
  private head = 0;
  private headSeq = 0;
  private unreportedDrops = 0;
  private totalDrops = 0;
  private pending: string[] = [];
  private fileLines = 0;
  private needsRewrite = false;
  private writeScheduled = false;
  private io: Promise<void> = Promise.resolve();
  private problem: StorageProblem | undefined;
  private problemAt = 0;
  private corruptLines = 0;

  private constructor(options: QueueOptions) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? DEFAULT_QUEUE_CAPACITY));
    this.path = options.directory === undefined ? undefined : join(options.directory, options.fileName ?? QUEUE_FILE_NAME);
    this.clock = options.clock ?? systemClock;
    this.retryStorageAfterMs = options.retryStorageAfterMs ?? 30_000;
  }

  /** Opens (and repairs, if needed) the queue in `options.directory`; falls back to memory when the directory is unusable. */
  static async open(options: QueueOptions = {}): Promise<TelemetryQueue> {
    const queue = new TelemetryQueue(options);
    if (options.directory !== undefined) await queue.load(options.directory);
    return queue;
  }

  get size(): number {
    return this.lines.length - this.head;
  }

  /** Events dropped for lack of room since this instance opened (including drops found in the file). */
  get droppedTotal(): number {
    return this.totalDrops;
  }

  get health(): QueueHealth {
    return { persistent: this.path !== undefined && this.problem === undefined, ...(this.problem ? { problem: this.problem } : {}), recoveredCorruptLines: this.corruptLines };
  }

  enqueue(event: QueuedEvent): void {
    const line = JSON.stringify(event);
    this.lines.push(line);
    if (this.size > this.capacity) this.dropOldest(1);
    if (this.path === undefined) return;
    this.pending.push(line);
    // A backlog larger than the queue itself is cheaper to replace than to append.
    if (this.pending.length > this.capacity) {
      this.pending = [];
      this.needsRewrite = true;
    }
    this.scheduleWrite(false);
  }

  /** The oldest events, up to `max`, without removing them: they leave only when acknowledged. */
  peek(max: number): QueueBatch {
    const slice = this.lines.slice(this.head, this.head + Math.max(0, max));
    return { events: slice.map((line) => JSON.parse(line) as QueuedEvent), throughSeq: this.headSeq + slice.length - 1, dropped: this.unreportedDrops };
  }

  /** Removes the events of a delivered batch (those still present: some may have been dropped meanwhile). */
  acknowledge(batch: Pick<QueueBatch, 'throughSeq' | 'dropped'>): void {
    const count = Math.min(this.size, batch.throughSeq - this.headSeq + 1);
    if (count > 0) this.advance(count);
    this.unreportedDrops = Math.max(0, this.unreportedDrops - batch.dropped);
    if (this.path === undefined) return;
    this.needsRewrite = true;
    this.scheduleWrite(true);
  }

  /** Resolves when everything enqueued so far is on disk, or the disk refused it (see health). */
  async persist(): Promise<QueueHealth> {
    if (this.path !== undefined && (this.pending.length > 0 || this.needsRewrite)) this.scheduleWrite(true);
    await this.io;
    return this.health;
  }

  private dropOldest(count: number): void {
    this.advance(count);
    this.unreportedDrops += count;
    this.totalDrops += count;
  }

  private advance(count: number): void {
    this.head += count;
    this.headSeq += count;
    // Reclaim the consumed prefix now and then, so removal stays O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  private scheduleWrite(force: boolean): void {
    if (this.writeScheduled) return;
    if (!force && this.problem && this.clock.now() - this.problemAt < this.retryStorageAfterMs) return;
    this.writeScheduled = true;
    this.io = this.io.then(() => this.writeStep());
  }

  private async writeStep(): Promise<void> {
    this.writeScheduled = false;
    if (this.needsRewrite || this.problem || this.fileLines + this.pending.length > 2 * this.capacity) return this.rewrite();
    if (this.pending.length === 0) return;
    const chunk = `${this.pending.join('\n')}\n`;
    const count = this.pending.length;
    this.pending = [];
    try {
      await appendFile(this.path!, chunk, 'utf8');
      this.fileLines += count;
    } catch (error) {
      this.fail(storageProblem(error));
    }
  }

  private async rewrite(): Promise<void> {
    const live = this.lines.slice(this.head);
    const header = this.unreportedDrops > 0 ? [JSON.stringify({ dropped: this.unreportedDrops })] : [];
    this.pending = [];
    this.needsRewrite = false;
    const problem = await writeFileAtomic(this.path!, [...header, ...live].map((line) => `${line}\n`).join(''));
    if (problem) return this.fail(problem);
    this.fileLines = live.length;
    this.problem = undefined;
  }

  private fail(problem: StorageProblem): void {
    this.problem = problem;
    this.problemAt = this.clock.now();
    // The file may now lack lines or end in a torn one: the next successful write replaces it whole.
    this.needsRewrite = true;
    this.pending = [];
  }

  private async load(directory: string): Promise<void> {
    try {
      await mkdir(directory, { recursive: true });
    } catch (error) {
      return this.fail(storageProblem(error));
    }
    const read = await readTextIfExists(this.path!);
    if ('problem' in read) return this.fail(read.problem);
    const rows = read.text.split('\n');
    const tornTail = read.text.length > 0 && !read.text.endsWith('\n');
    let droppedInFile = 0;
    const events: string[] = [];
    for (const row of rows) {
      if (row.trim() === '') continue;
      const parsed = parseRow(row);
      if (parsed === undefined) this.corruptLines++;
      else if (typeof parsed === 'number') droppedInFile += parsed;
      else events.push(JSON.stringify(parsed));
    }
    const excess = Math.max(0, events.length - this.capacity);
    this.lines = events.slice(excess);
    this.unreportedDrops = droppedInFile + excess;
    this.totalDrops = this.unreportedDrops;
    this.fileLines = events.length;
    if (tornTail || this.corruptLines > 0 || excess > 0) {
      // Repair now: appending after a torn line would glue the next event onto it.
      this.needsRewrite = true;
      await this.persist();
    }
  }
}

/** A stored row: an event (re-validated against the schema), a dropped-count header, or undefined when unreadable. */
function parseRow(row: string): QueuedEvent | number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(row);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length === 1 && typeof record.dropped === 'number' && Number.isSafeInteger(record.dropped) && record.dropped >= 0) return record.dropped;
  if (typeof record.name !== 'string' || typeof record.at !== 'number' || !Number.isFinite(record.at)) return undefined;
  if (!isSanitizedData(record.name, record.data)) return undefined;
  return { name: record.name, at: record.at, data: record.data };
}
