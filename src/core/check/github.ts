// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, escaped as the runner expects.
import type { CheckReport, Finding } from './types';

/** Message data: `%`, CR and LF are percent-encoded (the runner's escapeData). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also encode `:` and `,`, which separate properties (the runner's escapeProperty). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(finding: Finding): string {
  const command = finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'notice';
  const properties: string[] = [];
  if (finding.file !== undefined) properties.push(`file=${escapeProperty(finding.file)}`);
  if (finding.line !== undefined) properties.push(`line=${finding.line}`);
  if (finding.column !== undefined) properties.push(`col=${finding.column}`);
  properties.push(`title=${escapeProperty(`chimera ${finding.area}: ${finding.code}`)}`);
  return `::${command} ${properties.join(',')}::${escapeData(finding.message)}`;
}

/** One annotation per finding, then a notice with the totals so the run's summary says what was checked. */
export function toGitHubAnnotations(report: CheckReport): string {
  const { stats, counts } = report;
  const summary = `chimera check: ${stats.files} files, ${stats.genes} genes, ${stats.compiled} compiled, ${stats.verified} verified, ${stats.mismatches} mismatches; ${counts.errors} errors, ${counts.warnings} warnings`;
  return [...report.findings.map(annotation), `::notice title=${escapeProperty('chimera check')}::${escapeData(summary)}`].join('\n');
}
