import * as vscode from 'vscode';
import type { AutoRollback } from '../core/rollout/auto-rollback';
import { type Firing, describeFiring } from '../core/rollout/guard';
import { rollBack } from '../core/rollout/moves';
import type { RolloutService } from './rollout-service';

/** Who the rollout log names for a rollback the guard made. */
const AUTOMATIC_ROLLBACK_BY = 'chimera (automatic)';

/** Writes the rollback the guard decided (state first, then .env off), retrying once if someone saved .env meanwhile. */
export async function writeAutomaticRollback(
  firing: Firing,
  machine: AutoRollback,
  rollout: RolloutService,
  log: vscode.LogOutputChannel,
  report: (event: Record<string, unknown>) => void,
): Promise<void> {
  const text = describeFiring(firing);
  log.warn(`rollback trigger fired: ${text}; values ${JSON.stringify(firing.values)}`);
  if (!vscode.workspace.isTrusted) {
    log.warn('automatic rollback not written: Restricted Mode allows no file changes (nothing runs there anyway)');
    void vscode.window.showWarningMessage(`Chimera: rollback trigger fired (${text}), but Restricted Mode allows no .env changes.`);
    return;
  }
  let done = false;
  try {
    await machine.whileWriting(async () => {
      const request = { reason: `automatic rollback: ${text}`, trigger: firing.trigger, values: firing.values, who: AUTOMATIC_ROLLBACK_BY };
      for (let attempt = 0; attempt < 2 && !done; attempt++) {
        const snapshot = await rollout.reload();
        if (!snapshot) {
          log.warn('automatic rollback not written: no workspace folder is open');
          break;
        }
        const { conflict } = await rollBack(snapshot, request);
        if (!conflict) {
          done = true;
          report({ trigger: firing.trigger, severity: firing.severity, phase: snapshot.phase.id, automatic: true });
        } else if (attempt === 1) throw new Error(conflict.message);
        // Otherwise someone saved .env in between: the rollback state is already written; read again and turn the flags off.
      }
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.error(`automatic rollback failed: ${reason}`);
    void vscode.window.showErrorMessage(`Chimera: the automatic rollback (${text}) failed: ${reason}`);
  } finally {
    await rollout.reload();
  }
  if (!done) return;
  log.warn(`rolled back automatically (${firing.severity}: ${firing.severityReason}); nothing runs until someone re-arms`);
  void vscode.window.showWarningMessage(`Chimera rolled back automatically: ${text}. Every feature is off until you re-arm.`, 'Show Metrics', 'Re-arm…').then((choice) => {
    if (choice === 'Show Metrics') void vscode.commands.executeCommand('chimera.showMetrics');
    if (choice === 'Re-arm…') void vscode.commands.executeCommand('chimera.rearm');
  });
}
