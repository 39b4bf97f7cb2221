import { type EvaluateOptions, type QueryValue, evaluatePlanQueries } from './evaluate';
import type { PlanQuery } from './plan';
import type { ChimeraMetrics } from './registry';
import type { MetricsSample } from './sample';

export interface SamplerOptions {
  /** Like a scrape interval; keep windows ≥ 4 × this (default 15 s). */
  intervalMs?: number;
  /** Samples older than this are dropped; must cover the longest window (default 1h + 2 intervals). */
  retentionSeconds?: number;
  /** Unix seconds; injectable for tests. */
  now?: () => number;
}

/** Scrapes the local registry on a timer, like Prometheus would, so the plan's queries can run in the editor. */
export class LocalSampler {
  private readonly history: MetricsSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly retentionSeconds: number;
  private readonly now: () => number;

  constructor(
    private readonly metrics: ChimeraMetrics,
    options: SamplerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 15_000;
    this.retentionSeconds = options.retentionSeconds ?? 3600 + (2 * this.intervalMs) / 1000;
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  start(): void {
    if (this.timer) return;
    void this.record();
    this.timer = setInterval(() => void this.record(), this.intervalMs);
    // Sampling alone never keeps the extension host or the CLI alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async record(): Promise<MetricsSample> {
    const sample = await this.metrics.sample(this.now());
    this.history.push(sample);
    const oldest = sample.t - this.retentionSeconds;
    let drop = 0;
    while (drop < this.history.length && this.history[drop]!.t < oldest) drop++;
    if (drop > 0) this.history.splice(0, drop);
    return sample;
  }

  samples(): readonly MetricsSample[] {
    return this.history;
  }

  evaluate(options: EvaluateOptions = {}): Record<PlanQuery, QueryValue> {
    return evaluatePlanQueries(this.history, options);
  }
}
