import type { FlagName } from '../flags/catalog';
import type { FlagDiagnostic } from '../flags/diagnostic';
import type { FlagSource } from '../flags/resolve';
import type { RolloutSnapshot } from './workspace';

/** The CLI's `chimera flags --json` shape; plain data, also what the view renders. */
export interface FlagsReport {
  flags: Record<FlagName, { value: boolean | number; source: FlagSource; raw: string | null; valid: boolean }>;
  phase: { id: number | 'custom'; nearest: number; differences: { flag: string; expected: boolean | number; actual: boolean | number }[] };
  canary: { bucket: number; fraction: number; in: boolean; override: 'in' | 'out' | null };
  frozen: boolean;
  rollback: { active: boolean; reason: string; trigger: string; at: string; by: string } | null;
  features: { analysis: boolean; execution: boolean; proteinHash: boolean; publish: boolean; blockedBy: string | null };
  diagnostics: { file: string; line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[];
}

export function diagnosticToJson(d: FlagDiagnostic): FlagsReport['diagnostics'][number] {
  return { file: d.file, line: d.range.start.line, column: d.range.start.column, endLine: d.range.end.line, endColumn: d.range.end.column, severity: d.severity, code: d.code, message: d.message };
}

export function flagsReport(snapshot: RolloutSnapshot): FlagsReport {
  const flags = Object.fromEntries(
    Object.entries(snapshot.resolution.flags).map(([name, flag]) => [name, { value: flag.value, source: flag.source, raw: flag.raw ?? null, valid: flag.valid }]),
  ) as FlagsReport['flags'];
  const rollback = snapshot.rollback?.active ? snapshot.rollback : undefined;
  return {
    flags,
    phase: { id: snapshot.phase.id, nearest: snapshot.phase.nearest, differences: snapshot.phase.differences },
    canary: snapshot.canary,
    frozen: snapshot.resolution.frozen,
    rollback: rollback ? { active: true, reason: rollback.reason, trigger: rollback.trigger, at: rollback.at, by: rollback.by } : null,
    features: { ...snapshot.features, blockedBy: snapshot.features.blockedBy ?? null },
    diagnostics: snapshot.diagnostics.map(diagnosticToJson),
  };
}
