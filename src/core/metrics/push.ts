import { createHash } from 'node:crypto';
import { Pushgateway, type Registry } from 'prom-client';
import type { Outcome } from './exporter';

/** The Pushgateway job every Chimera machine pushes under. */
export const PUSH_JOB = 'chimera';

/** A stable, non-reversible id for the grouping key: never a user or host name (16 hex digits of SHA-256). */
export function hashedMachineId(machineId: string): string {
  return createHash('sha256').update(`chimera-metrics\0${machineId}`).digest('hex').slice(0, 16);
}

export interface Pusher {
  /** Replaces this machine's group on the gateway with the registry's current values (HTTP PUT). */
  push(): Promise<Outcome<void>>;
  /** Removes this machine's group, so stale gauges stop firing alerts after the pusher stops. */
  remove(): Promise<Outcome<void>>;
}

/** Pushes to `url` grouped by `{job="chimera", instance=<hashed machine id>}`. A dead gateway is an error value, never a throw. */
export function createPusher(registry: Registry, url: string, machineId: string, timeoutMs = 5000): Outcome<Pusher> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, error: `'${url}' is not a Pushgateway URL` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, error: `'${url}' is not an http(s) URL` };
  const gateway = new Pushgateway(parsed.href, { timeout: timeoutMs }, registry);
  const params = { jobName: PUSH_JOB, groupings: { instance: hashedMachineId(machineId) } };
  const attempt = async (what: string, action: () => Promise<unknown>): Promise<Outcome<void>> => {
    try {
      await action();
      return { ok: true, value: undefined };
    } catch (error) {
      return { ok: false, error: `${what} ${parsed.origin} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
  return {
    ok: true,
    value: {
      push: () => attempt('push to', () => gateway.push(params)),
      remove: () => attempt('delete from', () => gateway.delete(params)),
    },
  };
}
