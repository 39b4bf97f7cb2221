/**
 * The straightforward parseEnvDocument and diagnoseEnvDocument as first written, before the performance work:
 * the oracle the optimized ones must equal exactly (entries, offsets, positions, diagnostics and their order).
 */
import { FLAGS, FLAG_NAMES, type FlagName, isFlagName } from '../../src/core/flags/catalog';
import type { DiagnoseOptions } from '../../src/core/flags/diagnose';
import type { FlagDiagnostic, Fix, Range, Severity } from '../../src/core/flags/diagnostic';
import type { EnvDocument, EnvEntry, EnvLine, Position, QuoteStyle } from '../../src/core/flags/env-document';
import { parseBoolean, parseFlagValue } from '../../src/core/flags/values';

/** dotenv's LINE pattern, verbatim (dotenv 16–18): keys, `export `, `=` or `: `, three quote styles, inline comments. */
const DOTENV_LINE = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;
const BEFORE_KEY = /^\s*(?:export\s+)?/;
const BEFORE_VALUE = /^\s*(?:export\s+)?[\w.-]+(?:\s*=\s*?|:\s+?)/;

export function referenceSplitLines(text: string): EnvLine[] {
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

export function referenceParseEnvDocument(text: string): EnvDocument {
  const lines = referenceSplitLines(text);
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
export function referenceEnvValues(document: EnvDocument): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, entry] of document.effective) values[key] = entry.value;
  return values;
}

const KEY_LINE = /^(\s*)(export\s+)?([^=#]*?)(\s*)=(\s*)(.*)$/;
const VALID_KEY = /^[\w.-]+$/;

function range(line: number, startColumn: number, endColumn: number): Range {
  return { start: { line, column: startColumn }, end: { line, column: Math.max(endColumn, startColumn + 1) } };
}

function entryValueRange(entry: EnvEntry): Range {
  return { start: entry.valuePosition, end: entry.valuePosition.line === entry.valueEndPosition.line && entry.valueEndPosition.column > entry.valuePosition.column ? entry.valueEndPosition : { line: entry.valuePosition.line, column: entry.valuePosition.column + 1 } };
}

function keyRange(entry: EnvEntry): Range {
  return { start: entry.keyPosition, end: { line: entry.keyPosition.line, column: entry.keyPosition.column + entry.key.length } };
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Character counts of an upper-case key: A–Z, 0–9, '_', '.', '-', anything else. */
function histogram(key: string): Int16Array {
  const counts = new Int16Array(40);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    counts[c >= 65 && c <= 90 ? c - 65 : c >= 48 && c <= 57 ? c - 22 : c === 95 ? 36 : c === 46 ? 37 : c === 45 ? 38 : 39]!++;
  }
  return counts;
}

const FLAG_HISTOGRAMS = FLAG_NAMES.map(histogram);

/** A lower bound of the edit distance: every edit adds or removes at most one character of each kind. */
function characterBound(a: Int16Array, b: Int16Array): number {
  let surplus = 0;
  let deficit = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d > 0) surplus += d;
    else deficit -= d;
  }
  return Math.max(surplus, deficit);
}

/** The known flag a key most likely meant: a near miss (`CHIMERA_ENABLE`), or a known name with another case. */
export function referenceNearestFlag(key: string): FlagName | undefined {
  const upper = key.toUpperCase();
  const counts = histogram(upper);
  let best: { name: FlagName; distance: number } | undefined;
  for (const [index, name] of FLAG_NAMES.entries()) {
    // The length difference bounds the distance from below: most keys are ruled out without the quadratic part.
    const limit = Math.max(2, Math.floor(name.length / 6));
    if (Math.abs(upper.length - name.length) > limit || characterBound(counts, FLAG_HISTOGRAMS[index]!) > limit) continue;
    const distance = editDistance(upper, name);
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Every diagnostic of one `.env`-style document. Pure: the same text gives the same diagnostics. */
export function referenceDiagnoseEnvDocument(document: EnvDocument, options: DiagnoseOptions): FlagDiagnostic[] {
  const file = options.file;
  const out: FlagDiagnostic[] = [];
  const add = (code: FlagDiagnostic['code'], severity: Severity, message: string, where: Range, fix?: Fix) =>
    out.push({ file, code, severity, message, range: where, ...(fix ? { fix } : {}) });
  const replace = (title: string, where: Range, newText: string, inFile = file): Fix => ({ title, edits: [{ file: inFile, range: where, newText }] });

  // Lines that continue a multi-line quoted value are value text, not lines of their own.
  const continuation = new Set<number>();
  for (const entry of document.entries) for (let l = entry.keyPosition.line + 1; l <= entry.valueEndPosition.line; l++) continuation.add(l);
  const entryOnLine = new Map<number, EnvEntry>();
  for (const entry of document.entries) entryOnLine.set(entry.keyPosition.line, entry);

  document.lines.forEach((lineObject, index) => {
    const lineNumber = index + 1;
    const text = lineObject.text;
    if (continuation.has(lineNumber)) return;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (/\s+$/.test(text)) {
      const start = text.trimEnd().length + 1;
      add('trailing-whitespace', 'hint', 'Trailing whitespace: remove it.', range(lineNumber, start, text.length + 1), replace('Remove trailing whitespace', range(lineNumber, start, text.length + 1), ''));
    }
    const match = KEY_LINE.exec(text);
    if (!match) {
      const entry = entryOnLine.get(lineNumber);
      if (entry) return;
      const key = trimmed.replace(/^export\s+/, '');
      const column = text.indexOf(key) + 1;
      if (VALID_KEY.test(key)) {
        add('key-without-value', 'warning', `'${key}' has no '=': dotenv ignores this line. Write ${key}= for an empty value, or remove the line.`, range(lineNumber, column, column + key.length), replace(`Add '=' after ${key}`, range(lineNumber, column + key.length, column + key.length), '='));
      } else {
        add('invalid-key', 'warning', 'dotenv ignores this line: it is neither KEY=value nor a comment.', range(lineNumber, column, text.length + 1));
      }
      return;
    }
    const [, indent, exported, key, spaceBefore, spaceAfter] = match as unknown as [string, string, string | undefined, string, string, string];
    const keyColumn = indent.length + (exported?.length ?? 0) + 1;
    const keyEnd = keyColumn + key.length;
    if (!VALID_KEY.test(key)) {
      const entry = entryOnLine.get(lineNumber);
      const reading = entry ? ` dotenv reads it as '${entry.key}'.` : ' dotenv ignores this line.';
      add('invalid-key', 'error', `'${key}' is not a valid key: use letters, digits and '_' only.${reading}`, range(lineNumber, keyColumn, keyEnd));
      return;
    }
    if (key !== key.toUpperCase()) {
      add('lowercase-key', 'warning', `Keys are upper case by convention: ${key.toUpperCase()}.`, range(lineNumber, keyColumn, keyEnd), replace(`Rename to ${key.toUpperCase()}`, range(lineNumber, keyColumn, keyEnd), key.toUpperCase()));
    }
    if (spaceBefore.length > 0 || spaceAfter.length > 0) {
      const start = keyEnd;
      const end = keyEnd + spaceBefore.length + 1 + spaceAfter.length;
      add('space-around-equals', 'warning', `Remove the spaces around '=': many tools that read .env files do not accept them.`, range(lineNumber, start, end), replace("Remove spaces around '='", range(lineNumber, start, end), '='));
    }
  });

  diagnoseEntries(document, options, add, replace);
  if (document.lines.length > 1 || document.lines[0]!.text !== '') {
    const last = document.lines[document.lines.length - 1]!;
    if (last.eol === '' && last.text !== '') {
      const at = range(document.lines.length, last.text.length + 1, last.text.length + 1);
      add('missing-final-newline', 'hint', 'The file does not end with a newline.', at, replace('Add a final newline', { start: at.start, end: at.start }, document.eol));
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}

type Add = (code: FlagDiagnostic['code'], severity: Severity, message: string, where: Range, fix?: Fix) => void;
type Replace = (title: string, where: Range, newText: string, inFile?: string) => Fix;

function diagnoseEntries(document: EnvDocument, options: DiagnoseOptions, add: Add, replace: Replace): void {
  const seen = new Map<string, EnvEntry[]>();
  for (const entry of document.entries) {
    const list = seen.get(entry.key);
    if (list) list.push(entry);
    else seen.set(entry.key, [entry]);
  }
  const enabled = document.effective.get('CHIMERA_ENABLED');
  const chimeraOn = enabled ? parseBoolean(enabled.value).ok && (parseBoolean(enabled.value) as { value: boolean }).value : false;
  const freeze = document.effective.get('CHIMERA_FREEZE');
  const frozen = freeze ? parseBoolean(freeze.value).ok && (parseBoolean(freeze.value) as { value: boolean }).value : false;

  for (const entry of document.entries) {
    const occurrences = seen.get(entry.key)!;
    const inEffect = occurrences[occurrences.length - 1]!;
    if (occurrences.length > 1 && entry !== occurrences[0]) {
      const first = occurrences[0]!.keyPosition.line;
      const message = entry === inEffect
        ? `${entry.key} is also set on line ${first}: this line (${inEffect.keyPosition.line}) is the one in effect.`
        : `${entry.key} is set again: line ${inEffect.keyPosition.line} is the one in effect (the last occurrence wins).`;
      add('duplicate-key', 'warning', message, keyRange(entry));
    }

    if (entry.quote === 'none' && /^['"`]/.test(entry.raw)) {
      add('unmatched-quote', 'error', `The value opens a ${entry.raw[0]} quote that never closes: dotenv keeps the quote character in the value.`, entryValueRange(entry));
    }

    if (!isFlagName(entry.key)) {
      const nearest = referenceNearestFlag(entry.key);
      if (nearest && nearest !== entry.key.toUpperCase()) {
        add('unknown-flag', 'warning', `${entry.key} is not a Chimera flag: did you mean ${nearest}? This line has no effect.`, keyRange(entry), replace(`Rename to ${nearest}`, keyRange(entry), nearest));
      } else if (!nearest && /^(CHIMERA|WASM|PROTEIN)_/i.test(entry.key)) {
        add('unknown-flag', 'warning', `${entry.key} is not a Chimera flag (known: ${FLAG_NAMES.join(', ')}). This line has no effect.`, keyRange(entry));
      }
    } else {
      diagnoseValue(entry, entry.key, add, replace);
      const spec = FLAGS[entry.key];
      const parsed = parseFlagValue(entry.key, entry.value);
      const turnsOn = parsed.ok && spec.feature && entry.key !== 'CHIMERA_ENABLED' && (parsed.value === true || (entry.key === 'CHIMERA_CANARY' && typeof parsed.value === 'number' && parsed.value > 0));
      if (!options.isExample && entry === inEffect && turnsOn) {
        if (frozen) add('frozen', 'info', `CHIMERA_FREEZE=1: ${entry.key} has no effect while Chimera is frozen.`, keyRange(entry));
        else if (!chimeraOn) add('no-effect', 'warning', `${entry.key} has no effect while CHIMERA_ENABLED is off. Set CHIMERA_ENABLED=1 to use it.`, keyRange(entry));
      }
    }

    if (options.isExample) {
      diagnoseExampleEntry(entry, add, replace);
    } else if (options.example && !options.example.effective.has(entry.key) && entry === inEffect) {
      const exampleFile = options.exampleFile ?? '.env.example';
      const disabled = isFlagName(entry.key) ? FLAGS[entry.key].exampleText : '';
      const end = endOfDocument(options.example);
      add('missing-from-example', 'warning', `${entry.key} is not in ${exampleFile}: add it (disabled) so everyone knows the flag exists.`, keyRange(entry), {
        title: `Add ${entry.key} to ${exampleFile}`,
        edits: [{ file: exampleFile, range: { start: end.position, end: end.position }, newText: `${end.needsNewline ? options.example.eol : ''}${entry.key}=${disabled}${options.example.eol}` }],
      });
    }
  }
}

/** An unusable flag value is an error: the flag falls back to a value that turns nothing on. */
function diagnoseValue(entry: EnvEntry, name: FlagName, add: Add, replace: Replace): void {
  const parsed = parseFlagValue(name, entry.value);
  if (parsed.ok) return;
  const where = entryValueRange(entry);
  const fix = parsed.suggestion !== undefined ? replace(`Use ${parsed.suggestion}`, where, parsed.suggestion) : undefined;
  add(parsed.code, 'error', `${name}: ${parsed.message}`, where, fix);
}

function diagnoseExampleEntry(entry: EnvEntry, add: Add, replace: Replace): void {
  if (!isFlagName(entry.key) || !FLAGS[entry.key].feature) return;
  const parsed = parseFlagValue(entry.key, entry.value);
  const on = parsed.ok && (parsed.value === true || (entry.key === 'CHIMERA_CANARY' && (parsed.value as number) > 0));
  if (on) {
    const where = entryValueRange(entry);
    add('example-enables-feature', 'warning', `${entry.key} is enabled in the example: the plan keeps every feature disabled by default. Use 0.`, where, replace('Disable it (0)', where, '0'));
  }
}

function endOfDocument(document: EnvDocument): { position: Position; needsNewline: boolean } {
  const last = document.lines[document.lines.length - 1]!;
  // After a final line ending, the end is the start of the (empty) line that follows, as editors count lines.
  if (last.eol !== '') return { position: { line: document.lines.length + 1, column: 1 }, needsNewline: false };
  return { position: { line: document.lines.length, column: last.text.length + 1 }, needsNewline: last.text !== '' };
}
