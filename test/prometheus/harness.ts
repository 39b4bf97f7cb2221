// Runs real Prometheus and Pushgateway binaries for the tests, following ../shared/design/prometheus-test.md:
// own config, own scratch data dir, loopback ports (P8); the real pid, SIGTERM, wait for exit (P10).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** The apt line CI runs so these tests do not skip. */
export const INSTALL_HINT = 'apt-get install -y --no-install-recommends prometheus prometheus-pushgateway';

/** The same PATH lookup `chimera check` uses for promtool. */
export { findOnPath as findBinary } from '../../src/core/check/monitoring-check';

/** A free loopback port: bound once and released (a small race, fine for tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningServer {
  url: string;
  /** The last lines the server wrote to stderr, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Spawns the binary itself (never through a shell, so the pid is the server's) and waits for /-/ready. */
export async function startServer(binary: string, args: string[], port: number, timeoutMs = 15_000): Promise<RunningServer> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await server.stop();
  throw new Error(`${binary} was not ready within ${timeoutMs} ms: ${stderr}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `probe` returns a value, or fails with `what` after the timeout. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

export async function alerts(prometheusUrl: string): Promise<Alert[]> {
  const body = (await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
  return body.data.alerts;
}
