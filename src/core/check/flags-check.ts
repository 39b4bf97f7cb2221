// Area 1 of `chimera check`: every .env* file diagnosed, .env.example complete and disabled, phase agrees with the log.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FLAG_NAMES } from '../flags/catalog';
import { diagnoseEnvDocument } from '../flags/diagnose';
import type { FlagDiagnostic } from '../flags/diagnostic';
import { readEnvFile } from '../flags/read-env-file';
import { readRolloutLog } from '../rollout/state';
import type { RolloutSnapshot } from '../rollout/workspace';
import { type CheckItem, type Finding, type FindingSeverity, itemOf } from './types';

/** Diagnostics the editor shows as advice but the smoke test treats as failures: the plan requires these. */
const REQUIRED_BY_PLAN = new Set<FlagDiagnostic['code']>(['example-enables-feature', 'missing-example-file']);

function severityOf(diagnostic: FlagDiagnostic): FindingSeverity | undefined {
  if (diagnostic.severity === 'error' || REQUIRED_BY_PLAN.has(diagnostic.code)) return 'error';
  if (diagnostic.severity === 'warning') return 'warning';
  if (diagnostic.severity === 'info') return 'notice';
  return undefined;
}

export function flagFinding(diagnostic: FlagDiagnostic): Finding | undefined {
  const severity = severityOf(diagnostic);
  if (!severity) return undefined;
  const inFile = diagnostic.file !== 'environment' && diagnostic.file !== 'settings';
  return {
    area: 'flags',
    severity,
    code: diagnostic.code,
    message: inFile ? diagnostic.message : `${diagnostic.message} (from the ${diagnostic.file})`,
    ...(inFile ? { file: diagnostic.file, line: diagnostic.range.start.line, column: diagnostic.range.start.column } : {}),
  };
}

/** Other `.env*` files at the workspace root (`.env.local`, `.env.production`…): the snapshot reads only two. */
async function otherEnvFiles(workspace: string, known: readonly string[]): Promise<string[]> {
  const entries = await readdir(workspace, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && /^\.env(\..+)?$/.test(e.name) && !known.includes(e.name)).map((e) => e.name).sort();
}

export async function checkFlags(snapshot: RolloutSnapshot): Promise<CheckItem[]> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const byFile = new Map<string, Finding[]>([[snapshot.envFile, []], [snapshot.exampleFile, []]]);
  const elsewhere: Finding[] = [];
  for (const diagnostic of snapshot.diagnostics) {
    const finding = flagFinding(diagnostic);
    if (!finding) continue;
    (finding.file !== undefined ? (byFile.get(finding.file) ?? byFile.set(finding.file, []).get(finding.file)!) : elsewhere).push(finding);
  }
  if (snapshot.example.status === 'ok') {
    const present = snapshot.example.document.effective;
    const missing = FLAG_NAMES.filter((name) => !present.has(name));
    if (missing.length > 0) {
      byFile.get(snapshot.exampleFile)!.push({ area: 'flags', severity: 'error', code: 'example-incomplete', message: `${snapshot.exampleFile} does not list ${missing.join(', ')}: add every flag, disabled, so everyone knows it exists.`, file: snapshot.exampleFile, line: 1, column: 1 });
    }
  } else if (snapshot.example.status === 'missing' && snapshot.env.status === 'missing') {
    byFile.get(snapshot.exampleFile)!.push({ area: 'flags', severity: 'error', code: 'missing-example-file', message: `There is no ${snapshot.exampleFile}: create one listing every flag, disabled.`, file: snapshot.exampleFile });
  }
  const exampleDocument = snapshot.example.status === 'ok' ? snapshot.example.document : null;
  for (const name of await otherEnvFiles(snapshot.workspace, [snapshot.envFile, snapshot.exampleFile])) {
    const read = await readEnvFile(join(snapshot.workspace, name), name);
    const diagnostics = read.status === 'ok' ? diagnoseEnvDocument(read.document, { file: name, example: exampleDocument, exampleFile: snapshot.exampleFile, isExample: name.endsWith('.example') }) : read.status === 'unusable' ? [read.diagnostic] : [];
    byFile.set(name, diagnostics.map(flagFinding).filter((f): f is Finding => f !== undefined));
  }
  const items = [...byFile].map(([file, findings]) => {
    const read = file === snapshot.envFile ? snapshot.env : file === snapshot.exampleFile ? snapshot.example : undefined;
    return itemOf('flags', file, findings, elapsed(), read?.status === 'missing' ? 'missing' : undefined);
  });
  items.push(itemOf('flags', 'flags from the environment and settings', elsewhere, elapsed()));
  items.push(await phaseAgreesWithLog(snapshot, elapsed));
  return items;
}

/** The effective phase must be where the last phase move or rollback of the rollout log left it. */
async function phaseAgreesWithLog(snapshot: RolloutSnapshot, elapsed: () => number): Promise<CheckItem> {
  const name = 'phase agrees with the rollout log';
  const log = await readRolloutLog(snapshot.workspace);
  const last = [...log].reverse().find((entry) => entry.action === 'phase-move' || entry.action === 'rollback');
  if (!last) return itemOf('flags', name, [], elapsed(), `phase ${snapshot.phase.id}; no phase move recorded in .chimera/rollout-log.jsonl`);
  const phase = snapshot.phase.id;
  if (last.to === phase) return itemOf('flags', name, [], elapsed(), `phase ${phase}, as the last ${last.action} (${last.time}) left it`);
  const finding: Finding = {
    area: 'flags',
    severity: 'error',
    code: 'phase-differs-from-log',
    message: `The flags describe phase ${phase}, but the last ${last.action} in .chimera/rollout-log.jsonl (${last.time} by ${last.who}) went to phase ${String(last.to)}: use chimera phase to move, so the log stays true.`,
    file: snapshot.envFile,
    line: 1,
    column: 1,
  };
  return itemOf('flags', name, [finding], elapsed());
}
