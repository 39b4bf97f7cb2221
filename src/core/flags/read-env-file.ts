import { readFile, stat } from 'node:fs/promises';
import type { FlagDiagnostic } from './diagnostic';
import { type EnvDocument, parseEnvDocument } from './env-document';

/** Larger than any real flags file; a bigger one gets one diagnostic instead of an analysis. */
export const MAX_ENV_FILE_BYTES = 2 * 1024 * 1024;

export type EnvFileRead =
  | { status: 'ok'; text: string; document: EnvDocument; mtimeMs: number; bom: boolean }
  | { status: 'missing' }
  | { status: 'unusable'; diagnostic: FlagDiagnostic };

function fileProblem(file: string, code: FlagDiagnostic['code'], message: string): EnvFileRead {
  return { status: 'unusable', diagnostic: { file, code, severity: 'error', message, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } } };
}

function tooLarge(file: string, size: number): EnvFileRead {
  return fileProblem(file, 'file-too-large', `${file} is ${(size / 1024 / 1024).toFixed(1)} MB: flags files over ${MAX_ENV_FILE_BYTES / 1024 / 1024} MB are not read. Its flags are ignored.`);
}

/** Decodes bytes as a flags file; a file that is binary, too large or not UTF-8 is refused whole, so none of its values count. */
export function decodeEnvBytes(file: string, bytes: Uint8Array): { text: string; bom: boolean } | EnvFileRead {
  if (bytes.length > MAX_ENV_FILE_BYTES) return tooLarge(file, bytes.length);
  if (bytes.subarray(0, 8192).includes(0)) return fileProblem(file, 'binary-file', `${file} looks binary (it contains NUL bytes): its flags are ignored.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fileProblem(file, 'invalid-encoding', `${file} is not valid UTF-8: save it as UTF-8. Its flags are ignored until then.`);
  }
  // Editors hide the byte-order mark; so do we, and writes put it back.
  const bom = text.charCodeAt(0) === 0xfeff;
  return { text: bom ? text.slice(1) : text, bom };
}

export async function readEnvFile(path: string, file: string): Promise<EnvFileRead> {
  let bytes: Uint8Array;
  let mtimeMs: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return fileProblem(file, 'unreadable-file', `${file} is not a regular file: its flags are ignored.`);
    if (info.size > MAX_ENV_FILE_BYTES) return tooLarge(file, info.size);
    mtimeMs = info.mtimeMs;
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
    return fileProblem(file, 'unreadable-file', `${file} cannot be read (${code ?? String(error)}): its flags are ignored.`);
  }
  const decoded = decodeEnvBytes(file, bytes);
  if (!('text' in decoded)) return decoded;
  return { status: 'ok', text: decoded.text, bom: decoded.bom, document: parseEnvDocument(decoded.text), mtimeMs };
}
