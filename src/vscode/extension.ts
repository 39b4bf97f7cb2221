import * as vscode from 'vscode';
import { readConfig } from './config';
import { EnvLanguageFeatures } from './env-language';
import type { Features } from './features';
import { LazyFeatures } from './lazy-features';
import { registerRolloutCommands } from './rollout-commands';
import { RolloutService } from './rollout-service';
import { RolloutViewProvider } from './rollout-view';
import { RolloutStatusBar } from './status-bar';

/** What the extension exports to other extensions and to its integration tests. */
export interface ChimeraApi {
  readonly rolloutView: Pick<RolloutViewProvider, 'onDidRender' | 'refresh'>;
  readonly rollout: Pick<RolloutService, 'onDidChange' | 'reload' | 'snapshot'>;
  readonly envLanguage: Pick<EnvLanguageFeatures, 'diagnose'>;
  readonly statusBar: Pick<RolloutStatusBar, 'text'>;
  /** Analysis, genes, metrics and telemetry: loaded on first use (Chimera enabled, or a feature command). */
  features(): Features;
  readonly featuresLoaded: boolean;
  /** How long activate() took, by its own timer. */
  readonly activationMs: number;
}

let shutdown: (() => Promise<void>) | undefined;

/**
 * Activation loads only this small bundle: flags, the view, the status bar, `.env` diagnostics. No TypeScript compiler,
 * prom-client, worker or telemetry until Chimera is enabled or a feature command is used (dist/features.js).
 */
export function activate(context: vscode.ExtensionContext): ChimeraApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Chimera', { log: true });
  const rollout = new RolloutService(log);
  const rolloutView = new RolloutViewProvider(context.extensionUri, rollout, log);
  const envLanguage = new EnvLanguageFeatures(rollout);
  const statusBar = new RolloutStatusBar();
  const features = new LazyFeatures(context, rollout, log, rolloutView);
  // The sandbox's worker pool and child processes close with the analysis worker.
  shutdown = async () => {
    if (!features.isLoaded) return;
    const loaded = features.load();
    await Promise.all([loaded.observability.shutdown(), loaded.analysis.shutdown()]);
  };
  context.subscriptions.push(
    log,
    rollout,
    rolloutView,
    envLanguage,
    statusBar,
    vscode.window.registerWebviewViewProvider(RolloutViewProvider.viewId, rolloutView),
    vscode.commands.registerCommand('chimera.showLog', () => log.show(true)),
    vscode.commands.registerCommand('chimera.refresh', () => rollout.reload()),
    ...registerRolloutCommands(rollout, log),
    ...features.registerCommands(),
    rollout.onDidChange((snapshot) => {
      statusBar.update(snapshot);
      rolloutView.refresh();
      // Once Chimera is enabled (even if rolled back, frozen or out of the canary: the guard and the view need it).
      if (snapshot?.resolution.flags.CHIMERA_ENABLED.value === true || snapshot?.rollback?.active) features.load();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => rolloutView.refresh()),
  );
  void rollout.reload();
  // Adoption is a share of all machines, so machines with Chimera off report too: with a telemetry endpoint or a PostHog
  // project set, the features bundle (which sends the daily adoption event) loads a little after start-up, never during activation.
  const config = readConfig();
  if (config['telemetry.endpoint'] || config['telemetry.posthog.projectKey']) {
    const timer = setTimeout(() => features.load(), 10_000);
    context.subscriptions.push(new vscode.Disposable(() => clearTimeout(timer)));
  }
  const activationMs = performance.now() - started;
  log.info(`Chimera ${context.extension.packageJSON.version} activated in ${activationMs.toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
  return { rolloutView, rollout, envLanguage, statusBar, features: () => features.load(), get featuresLoaded() { return features.isLoaded; }, activationMs };
}

/** Flushes telemetry, closes the exporters and the sandbox, when they were ever started. */
export function deactivate(): Promise<void> | undefined {
  return shutdown?.();
}
