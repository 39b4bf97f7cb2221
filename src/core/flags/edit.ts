import { mkdir, readFile, rename, writeFile, copyFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type EnvDocument, type EnvLine, joinLines } from './env-document';

export interface FlagChange {
  key: string;
  /** 1-based line of the change in the new text. */
  line: number;
  before: string | undefined;
  after: string;
}

export interface EnvEdit {
  text: string;
  changes: FlagChange[];
}

function quoted(entryRaw: string, value: string): string {
  const quote = entryRaw[0];
  return (quote === '"' || quote === "'" || quote === '`') && entryRaw.endsWith(quote) && entryRaw.length >= 2 ? `${quote}${value}${quote}` : value;
}

/**
 * Sets keys in a document and returns the new text. Only the lines of the changed keys change: every other line,
 * comment, quote style and line ending stays byte for byte. The entry in effect (the last one) is the one edited;
 * a missing key is appended with the file's own line ending.
 */
export function setEnvValues(document: EnvDocument, values: Readonly<Record<string, string>>): EnvEdit {
  const lines: EnvLine[] = document.lines.map((line) => ({ ...line }));
  const changes: FlagChange[] = [];
  const removed = new Set<number>();
  for (const [key, value] of Object.entries(values)) {
    const entry = document.effective.get(key);
    if (entry && entry.value === value) continue;
    if (entry) {
      const index = entry.lineIndex;
      const line = lines[index]!;
      const startColumn = entry.valuePosition.column - 1;
      if (!entry.multiline) {
        const valueText = entry.raw.length > 0 ? quoted(entry.raw, value) : value;
        const endColumn = entry.valueEndPosition.column - 1;
        // An empty value (`KEY=`) has its position right after '='.
        line.text = line.text.slice(0, startColumn) + valueText + line.text.slice(entry.raw.length > 0 ? endColumn : startColumn);
      } else {
        line.text = line.text.slice(0, startColumn) + value;
        line.eol = lines[entry.valueEndPosition.line - 1]!.eol;
        for (let i = index + 1; i < entry.valueEndPosition.line; i++) removed.add(i);
      }
      changes.push({ key, line: index + 1, before: entry.value, after: value });
    } else {
      const last = lines[lines.length - 1]!;
      if (lines.length === 1 && last.text === '' && last.eol === '') lines.pop();
      else if (last.eol === '') last.eol = document.eol;
      lines.push({ text: `${key}=${value}`, eol: document.eol });
      changes.push({ key, line: lines.length, before: undefined, after: value });
    }
  }
  const kept = lines.filter((_, index) => !removed.has(index));
  return { text: joinLines(kept), changes };
}

/** A flags file changed on disk after Chimera read it. Expected (people edit .env), so a value every caller handles. */
export interface EditConflict {
  path: string;
  message: string;
}

export type EnvWrite = { ok: true; backup?: string } | { ok: false; conflict: EditConflict };

function editConflict(path: string): EditConflict {
  return { path, message: `${basename(path)} changed on disk after Chimera read it: nothing was written. Review the file and try again.` };
}

export interface WriteOptions {
  /** The exact text the edit was computed from; a different file on disk refuses the write. */
  expected: string | null;
  bom?: boolean;
  /** Where the previous content is kept before it is replaced. */
  backupDir: string;
}

/**
 * Writes a flags file atomically (temporary file + rename) after keeping the old content as a backup. Refuses, and
 * writes nothing, when the file changed since it was read (a conflict), so nothing the person wrote is ever lost.
 */
export async function writeEnvFile(path: string, text: string, options: WriteOptions): Promise<EnvWrite> {
  let current: string | null;
  try {
    current = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    current = null;
  }
  if (current !== options.expected) return { ok: false, conflict: editConflict(path) };
  let backup: string | undefined;
  if (current !== null) {
    await mkdir(options.backupDir, { recursive: true });
    backup = join(options.backupDir, `${basename(path)}.${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await copyFile(path, backup);
  }
  const temporary = join(dirname(path), `.${basename(path)}.chimera-${process.pid}-${Date.now()}.tmp`);
  await writeFile(temporary, (options.bom ? '\uFEFF' : '') + text, { encoding: 'utf8', flag: 'wx' });
  await rename(temporary, path);
  return backup ? { ok: true, backup } : { ok: true };
}
