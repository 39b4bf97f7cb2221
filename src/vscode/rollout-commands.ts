import * as vscode from 'vscode';
import { applyPhaseMove, planPhaseMove, rearm, rollBack, rollbackDrill } from '../core/rollout/moves';
import { PHASES, type PhaseId } from '../core/rollout/phases';
import { whoAmI } from '../core/rollout/state';
import { workspaceOptionsOf } from '../core/rollout/workspace';
import { readConfig } from './config';
import type { RolloutService } from './rollout-service';

/** Writing flags needs a trusted workspace: Restricted Mode shows flags and diagnostics only. */
function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showErrorMessage(`Chimera: ${action} changes files and is not available in Restricted Mode. Trust this folder first.`);
  return false;
}

async function report(error: unknown, log: vscode.LogOutputChannel): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  log.error(message);
  await vscode.window.showErrorMessage(`Chimera: ${message}`);
}

export function registerRolloutCommands(rollout: RolloutService, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('chimera.moveToPhase', async (target?: number) => {
      if (!requireTrust('Move to Phase')) return;
      const snapshot = await rollout.reload();
      if (!snapshot) return void vscode.window.showWarningMessage('Chimera: open a Void workspace folder first.');
      let to = typeof target === 'number' ? target : undefined;
      if (to === undefined) {
        const pick = await vscode.window.showQuickPick(
          PHASES.map((p) => ({ label: `Phase ${p.id}: ${p.name}`, description: p.id === snapshot.phase.id ? 'current' : p.timeline, id: p.id })),
          { title: 'Chimera: Move to Phase', placeHolder: 'The .env change and the pre-flight checklist are shown before anything is written' },
        );
        if (!pick) return;
        to = pick.id;
      }
      const plan = await planPhaseMove(snapshot, to as PhaseId, { confirmed: true, env: process.env });
      const changes = plan.env.changes.map((c) => `${c.key}: ${c.before ?? '(unset)'} → ${c.after} (line ${c.line})`);
      const automatic = plan.checklist.filter((i) => i.kind === 'automatic').map((i) => `${i.status === 'pass' ? '✓' : '✗'} ${i.text}${i.detail ? ` — ${i.detail}` : ''}`);
      const warning = plan.overriddenByEnvironment.length > 0 ? `\n\nWarning: ${plan.overriddenByEnvironment.join(', ')} from the environment override .env.` : '';
      const confirm = await vscode.window.showWarningMessage(
        `Move to Phase ${to}: ${PHASES[to]!.name}?`,
        { modal: true, detail: `${snapshot.envFile} changes:\n${changes.join('\n') || 'none'}\n\nPre-flight checklist:\n${automatic.join('\n')}\n\nBy confirming you state that the team is briefed and support is ready.${warning}` },
        'Move',
      );
      if (confirm !== 'Move') return;
      try {
        const conflict = await applyPhaseMove(snapshot, plan, await whoAmI(snapshot.workspace));
        await rollout.reload();
        if (conflict) await report(conflict.message, log);
        else log.info(`moved from phase ${plan.from} to phase ${plan.to}`);
      } catch (error) {
        await report(error, log);
      }
    }),
    vscode.commands.registerCommand('chimera.rollBack', async (reasonArgument?: string) => {
      if (!requireTrust('Roll Back')) return;
      const snapshot = await rollout.reload();
      if (!snapshot) return;
      const reason = reasonArgument ?? (await vscode.window.showInputBox({ title: 'Chimera: Roll Back Now', prompt: 'Why? (recorded in .chimera/rollout-log.jsonl)', value: 'manual rollback' }));
      if (reason === undefined) return;
      try {
        const { conflict } = await rollBack(snapshot, { reason, who: await whoAmI(snapshot.workspace) });
        if (conflict) await report(conflict.message, log);
        else {
          log.warn(`rolled back: ${reason}`);
          void vscode.window.showWarningMessage('Chimera rolled back: every feature is off until you re-arm.', 'Re-arm…').then((choice) => choice && vscode.commands.executeCommand('chimera.rearm'));
        }
      } catch (error) {
        await report(error, log);
      } finally {
        await rollout.reload();
      }
    }),
    vscode.commands.registerCommand('chimera.rearm', async () => {
      if (!requireTrust('Re-arm')) return;
      const folder = rollout.folder;
      if (!folder) return;
      await rearm(folder.uri.fsPath, await whoAmI(folder.uri.fsPath));
      log.info('re-armed after rollback');
      await rollout.reload();
    }),
    vscode.commands.registerCommand('chimera.rollbackDrill', async () => {
      if (!requireTrust('Run Rollback Drill')) return;
      const folder = rollout.folder;
      if (!folder) return;
      const config = readConfig(folder.uri);
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Chimera: rollback drill on a copy…' }, async () =>
        rollbackDrill(folder.uri.fsPath, workspaceOptionsOf(config, process.env, vscode.env.machineId), await whoAmI(folder.uri.fsPath)),
      );
      for (const step of result.steps) log.info(`drill: ${step.ok ? 'ok' : 'FAILED'} ${step.name}: ${step.detail}`);
      if (result.ok) void vscode.window.showInformationMessage('Chimera: rollback drill passed (flags off, features refused, original restored).');
      else void vscode.window.showErrorMessage(`Chimera: rollback drill failed: ${result.steps.filter((s) => !s.ok).map((s) => s.name).join(', ')}`);
      await rollout.reload();
      return result;
    }),
  ];
}
