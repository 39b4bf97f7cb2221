import { type Clock, systemClock } from './clock';
import { type ConsentDecision, type ConsentSettings, decideConsent } from './consent';
import { type QueueHealth, TelemetryQueue } from './queue';
import { type EventInput, type SanitizedEvent, TELEMETRY_EVENTS, type TelemetryEventName, isTelemetryEventName, sanitizeEvent } from './schema';
import { type BatchSender, toBatch } from './senders';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 5_000, maxMs: 30 * 60_000, factor: 2 };

/** Delay before the next attempt after `failures` consecutive failed sends (1 → initialMs, doubling, capped). */
export function backoffDelay(failures: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (failures <= 0) return 0;
  return Math.min(options.maxMs, options.initialMs * options.factor ** (failures - 1));
}

export interface TelemetryClientOptions {
  queue: TelemetryQueue;
  sender: BatchSender;
  /** Read at every decision: the user may change the telemetry level or the setting at any time. */
  consent: () => ConsentSettings;
  /** Salt for hashed ids (a per-product constant, so one machine hashes the same in telemetry and metrics). */
  salt: string;
  clock?: Clock;
  /** The local log: every recorded or refused event, so a person can see what is (not) sent. */
  log?: (line: string) => void;
  batchSize?: number;
  /** Send queued events this often; 0 = only on flush() and dispose(). */
  flushIntervalMs?: number;
  backoff?: BackoffOptions;
}

export type RecordOutcome =
  | { status: 'queued'; event: SanitizedEvent; strippedFields: number }
  | { status: 'not-consented'; reason: ConsentDecision['reason'] }
  | { status: 'refused'; reason: 'unknown-event' | 'not-an-object' | 'disposed' };

export type FlushOutcome =
  | { status: 'delivered'; delivered: number; withdrawn: number; remaining: number }
  | { status: 'empty'; withdrawn: number }
  | { status: 'backoff'; retryAt: number; remaining: number }
  | { status: 'failed'; error: string; delivered: number; remaining: number; retryAt: number };

export interface TelemetryStats {
  queued: number;
  droppedTotal: number;
  consecutiveFailures: number;
  nextAttemptAt: number;
  lastError?: string;
  storage: QueueHealth;
  sender: BatchSender['kind'];
}

/** What callers need of a telemetry pipeline: one TelemetryClient, or several destinations behind a TelemetryFanOut. */
export interface TelemetryRecorder {
  record<N extends TelemetryEventName>(name: N, data: EventInput<N>): RecordOutcome;
  recordUnchecked(name: string, data: unknown): RecordOutcome;
  flush(force?: boolean): Promise<FlushOutcome>;
  stats(): TelemetryStats;
  dispose(): Promise<FlushOutcome>;
}

/**
 * The telemetry pipeline: record() sanitizes, checks consent and queues; flush() sends queued
 * batches through the sender, removing them only once delivered, and backs off after failures.
 */
export class TelemetryClient implements TelemetryRecorder {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly batchSize: number;
  private readonly backoff: BackoffOptions;
  private failures = 0;
  private nextAttemptAt = 0;
  private lastError: string | undefined;
  private inFlight: Promise<FlushOutcome> | undefined;
  private interval: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private flushSoon = false;

  constructor(private readonly options: TelemetryClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => undefined);
    this.batchSize = Math.max(1, options.batchSize ?? 100);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    const every = options.flushIntervalMs ?? 60_000;
    if (every > 0) {
      this.interval = setInterval(() => void this.flush(), every);
      this.interval.unref();
    }
  }

  record<N extends TelemetryEventName>(name: N, data: EventInput<N>): RecordOutcome {
    return this.recordUnchecked(name, data);
  }

  /** For callers with untyped input (the VS Code TelemetrySender adapter): same checks, no compile-time help. */
  recordUnchecked(name: string, data: unknown): RecordOutcome {
    if (this.disposed) return { status: 'refused', reason: 'disposed' };
    const sanitized = sanitizeEvent(name, data, this.options.salt);
    if (!sanitized.ok) {
      this.log(`telemetry refused: ${sanitized.reason}`);
      return { status: 'refused', reason: sanitized.reason };
    }
    const consent = decideConsent(this.options.consent(), sanitized.event.class);
    if (!consent.send) return { status: 'not-consented', reason: consent.reason };
    this.options.queue.enqueue({ name: sanitized.event.name, at: this.clock.now(), data: sanitized.event.data });
    if (sanitized.strippedFields > 0) this.log(`telemetry ${name}: ${sanitized.strippedFields} field(s) stripped by the schema`);
    if (this.options.queue.size >= this.batchSize && !this.flushSoon) {
      this.flushSoon = true;
      setImmediate(() => {
        this.flushSoon = false;
        void this.flush();
      });
    }
    return { status: 'queued', event: sanitized.event, strippedFields: sanitized.strippedFields };
  }

  /** Sends everything queued before the call, batch by batch; during backoff it waits unless `force` (dispose, feedback). */
  flush(force = false): Promise<FlushOutcome> {
    // A send in progress may have peeked before the newest events: wait for it, then send again.
    if (this.inFlight) return this.inFlight.then(() => this.flush(force));
    this.inFlight = this.sendAll(force).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  stats(): TelemetryStats {
    return {
      queued: this.options.queue.size,
      droppedTotal: this.options.queue.droppedTotal,
      consecutiveFailures: this.failures,
      nextAttemptAt: this.nextAttemptAt,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      storage: this.options.queue.health,
      sender: this.options.sender.kind,
    };
  }

  /** Stops the timers, makes one last attempt to send, and leaves whatever was not delivered on disk. */
  async dispose(): Promise<FlushOutcome> {
    if (this.interval) clearInterval(this.interval);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.inFlight) await this.inFlight;
    const outcome = await this.flush(true);
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.options.queue.persist();
    return outcome;
  }

  private async sendAll(force: boolean): Promise<FlushOutcome> {
    const queue = this.options.queue;
    const now = this.clock.now();
    if (!force && now < this.nextAttemptAt) return { status: 'backoff', retryAt: this.nextAttemptAt, remaining: queue.size };
    let delivered = 0;
    let withdrawn = 0;
    // Bounded: each round removes at least one event or stops; the queue cannot grow faster than capacity.
    for (let round = 0; round <= Math.ceil(queue.capacity / this.batchSize) + 1 && queue.size > 0; round++) {
      const batch = queue.peek(this.batchSize);
      // Consent is checked again at send time: events queued before the user opted out are withdrawn, not sent.
      const consent = this.options.consent();
      const allowed = batch.events.filter((event) => isTelemetryEventName(event.name) && decideConsent(consent, TELEMETRY_EVENTS[event.name].class).send);
      withdrawn += batch.events.length - allowed.length;
      if (allowed.length > 0) {
        const result = await this.options.sender.send(toBatch(allowed, batch.dropped, this.clock.now()));
        if (!result.ok) return this.failed(result.error, delivered);
        delivered += allowed.length;
      }
      queue.acknowledge({ throughSeq: batch.throughSeq, dropped: allowed.length > 0 ? batch.dropped : 0 });
    }
    this.failures = 0;
    this.nextAttemptAt = 0;
    this.lastError = undefined;
    await queue.persist();
    if (delivered === 0 && queue.size === 0) return { status: 'empty', withdrawn };
    return { status: 'delivered', delivered, withdrawn, remaining: queue.size };
  }

  private failed(error: string, delivered: number): FlushOutcome {
    this.failures++;
    this.lastError = error;
    const delay = backoffDelay(this.failures, this.backoff);
    this.nextAttemptAt = this.clock.now() + delay;
    this.log(`telemetry: send failed (${error}); ${this.options.queue.size} event(s) kept, next attempt in ${Math.round(delay / 1000)} s`);
    if (!this.disposed) {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      // Forced: timers may fire a millisecond before the clock reaches nextAttemptAt, and a retry that then waited
      // for "backoff" would never be rescheduled.
      this.retryTimer = setTimeout(() => void this.flush(true), delay);
      this.retryTimer.unref();
    }
    return { status: 'failed', error, delivered, remaining: this.options.queue.size, retryAt: this.nextAttemptAt };
  }
}

/** The salt for hashed ids in telemetry: fixed per product, so a machine's hash is stable across sessions. */
export const TELEMETRY_SALT = 'chimera-for-void/telemetry/v1:';

/** Opens the queue in `directory` (memory only when undefined; `fileName` for a second destination) and returns a client over it. */
export async function openTelemetryClient(options: Omit<TelemetryClientOptions, 'queue'> & { directory?: string; capacity?: number; fileName?: string }): Promise<TelemetryClient> {
  const { directory, capacity, fileName, ...rest } = options;
  const queue = await TelemetryQueue.open({
    ...(directory !== undefined ? { directory } : {}),
    ...(capacity !== undefined ? { capacity } : {}),
    ...(fileName !== undefined ? { fileName } : {}),
    ...(rest.clock ? { clock: rest.clock } : {}),
  });
  return new TelemetryClient({ ...rest, queue });
}
