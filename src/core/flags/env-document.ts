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

/** The lines of a text with their own endings; one pass of indexOf, since most files have no CR at all. */
export function splitLines(text: string): EnvLine[] {
  const lines: EnvLine[] = [];
  let start = 0;
  if (text.indexOf('\r') === -1) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      lines.push({ text: text.slice(start, i), eol: '\n' });
      start = i + 1;
    }
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const crlf = c === 13 && text.charCodeAt(i + 1) === 10;
      lines.push({ text: text.slice(start, i), eol: crlf ? '\r\n' : c === 13 ? '\r' : '\n' });
      if (crlf) i++;
      start = i + 1;
    }
  }
  if (start < text.length || lines.length === 0) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/** JavaScript's `\s` (and what String.prototype.trim removes): WhiteSpace and LineTerminator. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * 1-based positions of increasing offsets in one pass: the dotenv matches come in order,
 * so the line only ever moves forward (an offset behind the cursor restarts it, which the parser never needs).
 */
class LineCursor {
  private lineIndex = 0;
  private lineStart = 0;
  private nextBreak: number;

  constructor(private readonly text: string) {
    this.nextBreak = text.indexOf('\n');
  }

  private moveTo(offset: number): void {
    if (offset < this.lineStart) {
      this.lineIndex = 0;
      this.lineStart = 0;
      this.nextBreak = this.text.indexOf('\n');
    }
    while (this.nextBreak !== -1 && this.nextBreak < offset) {
      this.lineIndex++;
      this.lineStart = this.nextBreak + 1;
      this.nextBreak = this.text.indexOf('\n', this.lineStart);
    }
  }

  positionAt(offset: number): Position {
    this.moveTo(offset);
    return { line: this.lineIndex + 1, column: offset - this.lineStart + 1 };
  }
}

function quoteOf(raw: string): QuoteStyle {
  const first = raw[0];
  if (raw.length < 2 || raw[raw.length - 1] !== first) return 'none';
  return first === "'" ? 'single' : first === '"' ? 'double' : first === '`' ? 'backtick' : 'none';
}

/** dotenv's value rule on the trimmed text: strip one pair of matching quotes, expand \n and \r inside double quotes. */
function dotenvValue(raw: string): string {
  const quote = raw[0];
  let value: string;
  if (raw.indexOf('\n') !== -1 || raw.indexOf('\r') !== -1 || raw.indexOf('\u2028') !== -1 || raw.indexOf('\u2029') !== -1) {
    // Several lines: dotenv's own multi-line replace, verbatim.
    value = raw.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
  } else {
    // One line: the multi-line pattern can only match the whole text, quote to same quote.
    value = raw.length >= 2 && (quote === "'" || quote === '"' || quote === '`') && raw[raw.length - 1] === quote ? raw.slice(1, -1) : raw;
  }
  if (quote === '"' && value.indexOf('\\') !== -1) value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return value;
}

/** Where the key and the value text start in a dotenv match, as BEFORE_KEY and BEFORE_VALUE find them. */
interface MatchOffsets {
  keyStart: number;
  valueOffset: number;
  exported: boolean;
}

/**
 * The offsets from the match itself, without running the prefix patterns again: the match is
 * `\s* (export\s+)? KEY (\s*= | :\s)`, and every branch of the rest of the pattern matches, so the
 * prefix is the first way the prefix pattern matches. Only a key named `export` after `export ` is ambiguous.
 */
function matchOffsets(text: string, matchStart: number, matched: string, key: string): MatchOffsets | undefined {
  let p = matchStart;
  while (isSpace(text.charCodeAt(p))) p++;
  let keyStart = p;
  let exported = false;
  if (text.startsWith('export', p) && isSpace(text.charCodeAt(p + 6))) {
    if (key === 'export') return undefined;
    exported = true;
    keyStart = p + 7;
    while (isSpace(text.charCodeAt(keyStart))) keyStart++;
  }
  const keyEnd = keyStart + key.length;
  let s = keyEnd;
  while (isSpace(text.charCodeAt(s))) s++;
  const valueOffset = text.charCodeAt(s) === 61 ? s + 1 : keyEnd + 2;
  // A cheap guard that this reading is the one the pattern made; the slow path decides otherwise.
  if (valueOffset > matchStart + matched.length || text.charCodeAt(keyStart) !== key.charCodeAt(0)) return undefined;
  return { keyStart, valueOffset, exported };
}

function offsetsByPattern(matchStart: number, matched: string): MatchOffsets {
  return {
    keyStart: matchStart + BEFORE_KEY.exec(matched)![0].length,
    valueOffset: matchStart + BEFORE_VALUE.exec(matched)![0].length,
    exported: /^\s*export\s/.test(matched),
  };
}

/** What the parser learned beside the document it returned: the keys set more than once (the public shape stays as it is). */
interface ParseFacts {
  entries: readonly EnvEntry[];
  count: number;
  repeated: ReadonlySet<string>;
}

const parseFacts = new WeakMap<EnvDocument, ParseFacts>();

/** The keys set more than once in a document: from its parse when its entries are those it parsed, else counted again. */
export function repeatedKeys(document: EnvDocument): ReadonlySet<string> {
  const facts = parseFacts.get(document);
  if (facts && facts.entries === document.entries && facts.count === document.entries.length) return facts.repeated;
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const entry of document.entries) {
    if (seen.has(entry.key)) repeated.add(entry.key);
    else seen.add(entry.key);
  }
  return repeated;
}

export function parseEnvDocument(text: string): EnvDocument {
  const lines = splitLines(text);
  let crlf = 0;
  let lf = 0;
  for (let i = 0; i < lines.length; i++) {
    const eol = lines[i]!.eol;
    if (eol === '\n') lf++;
    else if (eol === '\r\n') crlf++;
  }
  const normalized = text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
  const cursor = new LineCursor(normalized);
  const entries: EnvEntry[] = [];
  const effective = new Map<string, EnvEntry>();
  const repeated = new Set<string>();
  const pattern = new RegExp(DOTENV_LINE.source, DOTENV_LINE.flags);
  for (let match = pattern.exec(normalized); match; match = pattern.exec(normalized)) {
    const matched = match[0];
    if (matched.length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const key = match[1]!;
    const { keyStart, valueOffset, exported } = matchOffsets(normalized, match.index, matched, key) ?? offsetsByPattern(match.index, matched);
    const matchedValue = match[2] ?? '';
    const raw = matchedValue.trim();
    const leading = raw.length === matchedValue.length ? 0 : matchedValue.length - matchedValue.trimStart().length;
    const valueStart = valueOffset + leading;
    const valueEnd = valueStart + raw.length;
    const keyPosition = cursor.positionAt(keyStart);
    const valuePosition = cursor.positionAt(valueStart);
    const valueEndPosition = cursor.positionAt(valueEnd);
    const entry: EnvEntry = {
      key,
      value: dotenvValue(raw),
      raw,
      quote: quoteOf(raw),
      exported,
      keyStart,
      valueStart,
      valueEnd,
      keyPosition,
      valuePosition,
      valueEndPosition,
      lineIndex: keyPosition.line - 1,
      multiline: valueEndPosition.line !== keyPosition.line,
    };
    entries.push(entry);
    // The map does not grow when the key is already there: a repeat, found without a lookup of its own.
    const distinctKeys = effective.size;
    effective.set(key, entry);
    if (effective.size === distinctKeys) repeated.add(key);
  }
  const document: EnvDocument = { lines, eol: crlf > lf ? '\r\n' : '\n', entries, effective, normalized };
  parseFacts.set(document, { entries, count: entries.length, repeated });
  return document;
}

/** The document's values as a plain object, exactly as dotenv.parse returns them. */
export function envValues(document: EnvDocument): Record<string, string> {
  const values: Record<string, string> = {};
  document.effective.forEach((entry, key) => {
    values[key] = entry.value;
  });
  return values;
}

export function joinLines(lines: readonly EnvLine[]): string {
  return lines.map((line) => line.text + line.eol).join('');
}
