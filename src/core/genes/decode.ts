// File bytes → text: UTF-8 only (a BOM is dropped); anything else is a clear error instead of mojibake genes.
import type { FileError } from './types';

export type DecodedSource = { ok: true; text: string } | { ok: false; error: FileError };

export function decodeSource(bytes: Uint8Array): DecodedSource {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, error: { code: 'not-utf8', message: 'the file is not valid UTF-8 text' } };
  }
}
