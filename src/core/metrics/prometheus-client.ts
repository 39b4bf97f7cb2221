import type { Outcome } from './exporter';

export interface PromSample {
  labels: Record<string, string>;
  /** NaN and ±Inf as Prometheus returns them ("NaN", "+Inf"). */
  value: number;
  /** Unix seconds of the evaluation. */
  t: number;
}

export interface QueryOptions {
  /** Evaluation time, Unix seconds (default: the server's now). */
  time?: number;
  timeoutMs?: number;
}

interface ApiResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

/**
 * Runs an instant query against a (team) Prometheus through its HTTP API (`/api/v1/query`).
 * An empty `samples` array is "no data", not 0. Network, HTTP and PromQL errors are values.
 */
export async function queryPrometheus(baseUrl: string, promql: string, options: QueryOptions = {}): Promise<Outcome<PromSample[]>> {
  let url: URL;
  try {
    url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    return { ok: false, error: `'${baseUrl}' is not a Prometheus URL` };
  }
  const body = new URLSearchParams({ query: promql });
  if (options.time !== undefined) body.set('time', String(options.time));
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  } catch (error) {
    return { ok: false, error: `Prometheus at ${url.origin} did not answer: ${describe(error)}` };
  }
  let parsed: ApiResponse;
  try {
    parsed = (await response.json()) as ApiResponse;
  } catch (error) {
    return { ok: false, error: `Prometheus at ${url.origin} answered HTTP ${response.status} without JSON: ${describe(error)}` };
  }
  if (parsed.status !== 'success' || !parsed.data) return { ok: false, error: `Prometheus rejected the query (HTTP ${response.status}): ${parsed.error ?? 'no data'}` };
  return { ok: true, value: toSamples(parsed.data.resultType, parsed.data.result) };
}

function toSamples(resultType: string, result: unknown): PromSample[] {
  const pair = (value: unknown) => {
    const [t, v] = value as [number, string];
    return { t, value: parseSampleValue(v) };
  };
  if (resultType === 'vector') return (result as { metric: Record<string, string>; value: unknown }[]).map((r) => ({ labels: r.metric, ...pair(r.value) }));
  if (resultType === 'scalar') return [{ labels: {}, ...pair(result) }];
  return [];
}

/** Prometheus writes infinities as "+Inf"/"-Inf", which Number() does not read. */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}
