import type { EventInput, TelemetryEventName } from './schema';
import type { FlushOutcome, RecordOutcome, TelemetryClient, TelemetryRecorder, TelemetryStats } from './client';

/** A further destination (PostHog beside the HTTP collector): its own client, so its own persistent queue and backoff. */
export interface TelemetryDestination {
  client: TelemetryClient;
  /** Read at every record: while false the destination receives no new events (e.g. no PostHog project key). */
  active: () => boolean;
}

/**
 * Records each event into every active destination, each with its own queue: a destination that is down keeps its
 * events and backs off alone, and never makes another receive a batch twice. The primary destination always records
 * and its outcome is the one returned (all share the schema and the consent rules, so they agree).
 */
export class TelemetryFanOut implements TelemetryRecorder {
  constructor(
    private readonly primary: TelemetryClient,
    private readonly others: readonly TelemetryDestination[],
  ) {}

  record<N extends TelemetryEventName>(name: N, data: EventInput<N>): RecordOutcome {
    return this.recordUnchecked(name, data);
  }

  recordUnchecked(name: string, data: unknown): RecordOutcome {
    for (const other of this.others) if (other.active()) other.client.recordUnchecked(name, data);
    return this.primary.recordUnchecked(name, data);
  }

  async flush(force = false): Promise<FlushOutcome> {
    return combineOutcomes(await Promise.all(this.clients().map((client) => client.flush(force))));
  }

  async dispose(): Promise<FlushOutcome> {
    return combineOutcomes(await Promise.all(this.clients().map((client) => client.dispose())));
  }

  /** The primary's stats, with the counts summed over destinations and the sender of the first that sends anywhere. */
  stats(): TelemetryStats {
    const all = this.clients().map((client) => client.stats());
    const primary = all[0]!;
    return {
      ...primary,
      queued: sum(all.map((stats) => stats.queued)),
      droppedTotal: sum(all.map((stats) => stats.droppedTotal)),
      consecutiveFailures: Math.max(...all.map((stats) => stats.consecutiveFailures)),
      nextAttemptAt: Math.max(...all.map((stats) => stats.nextAttemptAt)),
      ...(all.find((stats) => stats.lastError) ? { lastError: all.find((stats) => stats.lastError)!.lastError } : {}),
      sender: all.find((stats) => stats.sender !== 'none')?.sender ?? 'none',
    };
  }

  private clients(): TelemetryClient[] {
    return [this.primary, ...this.others.map((other) => other.client)];
  }
}

/** One outcome for several destinations: a failure anywhere is a failure (those events stay queued there), else the totals. */
export function combineOutcomes(outcomes: readonly FlushOutcome[]): FlushOutcome {
  const delivered = sum(outcomes.map((outcome) => ('delivered' in outcome ? outcome.delivered : 0)));
  const remaining = sum(outcomes.map((outcome) => ('remaining' in outcome ? outcome.remaining : 0)));
  const failed = outcomes.find((outcome) => outcome.status === 'failed');
  if (failed) return { ...failed, delivered, remaining };
  if (outcomes.some((outcome) => outcome.status === 'delivered')) {
    return { status: 'delivered', delivered, withdrawn: sum(outcomes.map((outcome) => ('withdrawn' in outcome ? outcome.withdrawn : 0))), remaining };
  }
  const backoff = outcomes.find((outcome) => outcome.status === 'backoff');
  if (backoff) return { ...backoff, remaining };
  return { status: 'empty', withdrawn: sum(outcomes.map((outcome) => ('withdrawn' in outcome ? outcome.withdrawn : 0))) };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
