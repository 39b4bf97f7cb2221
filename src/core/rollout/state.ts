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
  /** Set when the file exists but could not be used: what was wrong with it (the state is then an active rollback). */
  problem?: string;
}

const ROLLBACK_FILE = 'rollback.json';
const LOG_FILE = 'rollout-log.jsonl';

/** Why a rollback file that exists could not be used; the state read from it is then frozen (off is the safe side). */
function unusableState(problem: string): RollbackState {
  return { active: true, reason: `${ROLLBACK_FILE} ${problem}; treated as rolled back until re-armed`, trigger: MANUAL_ROLLBACK, at: new Date(0).toISOString(), by: 'unknown', problem };
}

function isRollbackState(value: unknown): value is RollbackState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const state = value as Record<string, unknown>;
  const values = state.values;
  return (
    typeof state.active === 'boolean' &&
    typeof state.reason === 'string' &&
    typeof state.trigger === 'string' &&
    typeof state.at === 'string' &&
    typeof state.by === 'string' &&
    (values === undefined || (typeof values === 'object' && values !== null && !Array.isArray(values) && Object.values(values).every((v) => typeof v === 'number')))
  );
}

/**
 * The persisted rollback state. Only a missing file means "no rollback"; a file that cannot be read, is not JSON or
 * has the wrong shape comes back as an active rollback carrying a `problem`, because off is the safe side.
 */
export async function readRollbackState(workspace: string): Promise<RollbackState | undefined> {
  let text: string;
  try {
    text = await readFile(join(chimeraDir(workspace), ROLLBACK_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return unusableState(`cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return unusableState('is not valid JSON');
  }
  return isRollbackState(parsed) ? parsed : unusableState('does not have the shape of a rollback state');
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

/** What `chimera check --record` wrote (.chimera/check.json), for the criteria that read automatic checks. */
export async function readRecordedChecks(workspace: string): Promise<Record<string, boolean | undefined>> {
  try {
    const check = JSON.parse(await readFile(join(chimeraDir(workspace), 'check.json'), 'utf8')) as { ok?: unknown };
    return typeof check.ok === 'boolean' ? { 'smoke-tests': check.ok } : {};
  } catch {
    return {};
  }
}
