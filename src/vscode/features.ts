// Entry of dist/features.js: everything that analyses, runs, measures or reports, loaded only when Chimera is
// enabled or a feature command is used, so that activation with CHIMERA_ENABLED off stays small.
import * as vscode from 'vscode';
import { AnalysisController } from './analysis-controller';
import { CommandTable } from './command-table';
import { registerGeneCommands } from './gene-commands';
import { registerRunByCid } from './run-by-cid-command';
import { GeneLanguageFeatures } from './gene-language';
import { GeneLensProvider, GenesTreeProvider } from './gene-views';
import { type Observability, registerObservability } from './observability';
import { ROLLBACK_TRIGGERS } from '../core/metrics/plan';
import { formatValue } from '../core/rollout/guard';
import { PHASES } from '../core/rollout/phases';
import { measureRows } from '../core/rollout/sources';
import type { RolloutState } from './rollout-protocol';
import type { RolloutService } from './rollout-service';
import type { RolloutViewProvider } from './rollout-view';
import { WorkspaceGenes } from './workspace-genes';

export interface Features {
  readonly commands: CommandTable;
  readonly observability: Observability;
  readonly analysis: AnalysisController;
  readonly genesTree: GenesTreeProvider;
}

/** The plan's rollback triggers as the view shows them: this machine's value beside the fleet's. */
function triggerRows(observability: Observability): RolloutState['triggers'] {
  const state = observability.current();
  const fleet = state.fleet && 'values' in state.fleet ? state.fleet.values : undefined;
  return state.triggers.map((check) => {
    const query = ROLLBACK_TRIGGERS.find((t) => t.id === check.trigger)?.query;
    const fleetValue = fleet && query ? fleet[query] : null;
    return {
      summary: check.summary,
      status: check.status,
      local: check.value === null ? (check.detail ?? 'no data') : formatValue(check.value, check.unit),
      fleet: fleetValue === null || fleetValue === undefined ? null : formatValue(fleetValue, check.unit),
      limit: formatValue(check.limit, check.unit),
    };
  });
}

const SOURCE_LANGUAGES = [{ language: 'typescript' }, { language: 'javascript' }, { language: 'typescriptreact' }, { language: 'javascriptreact' }];

export function activateFeatures(context: vscode.ExtensionContext, rollout: RolloutService, log: vscode.LogOutputChannel, rolloutView: RolloutViewProvider): Features {
  const commands = new CommandTable();
  const observability = registerObservability(context, rollout, log, commands.register);
  const analysis = new AnalysisController(context.extensionUri, rollout, log, observability, vscode.Uri.joinPath(context.globalStorageUri, 'modules').fsPath);
  const geneLanguage = new GeneLanguageFeatures(analysis);
  const genesTree = new GenesTreeProvider(analysis);
  const lenses = new GeneLensProvider(analysis);
  const genesView = vscode.window.createTreeView(GenesTreeProvider.viewId, { treeDataProvider: genesTree });
  context.subscriptions.push(
    rolloutView.attach({ current: () => observability.current(), onDidChange: observability.onDidChange, triggerRows: () => triggerRows(observability), measureRows: (phase) => measureRows(PHASES[phase], observability.current()) }),
    analysis,
    geneLanguage,
    genesTree,
    lenses,
    genesView,
    vscode.languages.registerCodeLensProvider(SOURCE_LANGUAGES, lenses),
    registerRunByCid(commands.register, analysis, rollout, log),
    ...registerGeneCommands(commands.register, analysis, rollout, geneLanguage, new WorkspaceGenes(context.storageUri, context.extensionUri, analysis, log, (message) => (genesView.message = message)), log),
  );
  return { commands, observability, analysis, genesTree };
}
