/**
 * The on-disk form of a CompactGeneIndex: a small header (magic, format version, protein data version, counts),
 * the sha-256 of the body, then the body deflated: the typed arrays one after another and a NUL-separated string
 * table. Anything that does not check out (magic, versions, checksum, lengths) decodes to undefined: a rebuild.
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { type CompactArrays, BEHAVIOUR_KEY, CompactGeneIndex, DEEP, DIGEST_KEY, SHALLOW, TOKENS, emptyArrays } from './compact-index';
import { PROTEIN_DATA_VERSION } from './fingerprint';

const MAGIC = 'CHGI';
/** Bump when the layout below changes. */
export const INDEX_FORMAT = 1;

interface Header {
  format: number;
  protein: string;
  files: number;
  genes: number;
}

/** The typed arrays in file order, with their element counts for `genes` genes and `files` files. */
function layout(a: CompactArrays): [ArrayBufferView, number][] {
  const g = a.lines.length;
  const f = a.fileStart.length - 1;
  return [
    [a.fileHashes, f * 32],
    [a.fileStart, f + 1],
    [a.lines, g],
    [a.shallowScale, g],
    [a.deepScale, g],
    [a.digestKeys, g * DIGEST_KEY],
    [a.behaviourKeys, g * BEHAVIOUR_KEY],
    [a.shallow, g * SHALLOW],
    [a.deep, g * DEEP],
    [a.tokens, g * TOKENS],
  ];
}

const bytesOf = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

export function encodeIndex(index: CompactGeneIndex): Buffer {
  const a = index.arrays;
  const strings = Buffer.from([...a.files, ...a.names].join('\u0000'), 'utf8');
  const body = deflateSync(Buffer.concat([...layout(a).map(([view]) => bytesOf(view)), strings]), { level: 6 });
  const header = Buffer.from(JSON.stringify({ format: INDEX_FORMAT, protein: PROTEIN_DATA_VERSION, files: a.files.length, genes: a.lines.length } satisfies Header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), length, header, createHash('sha256').update(body).digest(), body]);
}

/** The index in `bytes`, or undefined when they are not a sound index of this format and protein version. */
export function decodeIndex(bytes: Uint8Array): CompactGeneIndex | undefined {
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buffer.length < 8 || buffer.toString('latin1', 0, 4) !== MAGIC) return undefined;
    const headerEnd = 8 + buffer.readUInt32LE(4);
    if (headerEnd + 32 > buffer.length) return undefined;
    const header = JSON.parse(buffer.toString('utf8', 8, headerEnd)) as Partial<Header>;
    if (header.format !== INDEX_FORMAT || header.protein !== PROTEIN_DATA_VERSION || !Number.isSafeInteger(header.files) || !Number.isSafeInteger(header.genes)) return undefined;
    const body = buffer.subarray(headerEnd + 32);
    if (!createHash('sha256').update(body).digest().equals(buffer.subarray(headerEnd, headerEnd + 32))) return undefined;
    const raw = inflateSync(body);
    const arrays = emptyArrays(header.genes!, header.files!);
    let at = 0;
    for (const [view, count] of layout(arrays)) {
      const size = count * (view as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      if (at + size > raw.length) return undefined;
      // Copied into the fresh (aligned) arrays: the inflated buffer's offsets need not be multiples of 4.
      bytesOf(view).set(raw.subarray(at, at + size));
      at += size;
    }
    const strings = raw.length > at ? raw.toString('utf8', at).split('\u0000') : [];
    if (strings.length !== header.files! + header.genes! && header.files! + header.genes! > 0) return undefined;
    arrays.files.push(...strings.slice(0, header.files));
    for (let i = header.files!; i < strings.length; i++) arrays.names.push(strings[i]!);
    for (let f = 0; f < header.files!; f++) if (arrays.fileStart[f]! > arrays.fileStart[f + 1]!) return undefined;
    if (arrays.fileStart[header.files!] !== header.genes) return undefined;
    return new CompactGeneIndex(arrays);
  } catch {
    return undefined;
  }
}
