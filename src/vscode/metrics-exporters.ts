import type * as vscode from 'vscode';
import type * as MetricsModule from '../core/metrics';
import type { ObservabilityState } from '../core/metrics/report';
import type { LoadedMetrics } from './lazy-metrics';

export interface ExporterSettings {
  /** 0 = no endpoint. */
  metricsPort: number;
  pushgatewayUrl: string;
}

/** The loopback /metrics endpoint and the Pushgateway, reconfigured when their settings change. */
export class MetricsExporters {
  private server: { port: number; value: MetricsModule.MetricsServer } | undefined;
  private pusher: { url: string; value: MetricsModule.Pusher } | undefined;
  private readonly problems = new Map<string, string>();

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly warn: (message: string) => void,
  ) {}

  async apply(settings: ExporterSettings, ensureMetrics: () => LoadedMetrics | undefined, machineId: string, pushEverySeconds: number): Promise<void> {
    if (this.server && this.server.port !== settings.metricsPort) {
      await this.server.value.close();
      this.log.info(`metrics: endpoint ${this.server.value.url} closed`);
      this.server = undefined;
    }
    this.problems.delete('port');
    if (settings.metricsPort > 0 && !this.server) {
      const loaded = ensureMetrics();
      if (loaded) {
        const started = await loaded.module.startMetricsServer(loaded.metrics.registry, settings.metricsPort);
        if (started.ok) {
          this.server = { port: settings.metricsPort, value: started.value };
          this.log.info(`metrics: serving ${started.value.url}`);
        } else {
          this.problems.set('port', started.error);
          this.log.warn(`metrics: ${started.error}`);
          this.warn(`Chimera: ${started.error}. Change chimera.metrics.port.`);
        }
      }
    }
    if (this.pusher && this.pusher.url !== settings.pushgatewayUrl) {
      const removed = await this.pusher.value.remove();
      if (!removed.ok) this.log.warn(`metrics: ${removed.error}`);
      this.pusher = undefined;
    }
    this.problems.delete('push');
    if (settings.pushgatewayUrl && !this.pusher) {
      const loaded = ensureMetrics();
      if (loaded) {
        const created = loaded.module.createPusher(loaded.metrics.registry, settings.pushgatewayUrl, machineId);
        if (created.ok) {
          this.pusher = { url: settings.pushgatewayUrl, value: created.value };
          this.log.info(`metrics: pushing to ${settings.pushgatewayUrl} every ${pushEverySeconds} s, grouped by a hashed machine id`);
        } else {
          this.problems.set('push', created.error);
          this.log.warn(`metrics: ${created.error}`);
        }
      }
    }
  }

  async push(): Promise<void> {
    if (!this.pusher) return;
    const pushed = await this.pusher.value.push();
    if (pushed.ok) this.problems.delete('push');
    else if (this.problems.get('push') !== pushed.error) {
      // Logged once per distinct error: a dead gateway must not flood the log every 15 s.
      this.problems.set('push', pushed.error);
      this.log.warn(`metrics: ${pushed.error}`);
    }
  }

  describe(prometheusUrl: string): ObservabilityState['exporters'] {
    return {
      ...(this.server ? { metricsUrl: this.server.value.url } : {}),
      ...(this.pusher ? { pushgatewayUrl: this.pusher.url } : {}),
      ...(prometheusUrl ? { prometheusUrl } : {}),
      problems: [...this.problems.values()],
    };
  }

  async close(): Promise<void> {
    await this.server?.value.close();
    if (this.pusher) await this.pusher.value.remove();
  }
}
