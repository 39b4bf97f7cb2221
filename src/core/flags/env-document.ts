/**
 * A lossless model of a `.env` file: the text is kept as it is, line by line with each line's own ending,
 * and the entries are found with exactly the rule the npm `dotenv` package uses, so our values equal its values.
 */

/** dotenv's LINE pattern, verbatim (dotenv 16–18): keys, `export `, `=` or `: `, three quote styles, inline comments. */
const DOTENV_LINE = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;
const BEFORE_KEY = /^\s*(?:export\s+)?/;
const BEFORE_VALUE = /^\s*(?:export\s+)?[\w.-]+(?:\s*=\s*?|:\s+?)/;

export type QuoteStyle = 'none' | 'single' | 'double' | 'backtick';

/** A position in the file: 1-based line and column, as editors and the CLI show them. */
export interface Position {
  line: number;
  column: number;
}

export interface EnvEntry {
  key: string;
  /** The value as dotenv.parse gives it. */
  value: string;
  /** The value text as written (quotes included, trimmed). */
  raw: string;
  quote: QuoteStyle;
  exported: boolean;
  /** Offsets into the LF-normalized text. */
  keyStart: number;
  valueStart: number;
  valueEnd: number;
  keyPosition: Position;
  valuePosition: Position;
  valueEndPosition: Position;
  /** 0-based index of the line holding the key. */
  lineIndex: number;
  /** The entry spans several lines (a quoted value with newlines). */
  multiline: boolean;
}

export interface EnvLine {
  /** The line without its ending. */
  text: string;
  /** '\n', '\r\n', '\r' or '' for a last line without one. */
  eol: string;
}

export interface EnvDocument {
  lines: EnvLine[];
  /** The line ending most lines use; new lines get it. */
  eol: '\n' | '\r\n';
  entries: EnvEntry[];
  /** The entry in effect per key: the last occurrence, as dotenv does. */
  effective: Map<string, EnvEntry>;
  /** The text as dotenv sees it (CR and CRLF turned into LF); offsets above point into it. */
  normalized: string;
}

export function splitLines(text: string): EnvLine[] {
  const lines: EnvLine[] = [];
  const pattern = /\r\n|\n|\r/g;
  let start = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    lines.push({ text: text.slice(start, match.index), eol: match[0] });
    start = match.index + match[0].length;
  }
  if (start < text.length || lines.length === 0) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

function lineStarts(normalized: string): number[] {
  const starts = [0];
  for (let i = normalized.indexOf('\n'); i !== -1; i = normalized.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionAt(starts: number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

function quoteOf(raw: string): QuoteStyle {
  const first = raw[0];
  if (raw.length < 2 || raw[raw.length - 1] !== first) return 'none';
  return first === "'" ? 'single' : first === '"' ? 'double' : first === '`' ? 'backtick' : 'none';
}

/** dotenv's value rule: trim, strip one pair of matching quotes, expand \n and \r inside double quotes. */
function dotenvValue(matched: string): string {
  let value = matched.trim();
  const quote = value[0];
  value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
  if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return value;
}

export function parseEnvDocument(text: string): EnvDocument {
  const lines = splitLines(text);
  const crlf = lines.filter((l) => l.eol === '\r\n').length;
  const lf = lines.filter((l) => l.eol === '\n').length;
  const normalized = text.replace(/\r\n?/g, '\n');
  const starts = lineStarts(normalized);
  const entries: EnvEntry[] = [];
  const pattern = new RegExp(DOTENV_LINE.source, DOTENV_LINE.flags);
  for (let match = pattern.exec(normalized); match; match = pattern.exec(normalized)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const key = match[1]!;
    const keyStart = match.index + BEFORE_KEY.exec(match[0])![0].length;
    const matchedValue = match[2] ?? '';
    const valueOffset = match.index + BEFORE_VALUE.exec(match[0])![0].length;
    const leading = matchedValue.length - matchedValue.trimStart().length;
    const raw = matchedValue.trim();
    const valueStart = valueOffset + leading;
    const valueEnd = valueStart + raw.length;
    const keyPosition = positionAt(starts, keyStart);
    const valueEndPosition = positionAt(starts, valueEnd);
    entries.push({
      key,
      value: dotenvValue(matchedValue),
      raw,
      quote: quoteOf(raw),
      exported: /^\s*export\s/.test(match[0]),
      keyStart,
      valueStart,
      valueEnd,
      keyPosition,
      valuePosition: positionAt(starts, valueStart),
      valueEndPosition,
      lineIndex: keyPosition.line - 1,
      multiline: valueEndPosition.line !== keyPosition.line,
    });
  }
  const effective = new Map<string, EnvEntry>();
  for (const entry of entries) effective.set(entry.key, entry);
  return { lines, eol: crlf > lf ? '\r\n' : '\n', entries, effective, normalized };
}

/** The document's values as a plain object, exactly as dotenv.parse returns them. */
export function envValues(document: EnvDocument): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, entry] of document.effective) values[key] = entry.value;
  return values;
}

export function joinLines(lines: readonly EnvLine[]): string {
  return lines.map((line) => line.text + line.eol).join('');
}
