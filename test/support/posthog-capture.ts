import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One event as posthog-node POSTs it inside `batch`. */
export interface CapturedEvent {
  event: string;
  distinct_id: string;
  properties: Record<string, unknown>;
  timestamp: string;
  uuid: string;
  type: string;
}

/** The body of PostHog's `/batch/` endpoint. */
export interface CapturedBatch {
  api_key: string;
  batch: CapturedEvent[];
  sent_at: string;
}

/** What the server does with the next request: accept it, answer with an error status, die with the body received, or hang. */
export type CaptureBehaviour = 'accept' | 'reject-500' | 'die-mid-send' | 'never-answer';

/**
 * A PostHog capture endpoint on 127.0.0.1: accepts `POST /batch/` with a JSON body (gzip or not) carrying `api_key` and
 * `batch`, as PostHog Cloud does, and keeps what it accepted.
 */
export class PostHogCaptureServer {
  readonly batches: CapturedBatch[] = [];
  requests = 0;
  /** Consumed one per request; when empty, requests are accepted. */
  readonly script: CaptureBehaviour[] = [];
  /** Requests that were not a well-formed batch (wrong path, method or body): a test expects none. */
  readonly malformed: string[] = [];
  /** The Content-Encoding of each accepted batch ('identity' when none): posthog-node gzips when it can. */
  readonly encodings: string[] = [];

  /** Kept after the server stops, so a replacement can listen where this one did. */
  port = 0;

  private constructor(private readonly server: Server) {}

  /** Listens on `port` (0 = any free one). */
  static async start(port = 0): Promise<PostHogCaptureServer> {
    const server = createServer();
    const capture = new PostHogCaptureServer(server);
    server.on('request', (request, response) => void capture.handle(request, response));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    capture.port = (server.address() as AddressInfo).port;
    return capture;
  }

  /** A port nothing listens on (taken and released at once), for the offline case. */
  static async freePort(): Promise<number> {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  get host(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get events(): CapturedEvent[] {
    return this.batches.flatMap((batch) => batch.batch);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    if (this.server.listening) await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const behaviour = this.script.shift() ?? 'accept';
    if (behaviour === 'never-answer') return;
    if (behaviour === 'die-mid-send') {
      // The body arrived, no answer ever will: the connection is cut and the server stops listening.
      request.socket.destroy();
      this.server.close();
      return;
    }
    if (behaviour === 'reject-500') {
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"server error"}');
      return;
    }
    const parsed = parseBatch(request, Buffer.concat(chunks));
    if (typeof parsed === 'string') {
      this.malformed.push(parsed);
      response.writeHead(400).end();
      return;
    }
    this.batches.push(parsed);
    this.encodings.push(request.headers['content-encoding'] ?? 'identity');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
  }
}

function parseBatch(request: IncomingMessage, body: Buffer): CapturedBatch | string {
  if (request.method !== 'POST' || request.url !== '/batch/') return `${request.method} ${request.url}`;
  let text: string;
  try {
    text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
  } catch (error) {
    return `body is not gzip: ${String(error)}`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  const batch = value as Partial<CapturedBatch>;
  if (typeof batch.api_key !== 'string' || !Array.isArray(batch.batch)) return 'no api_key or batch';
  if (!batch.batch.every((event) => typeof event.event === 'string' && typeof event.distinct_id === 'string' && typeof event.properties === 'object')) return 'an event lacks event, distinct_id or properties';
  return batch as CapturedBatch;
}
