import type * as vscode from 'vscode';
import { type FleetQuery, fleetQueries } from '../core/metrics/plan';
import { queryPrometheus } from '../core/metrics/prometheus-client';
import type { FleetValues } from '../core/metrics/report';

/** The plan's queries (and gateway availability), run by the team's Prometheus: the fleet's values next to this machine's. */
export class FleetMetrics {
  private valueOf: FleetValues | undefined;
  private inFlight = false;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get value(): FleetValues | undefined {
    return this.valueOf;
  }

  clear(): void {
    this.valueOf = undefined;
  }

  /** Resolves true when the values changed (a new reading or a new error). */
  async refresh(url: string): Promise<boolean> {
    if (!url || this.inFlight) return false;
    this.inFlight = true;
    try {
      const values = {} as Record<FleetQuery, number | null>;
      for (const [name, promql] of Object.entries(fleetQueries()) as [FleetQuery, string][]) {
        const result = await queryPrometheus(url, promql);
        if (!result.ok) {
          if (this.valueOf === undefined || !('error' in this.valueOf) || this.valueOf.error !== result.error) this.log.warn(`fleet metrics: ${result.error}`);
          this.valueOf = { at: Date.now() / 1000, error: result.error };
          return true;
        }
        values[name] = result.value[0]?.value ?? null;
      }
      this.valueOf = { at: Date.now() / 1000, values };
      return true;
    } finally {
      this.inFlight = false;
    }
  }
}
