import { hasErrors } from '../../core/flags/diagnostic';
import { type FlagsReport, flagsReport } from '../../core/rollout/report';
import type { Command } from '../command';
import { ExitCode } from '../exit-codes';
import { ROLLOUT_OPTIONS, loadSnapshot } from '../workspace';

export function renderFlags(report: FlagsReport): string {
  const phase = report.phase.id === 'custom'
    ? `custom (nearest: Phase ${report.phase.nearest}; differs in ${report.phase.differences.map((d) => `${d.flag}=${d.actual} (phase has ${d.expected})`).join(', ')})`
    : `Phase ${report.phase.id}`;
  const state = report.rollback ? `ROLLED BACK (${report.rollback.reason}, ${report.rollback.at})` : report.frozen ? 'FROZEN (CHIMERA_FREEZE=1)' : report.features.analysis ? 'active' : `off (${report.features.blockedBy})`;
  const width = Math.max(...Object.keys(report.flags).map((k) => k.length));
  const lines = [
    `Phase:  ${phase}`,
    `State:  ${state}`,
    `Canary: bucket ${report.canary.bucket.toFixed(4)} ${report.canary.in ? '<' : '>='} fraction ${report.canary.fraction}: ${report.canary.in ? 'in' : 'out'}${report.canary.override ? ` (override: ${report.canary.override})` : ''}`,
    '',
    ...Object.entries(report.flags).map(([name, flag]) => `  ${name.padEnd(width)}  ${String(flag.value).padEnd(9)} ${flag.source}${flag.raw !== null ? ` ("${flag.raw}")` : ''}${flag.valid ? '' : '  ← invalid, safe value used'}`),
  ];
  if (report.diagnostics.length > 0) {
    lines.push('', ...report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`));
  }
  return lines.join('\n');
}

export const flagsCommand: Command = {
  name: 'flags',
  summary: 'Show the effective rollout flags with their sources, the phase, the canary and every diagnostic',
  usage: 'chimera flags [--workspace DIR] [--machine-id ID] [--json]',
  options: ROLLOUT_OPTIONS,
  async run(context, options) {
    const snapshot = await loadSnapshot(context, options);
    const report = flagsReport(snapshot);
    return { exitCode: hasErrors(snapshot.diagnostics) ? ExitCode.Findings : ExitCode.Ok, data: report, text: renderFlags(report) };
  },
};
