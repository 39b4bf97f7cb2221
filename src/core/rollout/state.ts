import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** Chimera's own files in the workspace: the rollback state, the rollout log and backups of edited flags files. */
export function chimeraDir(workspace: string): string {
  return join(workspace, '.chimera');
}

/** The trigger of a rollback a person made (or a state file that could not be read). */
export const MANUAL_ROLLBACK = 'manual';

export interface RollbackState {
  active: boolean;
  reason: string;
  /** MANUAL_ROLLBACK or the id of the rollback trigger that fired (metrics/plan.ts ROLLBACK_TRIGGERS). */
  trigger: string;
  at: string;
  by: string;
  /** The numbers that fired an automatic rollback, for the person who reads why. */
  values?: Record<string, number>;
}

const ROLLBACK_FILE = 'rollback.json';
const LOG_FILE = 'rollout-log.jsonl';

/** The persisted rollback state; a corrupt file counts as an active rollback, because off is the safe side. */
export async function readRollbackState(workspace: string): Promise<RollbackState | undefined> {
  let text: string;
  try {
    text = await readFile(join(chimeraDir(workspace), ROLLBACK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const state = JSON.parse(text) as RollbackState;
    return typeof state.active === 'boolean' ? state : undefined;
  } catch {
    return { active: true, reason: `${ROLLBACK_FILE} is unreadable; treated as rolled back until re-armed`, trigger: MANUAL_ROLLBACK, at: new Date(0).toISOString(), by: 'unknown' };
  }
}

export async function writeRollbackState(workspace: string, state: RollbackState): Promise<void> {
  const dir = chimeraDir(workspace);
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `.${ROLLBACK_FILE}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, join(dir, ROLLBACK_FILE));
}

export type RolloutAction = 'phase-move' | 'rollback' | 'rearm' | 'drill';

export interface RolloutLogEntry {
  time: string;
  action: RolloutAction;
  from?: number | 'custom';
  to?: number | 'custom';
  who: string;
  reason?: string;
  ok?: boolean;
  checklist?: { id: string; status: string }[];
  details?: Record<string, unknown>;
}

export async function appendRolloutLog(workspace: string, entry: RolloutLogEntry): Promise<void> {
  const dir = chimeraDir(workspace);
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, LOG_FILE), `${JSON.stringify(entry)}\n`);
}

/** The log's entries; a torn or foreign line is skipped rather than failing the whole read. */
export async function readRolloutLog(workspace: string): Promise<RolloutLogEntry[]> {
  let text: string;
  try {
    text = await readFile(join(chimeraDir(workspace), LOG_FILE), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    try {
      return line.trim() ? [JSON.parse(line) as RolloutLogEntry] : [];
    } catch {
      return [];
    }
  });
}

/** Who acts: the git user name when there is one (the log is for the team), else the OS user. */
export function whoAmI(workspace: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('git', ['config', 'user.name'], { cwd: workspace, timeout: 2000 }, (error, stdout) => {
      const name = stdout?.trim();
      resolve(!error && name ? name : (process.env.USER ?? process.env.USERNAME ?? 'unknown'));
    });
  });
}
