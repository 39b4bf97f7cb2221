import { PRODUCT } from '../product';
import { type BatchSender, type SendResult, type TelemetryBatch, parseEndpoint } from './senders';

/** posthog-node's own default, and Void's: PostHog Cloud US. */
export const DEFAULT_POSTHOG_HOST = 'https://us.i.posthog.com';

export interface PostHogSenderOptions {
  /** The project API key (`phc_…`): write-only, it can send events but read nothing. */
  projectKey: string;
  /** PostHog's origin; empty means DEFAULT_POSTHOG_HOST. */
  host?: string;
  /** Who the events are about: a hashed id, never a raw one (PostHog shows it as the person). */
  distinctId: string;
  /** One POST, connect to last byte of the response. */
  timeoutMs?: number;
}

/**
 * Sends each batch as one PostHog `/batch/` request through posthog-node, Void's own telemetry library. Our queue stays
 * the only record of what is undelivered: every send uses a fresh posthog-node client without retries, timers or a
 * queue of its own, and anything but a clean flush is `{ ok: false }`, so the batch stays queued.
 */
export function posthogSender(options: PostHogSenderOptions): BatchSender | { error: string } {
  const projectKey = options.projectKey.trim();
  if (projectKey === '') return { error: 'PostHog project key is empty' };
  const parsed = parseEndpoint(options.host?.trim() || DEFAULT_POSTHOG_HOST);
  if ('error' in parsed) return { error: parsed.error.replace('telemetry endpoint', 'PostHog host') };
  if (options.distinctId === '') return { error: 'PostHog distinct id is empty' };
  const host = parsed.url.origin + parsed.url.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    kind: 'posthog',
    send: (batch) => sendBatch(batch, { projectKey, host, distinctId: options.distinctId, timeoutMs }),
  };
}

/** Each event as PostHog gets it: the schema's fields, nothing else but the product's version and PostHog's own flags. */
export function posthogProperties(data: TelemetryBatch['events'][number]['data'], droppedBefore: number): Record<string, string | number | boolean> {
  return {
    ...data,
    chimeraVersion: PRODUCT.version,
    ...(droppedBefore > 0 ? { droppedBefore } : {}),
    // No person profile: these are anonymous machine events, counted by distinct id only.
    $process_person_profile: false,
  };
}

async function sendBatch(batch: TelemetryBatch, options: Required<Omit<PostHogSenderOptions, 'host'>> & { host: string }): Promise<SendResult> {
  if (batch.events.length === 0) return { ok: true };
  try {
    // Loaded on first send: the CLI and the extension evaluate posthog-node only when a project key is set.
    const { PostHog } = await import('posthog-node');
    /** capture() queues after a promise; captureStateless queues now, so the flush below is sure to carry the batch. */
    class OneBatch extends PostHog {
      add(event: TelemetryBatch['events'][number], droppedBefore: number): void {
        this.captureStateless(options.distinctId, event.name, posthogProperties(event.data, droppedBefore), { timestamp: new Date(event.at) });
      }
    }
    const client = new OneBatch(options.projectKey, {
      host: options.host,
      // Everything in one request, sent only by flush() below: no background flush, timer or retry of posthog-node's.
      flushAt: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      fetchRetryCount: 0,
      requestTimeout: options.timeoutMs,
      disableGeoip: true,
    });
    // The drop count goes on the first event only, so summing it over events counts each drop once.
    batch.events.forEach((event, index) => client.add(event, index === 0 ? batch.dropped : 0));
    // flush() rejects on a network error, a timeout or an HTTP error status (posthog-core's _flush rethrows).
    await client.flush();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `PostHog: ${describe(error)}` };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return `HTTP ${status}`;
  // A network error wraps fetch's TypeError ("fetch failed"), which wraps the socket's error.
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause instanceof Error && cause.cause instanceof Error; depth++) cause = cause.cause;
  return cause instanceof Error ? cause.message : error.message;
}
