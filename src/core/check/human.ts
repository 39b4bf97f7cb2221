// The human rendering of a check report: findings as `file:line:col  severity  code  message`, then a summary.
import { CHECK_AREAS, type CheckReport } from './types';

export interface Style {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

const plain: Style = { red: (t) => t, yellow: (t) => t, green: (t) => t, dim: (t) => t };
const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const colored: Style = { red: ansi(31), yellow: ansi(33), green: ansi(32), dim: ansi(2) };

/** Colour only for a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function styleFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>> = process.env): Style {
  return isTTY && !env.NO_COLOR ? colored : plain;
}

export function renderReport(report: CheckReport, style: Style = plain): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const where = f.file ? `${f.file}${f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : ''}` : `(${f.area})`;
    const severity = f.severity === 'error' ? style.red('error') : f.severity === 'warning' ? style.yellow('warning') : style.dim('notice');
    lines.push(`${where}  ${severity}  ${f.code}  ${f.message}`);
  }
  if (lines.length > 0) lines.push('');
  for (const area of CHECK_AREAS) {
    const items = report.items.filter((item) => item.area === area);
    if (items.length === 0) continue;
    const failed = items.filter((i) => i.status === 'failed').length;
    const skipped = items.filter((i) => i.status === 'skipped');
    const state = failed > 0 ? style.red(`${failed} failed`) : style.green('ok');
    const extra = skipped.length > 0 ? style.dim(` (${skipped.length} ${skipped[0]!.detail ?? 'skipped'})`) : '';
    lines.push(`${area.padEnd(10)} ${state}  ${items.length - skipped.length} checked${extra}`);
  }
  const { stats, counts } = report;
  lines.push(
    `totals     ${stats.files} files (${stats.analysed} analysed, ${stats.cached} from cache), ${stats.genes} genes, ${stats.pure} pure, ${stats.conditional} conditional, ${stats.compiled} compiled, ${stats.verified} verified, ${stats.mismatches} mismatches${report.proteinHashChecked ? `, ${stats.proteinHashed} protein hashes reproduced` : ''}`,
    ...(report.sandbox ? [`sandbox    ${report.sandbox.runs} verification runs, peak memory ${report.sandbox.memoryBytes} bytes; modules ${report.sandbox.modulesDir === null ? 'not kept (--no-cache)' : `by CID in ${report.sandbox.modulesDir}: ${report.sandbox.modules.misses} stored, ${report.sandbox.modules.hits} already there`}`] : []),
    `phase      ${report.phase} (checked as a dry run whatever the flags say)`,
    '',
    report.ok
      ? style.green(`chimera check passed in ${(report.durationMs / 1000).toFixed(1)} s on ${report.jobs} workers${counts.warnings ? ` with ${counts.warnings} warnings` : ''}`)
      : style.red(`chimera check failed: ${counts.errors} errors, ${counts.warnings} warnings (${(report.durationMs / 1000).toFixed(1)} s)`),
  );
  return lines.join('\n');
}
