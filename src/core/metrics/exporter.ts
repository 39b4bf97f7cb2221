import { type Server, createServer } from 'node:http';
import type { Registry } from 'prom-client';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface MetricsServer {
  /** The bound port (useful when asked for port 0). */
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Loopback only: metrics are for this machine's Prometheus or an SSH tunnel, never the network. */
export const METRICS_HOST = '127.0.0.1';

/**
 * Serves `GET /metrics` on 127.0.0.1:port (0 = an ephemeral port). A port in use or any other
 * listen error comes back as a value; the caller reports it and carries on without the endpoint.
 */
export function startMetricsServer(registry: Registry, port: number): Promise<Outcome<MetricsServer>> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) return Promise.resolve({ ok: false, error: `metrics port ${port} is not a port number (0-65535)` });
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: the metrics are at GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => response.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics collection failed: ${String(error)}\n`),
    );
  });
  return new Promise((resolve) => {
    const fail = (error: Error) => resolve({ ok: false, error: `cannot serve metrics on ${METRICS_HOST}:${port}: ${error.message}` });
    server.once('error', fail);
    server.listen(port, METRICS_HOST, () => {
      server.off('error', fail);
      // Later socket errors (a client resetting) must never crash the host.
      server.on('error', () => undefined);
      const bound = (server.address() as { port: number }).port;
      // A scrape in flight never keeps the process alive.
      server.unref();
      resolve({ ok: true, value: { port: bound, url: `http://${METRICS_HOST}:${bound}/metrics`, close: () => closeServer(server) } });
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Prometheus keeps connections alive between scrapes; without this close() waits for them.
    server.closeAllConnections();
  });
}
