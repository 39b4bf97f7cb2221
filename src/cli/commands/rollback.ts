import { rearm, rollBack, rollbackDrill } from '../../core/rollout/moves';
import { whoAmI } from '../../core/rollout/state';
import type { Command } from '../command';
import { ExitCode } from '../exit-codes';
import { ROLLOUT_OPTIONS, loadSnapshot, workspaceOptions } from '../workspace';

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Roll back now (features off in .env, rollback state active until re-armed), or --drill to prove it on a copy',
  usage: 'chimera rollback [--reason TEXT] [--drill] [--workspace DIR]',
  options: { ...ROLLOUT_OPTIONS, reason: { type: 'string' }, drill: { type: 'boolean' } },
  async run(context, options) {
    const who = await whoAmI(context.workspace);
    if (options.drill === true) {
      const result = await rollbackDrill(context.workspace, workspaceOptions(context, options), who);
      const text = [`Rollback drill ${result.ok ? 'passed' : 'FAILED'}:`, ...result.steps.map((s) => `  [${s.ok ? 'x' : ' '}] ${s.name}: ${s.detail}`)].join('\n');
      return { exitCode: result.ok ? ExitCode.Ok : ExitCode.Findings, data: { drill: result }, text };
    }
    const snapshot = await loadSnapshot(context, options);
    const reason = typeof options.reason === 'string' ? options.reason : 'manual rollback';
    const { edit, conflict } = await rollBack(snapshot, { reason, who });
    // The rollback state is active either way; a conflict only refused the file edit.
    if (conflict) return { exitCode: ExitCode.Findings, data: { rollback: { active: true, reason, changes: [], error: conflict.message } }, text: `Rolled back (the rollback state is active), but ${conflict.message}` };
    const changes = edit.changes.map((c) => `  line ${c.line}: ${c.key}=${c.after}`);
    return {
      exitCode: ExitCode.Ok,
      data: { rollback: { active: true, reason, changes: edit.changes } },
      text: ['Rolled back: every Chimera feature is off until someone re-arms (chimera rearm).', ...changes].join('\n'),
    };
  },
};

export const rearmCommand: Command = {
  name: 'rearm',
  summary: 'Re-arm after a rollback: the flags in .env take effect again',
  usage: 'chimera rearm [--workspace DIR]',
  options: {},
  async run(context) {
    await rearm(context.workspace, await whoAmI(context.workspace));
    return { exitCode: ExitCode.Ok, data: { rollback: { active: false } }, text: 'Re-armed: the flags in .env are in effect again.' };
  },
};
