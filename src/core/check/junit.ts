// JUnit XML of a check report: one <testsuite> per area, one <testcase> per file or item.
import { CHECK_AREAS, type CheckItem, type CheckReport, type Finding } from './types';

/** Escapes text and attribute values; characters XML 1.0 cannot hold at all become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Element text keeps its line breaks readable; only attributes need them encoded. */
function escapeText(text: string): string {
  return escapeXml(text).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function where(finding: Finding): string {
  return finding.file ? `${finding.file}${finding.line !== undefined ? `:${finding.line}${finding.column !== undefined ? `:${finding.column}` : ''}` : ''}: ` : '';
}

function testcase(item: CheckItem): string {
  const file = item.findings.find((f) => f.file)?.file ?? (item.area === 'genes' || item.area === 'protein' ? item.name : undefined);
  const attributes = `classname="chimera.${item.area}" name="${escapeXml(item.name)}"${file ? ` file="${escapeXml(file)}"` : ''} time="${seconds(item.durationMs)}"`;
  if (item.status === 'skipped') return `    <testcase ${attributes}>\n      <skipped message="${escapeXml(item.detail ?? 'skipped')}"/>\n    </testcase>`;
  const errors = item.findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return `    <testcase ${attributes}/>`;
  const tag = item.broken ? 'error' : 'failure';
  const body = errors.map((f) => `${where(f)}${f.code}: ${f.message}`).join('\n');
  return `    <testcase ${attributes}>\n      <${tag} message="${escapeXml(errors[0]!.message)}" type="${escapeXml(errors[0]!.code)}">${escapeText(body)}</${tag}>\n    </testcase>`;
}

export function toJUnitXml(report: CheckReport): string {
  const suites: string[] = [];
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const area of CHECK_AREAS) {
    const items = report.items.filter((item) => item.area === area);
    const failures = items.filter((i) => i.status === 'failed' && !i.broken).length;
    const errors = items.filter((i) => i.status === 'failed' && i.broken).length;
    const skipped = items.filter((i) => i.status === 'skipped').length;
    total.tests += items.length;
    total.failures += failures;
    total.errors += errors;
    total.skipped += skipped;
    const time = items.reduce((sum, item) => sum + item.durationMs, 0);
    const open = `  <testsuite name="${area}" tests="${items.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}" timestamp="${report.startedAt.slice(0, 19)}">`;
    suites.push(items.length === 0 ? `${open}</testsuite>` : [open, ...items.map(testcase), '  </testsuite>'].join('\n'));
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="chimera check" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
