import * as vscode from 'vscode';
import { renderMetricsReport } from '../core/metrics/report';
import type { CommandRegistrar } from './command-table';
import type { Observability } from './observability';

const METRICS_SCHEME = 'chimera-metrics';

/** "Show Metrics": a read-only Markdown document, refreshed after every evaluation. */
class MetricsDocument implements vscode.TextDocumentContentProvider {
  static readonly uri = vscode.Uri.from({ scheme: METRICS_SCHEME, path: '/Chimera Metrics.md' });
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly observability: Observability) {}

  provideTextDocumentContent(): string {
    return renderMetricsReport(this.observability.current());
  }

  refresh(): void {
    this.changed.fire(MetricsDocument.uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerMetricsDocument(context: vscode.ExtensionContext, observability: Observability, register: CommandRegistrar): void {
  const document = new MetricsDocument(observability);
  context.subscriptions.push(
    document,
    vscode.workspace.registerTextDocumentContentProvider(METRICS_SCHEME, document),
    observability.onDidChange(() => document.refresh()),
    register('chimera.showMetrics', async () => {
      await observability.evaluateNow();
      const shown = await vscode.workspace.openTextDocument(MetricsDocument.uri);
      await vscode.window.showTextDocument(shown, { preview: true });
      return renderMetricsReport(observability.current());
    }),
  );
}
