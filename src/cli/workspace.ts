import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CanaryOverride } from '../core/canary/bucket';
import { type RolloutSnapshot, type WorkspaceOptions, loadRolloutSnapshot } from '../core/rollout/workspace';
import type { CommandContext, OptionSpec } from './command';

/** Options every command that reads the rollout accepts. */
export const ROLLOUT_OPTIONS: OptionSpec = {
  'machine-id': { type: 'string' },
};

/** Removes // and /* *\/ comments and trailing commas outside strings: VS Code's settings.json is JSONC. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** The workspace's `.vscode/settings.json` `chimera.*` values, so the CLI sees what the extension sees. */
export function readWorkspaceSettings(workspace: string, log: (message: string) => void): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    return JSON.parse(stripJsonComments(text)) as Record<string, unknown>;
  } catch (error) {
    log(`warning: .vscode/settings.json is not valid JSON (${error instanceof Error ? error.message : String(error)}); its chimera.* settings are ignored`);
    return {};
  }
}

/** A stable id for this machine when none is given: CI runners and laptops keep their bucket across runs. */
export function defaultMachineId(): string {
  return process.env.CHIMERA_MACHINE_ID ?? createHash('sha256').update(`chimera-machine:${hostname()}`).digest('hex');
}

export function workspaceOptions(context: CommandContext, options: Record<string, unknown>): WorkspaceOptions {
  const settings = readWorkspaceSettings(context.workspace, context.log);
  const flags = settings['chimera.flags'];
  const override = settings['chimera.canary.override'];
  return {
    env: process.env,
    settings: flags && typeof flags === 'object' ? (flags as Record<string, unknown>) : {},
    envFile: typeof settings['chimera.envFile'] === 'string' ? (settings['chimera.envFile'] as string) : '.env',
    machineId: typeof options['machine-id'] === 'string' ? options['machine-id'] : defaultMachineId(),
    ...(typeof settings['chimera.canary.salt'] === 'string' ? { canarySalt: settings['chimera.canary.salt'] as string } : {}),
    ...(override === 'in' || override === 'out' || override === 'auto' ? { canaryOverride: override as CanaryOverride } : {}),
  };
}

export function loadSnapshot(context: CommandContext, options: Record<string, unknown>): Promise<RolloutSnapshot> {
  return loadRolloutSnapshot(context.workspace, workspaceOptions(context, options));
}
