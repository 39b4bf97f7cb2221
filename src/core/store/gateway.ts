import { parseCid, verifyBlock } from './cid';

/** How one gateway answered; only `ok` bytes were verified against the CID and may be used. */
export type GatewayOutcome = 'ok' | 'mismatch' | 'timeout' | 'http-error' | 'network-error' | 'too-large';

export interface GatewayAttempt {
  gateway: string;
  outcome: GatewayOutcome;
  /** The HTTP status, when the gateway answered at all. */
  status?: number;
  detail?: string;
}

export interface FetchByCidOptions {
  /** Trustless gateway base URLs, tried in order (e.g. from IPFS_GATEWAY_URL). */
  gateways: readonly string[];
  /** Per gateway, for the whole exchange (connect, headers and body). */
  timeoutMs: number;
  /** Bodies larger than this are abandoned; a module never is this big. Default 16 MiB. */
  maxBytes?: number;
  /** Records the outcome, for the plan's "IPFS availability". */
  availability?: GatewayAvailability;
  signal?: AbortSignal;
}

export type FetchByCidResult =
  | { ok: true; cid: string; bytes: Uint8Array; gateway: string; attempts: GatewayAttempt[] }
  | { ok: false; cid: string; reason: 'invalid-cid' | 'no-gateway' | 'all-failed' | 'cancelled'; detail: string; attempts: GatewayAttempt[] };

export const DEFAULT_FETCH_MAX_BYTES = 16 * 1024 * 1024;

/** The share of fetches by CID that ended with verified bytes: the plan's "IPFS availability". */
export class GatewayAvailability {
  private requests = 0;
  private successes = 0;

  record(result: FetchByCidResult): void {
    if (!result.ok && (result.reason === 'invalid-cid' || result.reason === 'cancelled')) return; // not the network's fault
    this.requests++;
    if (result.ok) this.successes++;
  }

  snapshot(): { requests: number; successes: number; availability: number | null } {
    return { requests: this.requests, successes: this.successes, availability: this.requests === 0 ? null : this.successes / this.requests };
  }
}

/** Parses IPFS_GATEWAY_URL: one or more http(s) base URLs separated by commas or spaces; bad entries are reported, never used. */
export function gatewaysFromEnv(value: string | undefined): { gateways: string[]; problems: string[] } {
  const gateways: string[] = [];
  const problems: string[] = [];
  for (const entry of (value ?? '').split(/[\s,]+/).filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      problems.push(`'${entry}' is not a URL`);
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`'${entry}' is not an http(s) URL`);
    else if (url.search || url.hash) problems.push(`'${entry}' must be a base URL without query or fragment`);
    else gateways.push(url.href.replace(/\/+$/, ''));
  }
  return { gateways, problems };
}

/** The trustless-gateway request for one raw block (IPFS HTTP Gateway spec, `?format=raw`). */
export function blockUrl(gateway: string, cid: string): string {
  return `${gateway.replace(/\/+$/, '')}/ipfs/${cid}?format=raw`;
}

async function readBody(response: Response, maxBytes: number): Promise<Uint8Array | 'too-large'> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return 'too-large';
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function tryGateway(gateway: string, cid: string, timeoutMs: number, maxBytes: number, signal: AbortSignal | undefined): Promise<{ attempt: GatewayAttempt; bytes?: Uint8Array }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const cancel = () => controller.abort();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const response = await fetch(blockUrl(gateway, cid), { headers: { accept: 'application/vnd.ipld.raw' }, signal: controller.signal });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      return { attempt: { gateway, outcome: 'http-error', status: response.status, detail: response.statusText } };
    }
    const body = await readBody(response, maxBytes);
    if (body === 'too-large') return { attempt: { gateway, outcome: 'too-large', status: 200, detail: `body over ${maxBytes} bytes` } };
    const check = verifyBlock(cid, body);
    if (!check.ok) return { attempt: { gateway, outcome: 'mismatch', status: 200, detail: check.detail } };
    return { attempt: { gateway, outcome: 'ok', status: 200 }, bytes: body };
  } catch (error) {
    const detail = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { attempt: { gateway, outcome: timedOut ? 'timeout' : 'network-error', detail: timedOut ? `no complete answer within ${timeoutMs} ms` : detail } };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  }
}

/** Fetches a block by CID from trustless gateways, in order, using only bytes that hash to the CID. */
export async function fetchByCid(cid: string, options: FetchByCidOptions): Promise<FetchByCidResult> {
  const result = await fetchVerified(cid, options);
  options.availability?.record(result);
  return result;
}

async function fetchVerified(cid: string, options: FetchByCidOptions): Promise<FetchByCidResult> {
  const parsed = parseCid(cid);
  if (!parsed.ok) return { ok: false, cid, reason: 'invalid-cid', detail: parsed.detail, attempts: [] };
  if (options.gateways.length === 0) return { ok: false, cid: parsed.text, reason: 'no-gateway', detail: 'no gateway configured (IPFS_GATEWAY_URL)', attempts: [] };
  const attempts: GatewayAttempt[] = [];
  for (const gateway of options.gateways) {
    if (options.signal?.aborted) return { ok: false, cid: parsed.text, reason: 'cancelled', detail: 'cancelled', attempts };
    const { attempt, bytes } = await tryGateway(gateway, parsed.text, options.timeoutMs, options.maxBytes ?? DEFAULT_FETCH_MAX_BYTES, options.signal);
    if (options.signal?.aborted) return { ok: false, cid: parsed.text, reason: 'cancelled', detail: 'cancelled', attempts };
    attempts.push(attempt);
    if (bytes) return { ok: true, cid: parsed.text, bytes, gateway, attempts };
  }
  return { ok: false, cid: parsed.text, reason: 'all-failed', detail: attempts.map((a) => `${a.gateway}: ${a.outcome}`).join('; '), attempts };
}
