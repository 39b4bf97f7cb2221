import * as vscode from 'vscode';
import { AnalysisController } from './analysis-controller';
import { EnvLanguageFeatures } from './env-language';
import { registerGeneCommands } from './gene-commands';
import { GeneLanguageFeatures } from './gene-language';
import { GeneLensProvider, GenesTreeProvider } from './gene-views';
import { type Observability, registerObservability } from './observability';
import { registerRolloutCommands } from './rollout-commands';
import { RolloutService } from './rollout-service';
import { RolloutViewProvider } from './rollout-view';
import { RolloutStatusBar } from './status-bar';

/** What the extension exports to other extensions and to its integration tests. */
export interface ChimeraApi {
  readonly rolloutView: Pick<RolloutViewProvider, 'onDidRender' | 'refresh'>;
  readonly rollout: Pick<RolloutService, 'onDidChange' | 'reload' | 'snapshot'>;
  readonly envLanguage: Pick<EnvLanguageFeatures, 'diagnose'>;
  readonly analysis: Pick<AnalysisController, 'onDidAnalyze' | 'resultFor' | 'analyze'>;
  readonly genesTree: GenesTreeProvider;
  readonly statusBar: Pick<RolloutStatusBar, 'text'>;
  readonly observability: Observability;
}

let shutdownObservability: (() => Promise<void>) | undefined;

/** Activation stays cheap: no TypeScript compiler, prom-client or worker until a feature needs it. */
export function activate(context: vscode.ExtensionContext): ChimeraApi {
  const log = vscode.window.createOutputChannel('Chimera', { log: true });
  const rollout = new RolloutService(log);
  const observability = registerObservability(context, rollout, log);
  shutdownObservability = () => observability.shutdown();
  const rolloutView = new RolloutViewProvider(context.extensionUri, rollout, log, observability);
  const envLanguage = new EnvLanguageFeatures(rollout);
  const statusBar = new RolloutStatusBar();
  const analysis = new AnalysisController(context.extensionUri, rollout, log, observability);
  const geneLanguage = new GeneLanguageFeatures(analysis);
  const genesTree = new GenesTreeProvider(analysis);
  const lenses = new GeneLensProvider(analysis);
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
    analysis,
    geneLanguage,
    genesTree,
    lenses,
    vscode.window.registerTreeDataProvider(GenesTreeProvider.viewId, genesTree),
    vscode.languages.registerCodeLensProvider([{ language: 'typescript' }, { language: 'javascript' }, { language: 'typescriptreact' }, { language: 'javascriptreact' }], lenses),
    ...registerGeneCommands(analysis, rollout, geneLanguage, log),
    rollout.onDidChange((snapshot) => {
      statusBar.update(snapshot);
      rolloutView.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => rolloutView.refresh()),
  );
  void rollout.reload();
  log.info(`Chimera ${context.extension.packageJSON.version} activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
  return { rolloutView, rollout, envLanguage, analysis, genesTree, statusBar, observability };
}

/** Flushes telemetry and closes the exporters. */
export function deactivate(): Promise<void> | undefined {
  return shutdownObservability?.();
}
