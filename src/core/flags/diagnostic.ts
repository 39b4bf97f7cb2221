import type { Position } from './env-document';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** Stable codes: they are part of the CLI's JSON and link to their documentation; never rename one. */
export const DIAGNOSTIC_CODES = [
  'duplicate-key',
  'invalid-boolean',
  'invalid-fraction',
  'canary-as-percent',
  'unknown-flag',
  'invalid-limit',
  'no-effect',
  'frozen',
  'lowercase-key',
  'space-around-equals',
  'key-without-value',
  'unmatched-quote',
  'invalid-key',
  'trailing-whitespace',
  'missing-final-newline',
  'missing-from-example',
  'missing-example-file',
  'example-enables-feature',
  'binary-file',
  'file-too-large',
  'invalid-encoding',
  'unreadable-file',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/** Columns are 1-based; `end` is exclusive. */
export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  /** Relative to the workspace: '.env', '.env.example'. */
  file: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface FlagDiagnostic {
  /** '.env', '.env.example', or 'environment' / 'settings' for values that come from there. */
  file: string;
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  range: Range;
  fix?: Fix;
}

export const DOCS_URL = 'https://github.com/voideditor/chimera-rollout/blob/main/docs/diagnostics.md';

export function docsLink(code: DiagnosticCode): string {
  return `${DOCS_URL}#${code}`;
}

export function hasErrors(diagnostics: readonly FlagDiagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
