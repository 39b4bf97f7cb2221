import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLAGS, FLAG_NAMES, type FlagName, ROLLBACK_FLAGS } from '../flags/catalog';
import { type EditConflict, type EnvEdit, setEnvValues, writeEnvFile } from '../flags/edit';
import { parseEnvDocument } from '../flags/env-document';
import { formatFraction } from '../flags/values';
import { PHASE_FLAG_NAMES, PREFLIGHT, type PhaseId, phaseById } from './phases';
import { MANUAL_ROLLBACK, appendRolloutLog, chimeraDir, readRolloutLog, writeRollbackState } from './state';
import { type RolloutSnapshot, type WorkspaceOptions, loadRolloutSnapshot } from './workspace';

export type ChecklistStatus = 'pass' | 'fail' | 'unknown' | 'confirmed' | 'unconfirmed';

export interface ChecklistItem {
  id: string;
  text: string;
  kind: 'automatic' | 'person';
  status: ChecklistStatus;
  detail?: string;
}

export interface PhaseMovePlan {
  from: PhaseId | 'custom';
  to: PhaseId;
  env: EnvEdit;
  example: EnvEdit;
  /** Flags set in the process environment that will keep overriding what this move writes to `.env`. */
  overriddenByEnvironment: FlagName[];
  checklist: ChecklistItem[];
}

function flagText(name: FlagName, value: boolean | number): string {
  return typeof value === 'boolean' ? (value ? '1' : '0') : name === 'CHIMERA_CANARY' ? formatFraction(value) : String(value);
}

/** The `.env` values that make the flags equal the target phase's set; only keys that need to change are written. */
function targetValues(snapshot: RolloutSnapshot, to: PhaseId): Record<string, string> {
  const target = phaseById(to).flags;
  const present = snapshot.env.status === 'ok' ? snapshot.env.document.effective : new Map();
  const values: Record<string, string> = {};
  for (const name of PHASE_FLAG_NAMES) {
    const wanted = target[name];
    // The plan leaves the canary unset outside Phases 2 and 3: unset means everyone, so write 1 only over a value.
    if (name === 'CHIMERA_CANARY' && wanted === 1 && !present.has(name)) continue;
    if (name !== 'CHIMERA_ENABLED' && wanted === false && !present.has(name)) continue;
    values[name] = flagText(name, wanted);
  }
  return values;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export async function preflightChecklist(snapshot: RolloutSnapshot, options: { confirmed: boolean; exampleFixedByMove: string[] }): Promise<ChecklistItem[]> {
  const log = await readRolloutLog(snapshot.workspace);
  const drill = [...log].reverse().find((entry) => entry.action === 'drill');
  let checks: { ok?: boolean; at?: string } | undefined;
  try {
    checks = JSON.parse(await readFile(join(chimeraDir(snapshot.workspace), 'check.json'), 'utf8')) as { ok?: boolean; at?: string };
  } catch {
    checks = undefined;
  }
  const monitoring = await exists(join(chimeraDir(snapshot.workspace), 'monitoring'));
  const automatic: Record<string, Pick<ChecklistItem, 'status' | 'detail'>> = {
    'tests-passing': checks === undefined ? { status: 'unknown', detail: 'no result yet: run `chimera check`' } : { status: checks.ok ? 'pass' : 'fail', detail: `chimera check ${checks.ok ? 'passed' : 'failed'} at ${checks.at ?? 'an unknown time'}` },
    'monitoring-configured': monitoring ? { status: 'pass', detail: '.chimera/monitoring holds the exported rules and dashboard' } : { status: 'fail', detail: 'run `chimera monitoring export .chimera/monitoring`' },
    'rollback-tested': drill?.ok ? { status: 'pass', detail: `rollback drill passed at ${drill.time}` } : { status: 'fail', detail: 'run `chimera rollback --drill`' },
    'example-updated': options.exampleFixedByMove.length === 0 ? { status: 'pass' } : { status: 'pass', detail: `this move adds ${options.exampleFixedByMove.join(', ')} (disabled)` },
  };
  return PREFLIGHT.map((item) => ({
    id: item.id,
    text: item.text,
    kind: item.kind,
    ...(item.kind === 'person' ? { status: options.confirmed ? 'confirmed' : 'unconfirmed' } : automatic[item.id]!),
  }));
}

export async function planPhaseMove(snapshot: RolloutSnapshot, to: PhaseId, options: { confirmed: boolean; env: Readonly<Record<string, string | undefined>> }): Promise<PhaseMovePlan> {
  const envDocument = snapshot.env.status === 'ok' ? snapshot.env.document : parseEnvDocument('');
  const exampleDocument = snapshot.example.status === 'ok' ? snapshot.example.document : parseEnvDocument('');
  const missingFromExample = FLAG_NAMES.filter((name) => !exampleDocument.effective.has(name));
  const example = setEnvValues(exampleDocument, Object.fromEntries(missingFromExample.map((name) => [name, FLAGS[name].exampleText])));
  return {
    from: snapshot.phase.id,
    to,
    env: setEnvValues(envDocument, targetValues(snapshot, to)),
    example,
    overriddenByEnvironment: PHASE_FLAG_NAMES.filter((name) => options.env[name] !== undefined),
    checklist: await preflightChecklist(snapshot, { confirmed: options.confirmed, exampleFixedByMove: missingFromExample }),
  };
}

function expectedText(snapshot: RolloutSnapshot, which: 'env' | 'example'): string | null {
  const read = snapshot[which];
  return read.status === 'ok' ? read.text : null;
}

/** Writes the move and logs it; a conflict (a file changed since the snapshot) stops it and is returned. */
export async function applyPhaseMove(snapshot: RolloutSnapshot, plan: PhaseMovePlan, who: string): Promise<EditConflict | undefined> {
  const backupDir = join(chimeraDir(snapshot.workspace), 'backups');
  if (plan.example.changes.length > 0) {
    const written = await writeEnvFile(join(snapshot.workspace, snapshot.exampleFile), plan.example.text, { expected: expectedText(snapshot, 'example'), bom: snapshot.example.status === 'ok' && snapshot.example.bom, backupDir });
    if (!written.ok) return written.conflict;
  }
  if (plan.env.changes.length > 0) {
    const written = await writeEnvFile(join(snapshot.workspace, snapshot.envFile), plan.env.text, { expected: expectedText(snapshot, 'env'), bom: snapshot.env.status === 'ok' && snapshot.env.bom, backupDir });
    if (!written.ok) return written.conflict;
  }
  await appendRolloutLog(snapshot.workspace, {
    time: new Date().toISOString(),
    action: 'phase-move',
    from: plan.from,
    to: plan.to,
    who,
    checklist: plan.checklist.map(({ id, status }) => ({ id, status })),
    details: { changes: plan.env.changes.map(({ key, before, after }) => ({ key, before, after })) },
  });
  return undefined;
}

export interface RollbackRequest {
  reason: string;
  trigger?: string;
  values?: Record<string, number>;
  who: string;
}

export interface RollbackOutcome {
  edit: EnvEdit;
  /** `.env` changed since the snapshot: the rollback state is active, but the file was not edited (nor the log written). */
  conflict?: EditConflict;
}

/** Turns the features off in `.env` and activates the rollback state, which overrides every source until re-armed. */
export async function rollBack(snapshot: RolloutSnapshot, request: RollbackRequest): Promise<RollbackOutcome> {
  const document = snapshot.env.status === 'ok' ? snapshot.env.document : parseEnvDocument('');
  const edit = setEnvValues(document, Object.fromEntries(ROLLBACK_FLAGS.map((name) => [name, '0'])));
  // The state first: even if the file cannot be written, nothing runs any more.
  await writeRollbackState(snapshot.workspace, { active: true, reason: request.reason, trigger: request.trigger ?? MANUAL_ROLLBACK, at: new Date().toISOString(), by: request.who, ...(request.values ? { values: request.values } : {}) });
  if (edit.changes.length > 0 && snapshot.env.status !== 'unusable') {
    const written = await writeEnvFile(join(snapshot.workspace, snapshot.envFile), edit.text, { expected: expectedText(snapshot, 'env'), bom: snapshot.env.status === 'ok' && snapshot.env.bom, backupDir: join(chimeraDir(snapshot.workspace), 'backups') });
    if (!written.ok) return { edit, conflict: written.conflict };
  }
  await appendRolloutLog(snapshot.workspace, { time: new Date().toISOString(), action: 'rollback', from: snapshot.phase.id, to: 0, who: request.who, reason: request.reason, details: { trigger: request.trigger ?? MANUAL_ROLLBACK, ...(request.values ? { values: request.values } : {}) } });
  return { edit };
}

/** Re-arming is explicit: no automatic recovery, so a flapping metric cannot switch features on and off. */
export async function rearm(workspace: string, who: string): Promise<void> {
  await writeRollbackState(workspace, { active: false, reason: 're-armed', trigger: MANUAL_ROLLBACK, at: new Date().toISOString(), by: who });
  await appendRolloutLog(workspace, { time: new Date().toISOString(), action: 'rearm', who });
}

export interface DrillResult {
  ok: boolean;
  steps: { name: string; ok: boolean; detail: string }[];
}

/**
 * Proves on a copy that rollback works: flags resolve to disabled (even against a shell that exports them on),
 * features refuse to run, and re-arming plus restoring the backup gives back the original file byte for byte.
 */
export async function rollbackDrill(workspace: string, options: WorkspaceOptions, who: string): Promise<DrillResult> {
  const copy = await mkdtemp(join(tmpdir(), 'chimera-drill-'));
  const steps: DrillResult['steps'] = [];
  const step = (name: string, ok: boolean, detail: string) => steps.push({ name, ok, detail });
  const envFile = options.envFile ?? '.env';
  try {
    for (const file of [envFile, `${envFile}.example`]) {
      if (await exists(join(workspace, file))) await cp(join(workspace, file), join(copy, file));
    }
    const original = await readFile(join(copy, envFile)).catch(() => null);
    const hostile = { ...options, env: { ...options.env, CHIMERA_ENABLED: '1', WASM_EXEC_ENABLED: '1', PROTEIN_HASH_ENABLED: '1' } };
    const before = await loadRolloutSnapshot(copy, hostile);
    await rollBack(before, { reason: 'rollback drill', who });
    const after = await loadRolloutSnapshot(copy, hostile);
    const off = ROLLBACK_FLAGS.filter((name) => after.resolution.flags[name].value === false && after.resolution.flags[name].source === 'rollback');
    step('flags resolve to disabled', off.length === ROLLBACK_FLAGS.length, `${off.join(', ')} off from source "rollback", though the environment sets them to 1`);
    step('features refuse to run', !after.features.analysis && !after.features.execution && !after.features.proteinHash, `analysis ${after.features.analysis}, execution ${after.features.execution}, protein hash ${after.features.proteinHash}; blocked by ${after.features.blockedBy}`);
    const written = after.env.status === 'ok' ? ROLLBACK_FLAGS.every((name) => after.env.status === 'ok' && after.env.document.effective.get(name)?.value === '0') : false;
    step('.env turned off', written, written ? `${ROLLBACK_FLAGS.join(', ')} are 0 in ${envFile}` : `${envFile} was not updated`);
    await rearm(copy, who);
    const restore = original ? await writeEnvFile(join(copy, envFile), original.toString('utf8'), { expected: after.env.status === 'ok' ? after.env.text : null, backupDir: join(copy, '.chimera', 'backups') }) : { ok: true as const };
    const restored = await readFile(join(copy, envFile)).catch(() => null);
    const same = original === null ? true : restored !== null && Buffer.compare(original, restored) === 0;
    step('original restored', same, same ? 'byte-identical after re-arm and restore' : restore.ok ? 'the restored file differs from the original' : restore.conflict.message);
  } catch (error) {
    step('drill ran', false, error instanceof Error ? error.message : String(error));
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
  const result = { ok: steps.length > 0 && steps.every((s) => s.ok), steps };
  await appendRolloutLog(workspace, { time: new Date().toISOString(), action: 'drill', who, ok: result.ok, details: { steps } });
  return result;
}
