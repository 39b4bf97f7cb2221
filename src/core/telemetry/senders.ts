import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PRODUCT } from '../product';
import type { QueuedEvent } from './queue';
import type { SafeValue } from './schema';

/** What goes over the wire: one JSON document per POST. */
export interface TelemetryBatch {
  schema: 1;
  product: string;
  version: string;
  sentAt: string;
  /** Events dropped on this machine because the queue was full, since the last delivered batch. */
  dropped: number;
  events: { name: string; at: string; data: Record<string, SafeValue> }[];
}

export type SendResult = { ok: true } | { ok: false; error: string };

/** Delivers one batch; never throws. A batch is removed from the queue only after `{ ok: true }`. */
export interface BatchSender {
  readonly kind: 'none' | 'http' | 'reporter' | 'posthog';
  send(batch: TelemetryBatch): Promise<SendResult>;
}

export function toBatch(events: readonly QueuedEvent[], dropped: number, now: number): TelemetryBatch {
  return {
    schema: 1,
    product: PRODUCT.name,
    version: PRODUCT.version,
    sentAt: new Date(now).toISOString(),
    dropped,
    events: events.map((event) => ({ name: event.name, at: new Date(event.at).toISOString(), data: event.data })),
  };
}

/** The default: nothing leaves the machine; each event is written to the local log so people can see what would be sent. */
export function noneSender(log: (line: string) => void = () => undefined): BatchSender {
  return {
    kind: 'none',
    async send(batch) {
      for (const event of batch.events) log(`telemetry (not sent, no sender configured): ${JSON.stringify(event)}`);
      return { ok: true };
    },
  };
}

export interface HttpSenderOptions {
  endpoint: string;
  /** The whole request, connect to last byte of the response. */
  timeoutMs?: number;
}

/** Checks an endpoint setting; an error value for anything but an http(s) URL. */
export function parseEndpoint(endpoint: string): { url: URL } | { error: string } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { error: `telemetry endpoint is not a URL: ${JSON.stringify(endpoint)}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `telemetry endpoint must be http or https, not ${url.protocol}` };
  return { url };
}

/** POSTs each batch as JSON; any 2xx response means delivered, everything else (including a timeout) means keep it. */
export function httpSender(options: HttpSenderOptions): BatchSender | { error: string } {
  const parsed = parseEndpoint(options.endpoint);
  if ('error' in parsed) return parsed;
  const { url } = parsed;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    kind: 'http',
    send: (batch) => postJson(url, JSON.stringify(batch), timeoutMs),
  };
}

function postJson(url: URL, body: string, timeoutMs: number): Promise<SendResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        // No keep-alive: a sender that runs every few minutes should leave no socket holding the process open.
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close', 'user-agent': `${PRODUCT.name}/${PRODUCT.version}` },
      },
      (response) => {
        response.on('error', (error) => finish({ ok: false, error: `response: ${error.message}` }));
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          finish(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}` });
        });
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, error: `timed out after ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => finish({ ok: false, error: error.message }));
    request.end(body);
  });
}

/**
 * The shape of `TelemetryReporter` from `@vscode/extension-telemetry` (Application Insights), so
 * src/vscode can pass one in without src/core depending on that package (which imports `vscode`).
 */
export interface TelemetryReporterLike {
  sendTelemetryEvent(eventName: string, properties?: Record<string, string>, measurements?: Record<string, number>): void;
  sendTelemetryErrorEvent(eventName: string, properties?: Record<string, string>, measurements?: Record<string, number>): void;
}

/** Hands each event to an Application Insights reporter: numbers as measurements, the rest as string properties. */
export function reporterSender(reporter: TelemetryReporterLike, errorEvents: ReadonlySet<string>): BatchSender {
  return {
    kind: 'reporter',
    async send(batch) {
      try {
        for (const event of batch.events) {
          const properties: Record<string, string> = {};
          const measurements: Record<string, number> = {};
          for (const [key, value] of Object.entries(event.data)) {
            if (typeof value === 'number') measurements[key] = value;
            else properties[key] = String(value);
          }
          if (batch.dropped > 0) measurements.droppedBefore = batch.dropped;
          (errorEvents.has(event.name) ? reporter.sendTelemetryErrorEvent : reporter.sendTelemetryEvent).call(reporter, event.name, properties, measurements);
        }
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
