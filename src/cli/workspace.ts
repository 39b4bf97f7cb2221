import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { readWorkspaceSettings } from '../core/config/settings-file';
import { type ChimeraSettings, type SettingKey, describeProblem } from '../core/config/settings';
import { type RolloutSnapshot, type WorkspaceOptions, loadRolloutSnapshot, workspaceOptionsOf } from '../core/rollout/workspace';
import { type CommandContext, type OptionSpec, UsageError } from './command';

/** Options every command that reads the rollout accepts. */
export const ROLLOUT_OPTIONS: OptionSpec = {
  'machine-id': { type: 'string' },
};

/**
 * The workspace's `.vscode/settings.json` `chimera.*` values, so the CLI sees what the extension sees. An unacceptable
 * value is a warning and its default applies, or a usage error for the `strict` keys a command depends on.
 */
export function cliSettings(context: CommandContext, strict: readonly SettingKey[] = []): ChimeraSettings {
  return readWorkspaceSettings(context.workspace, context.log, (problem) => {
    const text = describeProblem(problem, 'in .vscode/settings.json');
    if (strict.includes(problem.key)) throw new UsageError(text);
    context.log(`warning: ${text}; the default applies`);
  });
}

/** A stable id for this machine when none is given: CI runners and laptops keep their bucket across runs. */
export function defaultMachineId(): string {
  return process.env.CHIMERA_MACHINE_ID ?? createHash('sha256').update(`chimera-machine:${hostname()}`).digest('hex');
}

export function workspaceOptions(context: CommandContext, options: Record<string, unknown>, settings: ChimeraSettings = cliSettings(context)): WorkspaceOptions {
  return workspaceOptionsOf(settings, process.env, typeof options['machine-id'] === 'string' ? options['machine-id'] : defaultMachineId());
}

export function loadSnapshot(context: CommandContext, options: Record<string, unknown>): Promise<RolloutSnapshot> {
  return loadRolloutSnapshot(context.workspace, workspaceOptions(context, options));
}
