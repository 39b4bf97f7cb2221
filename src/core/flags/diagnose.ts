import { FLAGS, FLAG_NAMES, type FlagName, isFlagName } from './catalog';
import type { FlagDiagnostic, Fix, Range, Severity } from './diagnostic';
import { type EnvDocument, type EnvEntry, type Position, repeatedKeys } from './env-document';
import { parseBoolean, parseFlagValue } from './values';

const KEY_LINE = /^(\s*)(export\s+)?([^=#]*?)(\s*)=(\s*)(.*)$/;
const VALID_KEY = /^[\w.-]+$/;
/**
 * A line no line-level rule reports: an upper-case key, `=` right after it, no space after it, nothing blank at the end
 * and no line separator that would stop KEY_LINE's `.*` (most lines of a real file; they skip the checks below).
 */
const CLEAN_LINE = /^(?:export[ \t]+)?[A-Z0-9_.-]+=(?:\S(?:[^\u2028\u2029]*\S)?)?$/;

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

/** Histogram slot of a character: A–Z, 0–9, '_', '.', '-', anything else. */
function slotOf(c: number): number {
  return c >= 65 && c <= 90 ? c - 65 : c >= 48 && c <= 57 ? c - 22 : c === 95 ? 36 : c === 46 ? 37 : c === 45 ? 38 : 39;
}

/** Character counts of an upper-case key, into `counts` (zeroed here). */
function histogram(key: string, counts = new Int16Array(40)): Int16Array {
  counts.fill(0);
  for (let i = 0; i < key.length; i++) counts[slotOf(key.charCodeAt(i))]!++;
  return counts;
}

/** The class bit of each ASCII character: one per letter (either case), one for all digits, '_', '.', '-', anything else. */
const CLASS_BITS = Uint32Array.from({ length: 128 }, (_, c) => {
  const slot = slotOf(c >= 97 && c <= 122 ? c - 32 : c);
  return 1 << (slot < 26 ? slot : slot < 36 ? 26 : slot - 9);
});

/** Bit set of the character classes in an upper-case key (digits share one bit: no flag name has any). */
function classMask(upper: string): number {
  let mask = 0;
  for (let i = 0; i < upper.length; i++) {
    const c = upper.charCodeAt(i);
    mask |= c < 128 ? CLASS_BITS[c]! : CLASS_BITS[0]!;
  }
  return mask;
}

function bitCount(bits: number): number {
  let v = bits - ((bits >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

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

const FLAG_SHAPES = FLAG_NAMES.map((name) => ({ name, limit: Math.max(2, Math.floor(name.length / 6)), histogram: histogram(name), mask: classMask(name) }));
/** The flags a key of each length can be a near miss of (the length difference bounds the distance), in catalog order. */
const CANDIDATES_BY_LENGTH = Array.from({ length: Math.max(...FLAG_SHAPES.map((f) => f.name.length + f.limit)) + 1 }, (_, length) =>
  FLAG_SHAPES.filter((f) => Math.abs(length - f.name.length) <= f.limit),
);
const keyCounts = new Int16Array(40);

/** The known flag a key most likely meant: a near miss (`CHIMERA_ENABLE`), or a known name with another case. */
export function nearestFlag(key: string): FlagName | undefined {
  // Lower bounds of the edit distance, cheapest first, rule out most keys before the quadratic part:
  // the length difference, then the character classes the key has and the flag lacks (each costs an edit).
  let mask = 0;
  let ascii = true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 128) ascii = false;
    else mask |= CLASS_BITS[c]!;
  }
  // ASCII keys (all that dotenv reads) are upper-cased only when a near miss is possible.
  let upper = ascii ? undefined : key.toUpperCase();
  if (upper !== undefined) mask = classMask(upper);
  const candidates = CANDIDATES_BY_LENGTH[upper?.length ?? key.length];
  if (candidates === undefined) return undefined;
  let counts: Int16Array | undefined;
  let best: { name: FlagName; distance: number } | undefined;
  for (let index = 0; index < candidates.length; index++) {
    const flag = candidates[index]!;
    const limit = flag.limit;
    if (bitCount(mask & ~flag.mask) > limit) continue;
    upper ??= key.toUpperCase();
    counts ??= histogram(upper, keyCounts);
    if (characterBound(counts, flag.histogram) > limit) continue;
    const distance = editDistance(upper, flag.name);
    if (distance <= limit && (!best || distance < best.distance)) best = { name: flag.name, distance };
  }
  return best?.name;
}

export interface DiagnoseOptions {
  /** Workspace-relative name used in diagnostics and fixes. */
  file: string;
  /** The `.env.example` document, to check that every key of `.env` is listed there; undefined when missing. */
  example?: EnvDocument | null;
  exampleFile?: string;
  /** This document is the example: its features must all be disabled. */
  isExample?: boolean;
}

/** Every diagnostic of one `.env`-style document. Pure: the same text gives the same diagnostics. */
export function diagnoseEnvDocument(document: EnvDocument, options: DiagnoseOptions): FlagDiagnostic[] {
  const file = options.file;
  const out: FlagDiagnostic[] = [];
  const add = (code: FlagDiagnostic['code'], severity: Severity, message: string, where: Range, fix?: Fix) =>
    out.push(fix ? { file, code, severity, message, range: where, fix } : { file, code, severity, message, range: where });
  const replace = (title: string, where: Range, newText: string, inFile = file): Fix => ({ title, edits: [{ file: inFile, range: where, newText }] });

  // Lines that continue a multi-line quoted value are value text, not lines of their own.
  const entries = document.entries;
  const lineCount = document.lines.length;
  const continuation = new Uint8Array(lineCount + 2);
  for (const entry of entries) for (let l = entry.keyPosition.line + 1; l <= entry.valueEndPosition.line; l++) continuation[Math.min(l, lineCount + 1)] = 1;
  let entryOnLine: (EnvEntry | undefined)[] | undefined;
  const entryAt = (line: number): EnvEntry | undefined => {
    if (!entryOnLine) {
      entryOnLine = new Array<EnvEntry | undefined>(lineCount + 2).fill(undefined);
      for (const entry of entries) entryOnLine[entry.keyPosition.line] = entry;
    }
    return entryOnLine[line];
  };

  for (let index = 0; index < lineCount; index++) {
    const text = document.lines[index]!.text;
    const lineNumber = index + 1;
    if (continuation[lineNumber] === 1 || text.length === 0 || text.charCodeAt(0) === 35 || CLEAN_LINE.test(text)) continue;
    diagnoseLine(text, lineNumber, entryAt, add, replace);
  }

  diagnoseEntries(document, options, add, replace);
  if (document.lines.length > 1 || document.lines[0]!.text !== '') {
    const last = document.lines[document.lines.length - 1]!;
    if (last.eol === '' && last.text !== '') {
      const at = range(document.lines.length, last.text.length + 1, last.text.length + 1);
      add('missing-final-newline', 'hint', 'The file does not end with a newline.', at, replace('Add a final newline', { start: at.start, end: at.start }, document.eol));
    }
  }
  return sortByPosition(out);
}

const byPosition = (a: FlagDiagnostic, b: FlagDiagnostic) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;

/**
 * The stable sort by line, then column, in linear time for the usual case: a counting sort by line keeps the order
 * within a line, and an insertion sort orders the few diagnostics of one line by column, keeping ties in order.
 */
function sortByPosition(out: FlagDiagnostic[]): FlagDiagnostic[] {
  const lines = new Float64Array(out.length);
  const columns = new Float64Array(out.length);
  let lastLine = 0;
  for (let i = 0; i < out.length; i++) {
    const start = out[i]!.range.start;
    if (!Number.isSafeInteger(start.line) || start.line < 0 || !Number.isFinite(start.column)) return out.sort(byPosition);
    lines[i] = start.line;
    columns[i] = start.column;
    if (start.line > lastLine) lastLine = start.line;
  }
  if (out.length < 2 || lastLine > 4 * out.length + 1024) return out.sort(byPosition);
  const next = new Int32Array(lastLine + 2);
  for (let i = 0; i < out.length; i++) next[lines[i]! + 1]!++;
  for (let line = 1; line < next.length; line++) next[line]! += next[line - 1]!;
  // Indices into `out` in line order; within a line, in the order they were added.
  const order = new Int32Array(out.length);
  for (let i = 0; i < out.length; i++) order[next[lines[i]!]!++] = i;
  for (let i = 1; i < order.length; i++) {
    const current = order[i]!;
    let j = i - 1;
    while (j >= 0 && lines[order[j]!] === lines[current] && columns[order[j]!]! > columns[current]!) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = current;
  }
  const sorted = Array.from(order, (i) => out[i]!);
  for (let i = 0; i < sorted.length; i++) out[i] = sorted[i]!;
  return out;
}

/** The line-level checks of one line that is not plainly `KEY=value` (the original rules, unchanged). */
function diagnoseLine(text: string, lineNumber: number, entryAt: (line: number) => EnvEntry | undefined, add: Add, replace: Replace): void {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return;
  if (/\s+$/.test(text)) {
    const start = text.trimEnd().length + 1;
    add('trailing-whitespace', 'hint', 'Trailing whitespace: remove it.', range(lineNumber, start, text.length + 1), replace('Remove trailing whitespace', range(lineNumber, start, text.length + 1), ''));
  }
  const match = KEY_LINE.exec(text);
  if (!match) {
    const entry = entryAt(lineNumber);
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
    const entry = entryAt(lineNumber);
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
}

const FLAG_SET: ReadonlySet<string> = new Set(FLAG_NAMES);
const FLAG_FAMILY = /^(CHIMERA|WASM|PROTEIN)_/i;

/** The raw value starts with a quote character (`'`, `"` or a backtick). */
function opensQuote(raw: string): boolean {
  const c = raw.charCodeAt(0);
  return c === 39 || c === 34 || c === 96;
}

type Add = (code: FlagDiagnostic['code'], severity: Severity, message: string, where: Range, fix?: Fix) => void;
type Replace = (title: string, where: Range, newText: string, inFile?: string) => Fix;

function diagnoseEntries(document: EnvDocument, options: DiagnoseOptions, add: Add, replace: Replace): void {
  const effective = document.effective;
  // First and last occurrence of the keys set more than once; every other entry is alone, and so the one in effect.
  const repeated = repeatedKeys(document);
  const firstOf = new Map<string, EnvEntry>();
  const lastOf = new Map<string, EnvEntry>();
  const isRepeated = new Uint8Array(repeated.size > 0 ? document.entries.length : 0);
  if (repeated.size > 0) {
    document.entries.forEach((entry, index) => {
      if (!repeated.has(entry.key)) return;
      isRepeated[index] = 1;
      if (!firstOf.has(entry.key)) firstOf.set(entry.key, entry);
      lastOf.set(entry.key, entry);
    });
  }
  const enabled = effective.get('CHIMERA_ENABLED');
  const chimeraOn = enabled ? parseBoolean(enabled.value).ok && (parseBoolean(enabled.value) as { value: boolean }).value : false;
  const freeze = effective.get('CHIMERA_FREEZE');
  const frozen = freeze ? parseBoolean(freeze.value).ok && (parseBoolean(freeze.value) as { value: boolean }).value : false;

  for (let index = 0; index < document.entries.length; index++) {
    const entry = document.entries[index]!;
    const firstOccurrence = isRepeated[index] === 1 ? firstOf.get(entry.key) : undefined;
    const inEffect = firstOccurrence === undefined ? entry : lastOf.get(entry.key)!;
    if (firstOccurrence !== undefined && entry !== firstOccurrence) {
      const first = firstOccurrence.keyPosition.line;
      const message = entry === inEffect
        ? `${entry.key} is also set on line ${first}: this line (${inEffect.keyPosition.line}) is the one in effect.`
        : `${entry.key} is set again: line ${inEffect.keyPosition.line} is the one in effect (the last occurrence wins).`;
      add('duplicate-key', 'warning', message, keyRange(entry));
    }

    if (entry.quote === 'none' && opensQuote(entry.raw)) {
      add('unmatched-quote', 'error', `The value opens a ${entry.raw[0]} quote that never closes: dotenv keeps the quote character in the value.`, entryValueRange(entry));
    }

    if (!FLAG_SET.has(entry.key)) {
      const nearest = nearestFlag(entry.key);
      if (nearest && nearest !== entry.key.toUpperCase()) {
        add('unknown-flag', 'warning', `${entry.key} is not a Chimera flag: did you mean ${nearest}? This line has no effect.`, keyRange(entry), replace(`Rename to ${nearest}`, keyRange(entry), nearest));
      } else if (!nearest && FLAG_FAMILY.test(entry.key)) {
        add('unknown-flag', 'warning', `${entry.key} is not a Chimera flag (known: ${FLAG_NAMES.join(', ')}). This line has no effect.`, keyRange(entry));
      }
    } else {
      const name = entry.key as FlagName;
      diagnoseValue(entry, name, add, replace);
      const spec = FLAGS[name];
      const parsed = parseFlagValue(name, entry.value);
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

/** Diagnostic for a `.env.example` that does not exist: information only, since the file is optional. */
export function missingExampleDiagnostic(file: string, exampleFile: string): FlagDiagnostic {
  return { file, code: 'missing-example-file', severity: 'info', message: `There is no ${exampleFile}: create one listing every flag, disabled, so others know which flags exist.`, range: range(1, 1, 2) };
}
