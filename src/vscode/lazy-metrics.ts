import * as path from 'node:path';
import type * as vscode from 'vscode';
import type * as MetricsModule from '../core/metrics';

type Metrics = typeof MetricsModule;
type ChimeraMetrics = MetricsModule.ChimeraMetrics;

export interface LoadedMetrics {
  module: Metrics;
  metrics: ChimeraMetrics;
  sampler: MetricsModule.LocalSampler;
}

/** prom-client lives in dist/metrics.js (its own esbuild entry), so activation never pays for it. */
export function requireMetricsModule(): Metrics {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle loaded on demand; an import would pull prom-client into activation
  return require(path.join(__dirname, 'metrics.js')) as Metrics;
}

/** The chimera_* registry and its local sampler, loaded on first use; observations made meanwhile wait for the first sample. */
export class LazyMetrics {
  private loadedValue: LoadedMetrics | undefined;
  private failed = false;
  /** Observations made while the first sample is being taken. */
  private buffered: ((metrics: ChimeraMetrics) => void)[] | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly log: vscode.LogOutputChannel,
    /** Called once, right after loading: start sampling, publish the features. */
    private readonly onLoad: (loaded: LoadedMetrics) => void,
  ) {}

  get loaded(): LoadedMetrics | undefined {
    return this.loadedValue;
  }

  ensure(): LoadedMetrics | undefined {
    if (this.loadedValue || this.failed) return this.loadedValue;
    try {
      const module = requireMetricsModule();
      const metrics = module.createChimeraMetrics();
      this.loadedValue = { module, metrics, sampler: new module.LocalSampler(metrics, { intervalMs: this.intervalMs }) };
    } catch (error) {
      this.failed = true;
      this.log.error(`metrics could not be loaded from ${path.join(__dirname, 'metrics.js')}: ${error instanceof Error ? error.message : String(error)}; the automatic rollback still reacts to security violations`);
      return undefined;
    }
    const loaded = this.loadedValue;
    // The first sample must show every series at 0 (pitfall P1): observations wait until it is taken.
    this.buffered = [];
    void loaded.sampler.record().finally(() => {
      const buffered = this.buffered ?? [];
      this.buffered = undefined;
      for (const apply of buffered) apply(loaded.metrics);
    });
    this.onLoad(loaded);
    return loaded;
  }

  /** Applies an observation now, or right after the first sample when the metrics module has just loaded. */
  apply(observation: (metrics: ChimeraMetrics) => void): void {
    const loaded = this.ensure();
    if (!loaded) return;
    if (this.buffered) this.buffered.push(observation);
    else observation(loaded.metrics);
  }
}
