import * as vscode from 'vscode';
import { RolloutViewProvider } from './rollout-view';
import { affectsChimera } from './config';

/** What the extension exports to other extensions and to its integration tests. */
export interface ChimeraApi {
  readonly rolloutView: Pick<RolloutViewProvider, 'onDidRender' | 'refresh'>;
}

/** Activation stays cheap: no TypeScript compiler, prom-client or worker until a feature needs it. */
export function activate(context: vscode.ExtensionContext): ChimeraApi {
  const log = vscode.window.createOutputChannel('Chimera', { log: true });
  const rolloutView = new RolloutViewProvider(context.extensionUri, log);
  context.subscriptions.push(
    log,
    rolloutView,
    vscode.window.registerWebviewViewProvider(RolloutViewProvider.viewId, rolloutView),
    vscode.commands.registerCommand('chimera.showLog', () => log.show(true)),
    vscode.commands.registerCommand('chimera.refresh', () => rolloutView.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => rolloutView.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => affectsChimera(event) && rolloutView.refresh()),
  );
  log.info(`Chimera ${context.extension.packageJSON.version} activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
  return { rolloutView };
}

export function deactivate(): void {}
