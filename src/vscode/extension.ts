import * as vscode from 'vscode';
import { EnvLanguageFeatures } from './env-language';
import { registerRolloutCommands } from './rollout-commands';
import { RolloutService } from './rollout-service';
import { RolloutViewProvider } from './rollout-view';
import { RolloutStatusBar } from './status-bar';

/** What the extension exports to other extensions and to its integration tests. */
export interface ChimeraApi {
  readonly rolloutView: Pick<RolloutViewProvider, 'onDidRender' | 'refresh'>;
  readonly rollout: Pick<RolloutService, 'onDidChange' | 'reload' | 'snapshot'>;
  readonly envLanguage: Pick<EnvLanguageFeatures, 'diagnose'>;
}

/** Activation stays cheap: no TypeScript compiler, prom-client or worker until a feature needs it. */
export function activate(context: vscode.ExtensionContext): ChimeraApi {
  const log = vscode.window.createOutputChannel('Chimera', { log: true });
  const rollout = new RolloutService(log);
  const rolloutView = new RolloutViewProvider(context.extensionUri, rollout, log);
  const envLanguage = new EnvLanguageFeatures(rollout);
  const statusBar = new RolloutStatusBar();
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
    rollout.onDidChange((snapshot) => {
      statusBar.update(snapshot);
      rolloutView.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => rolloutView.refresh()),
  );
  void rollout.reload();
  log.info(`Chimera ${context.extension.packageJSON.version} activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
  return { rolloutView, rollout, envLanguage };
}

export function deactivate(): void {}
