import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MonitoringExport } from '../core/metrics/export';
import { chimeraDir } from '../core/rollout/state';
import type { CommandRegistrar } from './command-table';
import { requireMetricsModule } from './lazy-metrics';
import type { RolloutService } from './rollout-service';

async function pickMonitoringFolder(rollout: RolloutService): Promise<string | undefined> {
  const folder = rollout.folder;
  const workspaceTarget = folder && vscode.workspace.isTrusted ? path.join(chimeraDir(folder.uri.fsPath), 'monitoring') : undefined;
  if (workspaceTarget) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: '.chimera/monitoring', description: 'in this workspace: what the pre-flight checklist looks for', target: workspaceTarget },
        { label: 'Choose a folder…', target: undefined },
      ],
      { title: 'Chimera: Export Monitoring', placeHolder: 'Where should the alert rules, their tests and the Grafana dashboard go?' },
    );
    if (!pick) return undefined;
    if (pick.target) return pick.target;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Export Here', title: 'Chimera: Export Monitoring', ...(folder ? { defaultUri: folder.uri } : {}) });
  return chosen?.[0]?.fsPath;
}

/** "Export Monitoring": the alert rules, their promtool tests and the Grafana dashboard, into a folder. */
export function registerMonitoringExport(context: vscode.ExtensionContext, rollout: RolloutService, log: vscode.LogOutputChannel, register: CommandRegistrar): void {
  context.subscriptions.push(
    register('chimera.exportMonitoring', async (target?: string | vscode.Uri): Promise<MonitoringExport | undefined> => {
      const dir = typeof target === 'string' ? target : target instanceof vscode.Uri ? target.fsPath : await pickMonitoringFolder(rollout);
      if (!dir) return undefined;
      try {
        // The rule and dashboard generators live in the lazily loaded metrics bundle, not in the activation path.
        const result = await requireMetricsModule().exportMonitoring(dir);
        log.info(`monitoring exported to ${dir}: ${result.files.map((f) => path.basename(f)).join(', ')}`);
        void vscode.window.showInformationMessage(`Chimera: alert rules, their promtool tests and the Grafana dashboard written to ${dir}.`);
        if (rollout.folder && dir.startsWith(chimeraDir(rollout.folder.uri.fsPath))) void rollout.reload();
        return result;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        log.error(`monitoring export failed: ${reason}`);
        void vscode.window.showErrorMessage(`Chimera: monitoring export failed: ${reason}`);
        return undefined;
      }
    }),
  );
}
