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
  /** The inflated body's length: the output buffer is allocated once, at its size. */
  raw: number;
}

type ArrayKey = Exclude<keyof CompactArrays, 'files' | 'names'>;
type ArrayType = Uint8ArrayConstructor | Int8ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor;

/** The typed arrays in file order (4-byte ones first, so they stay aligned), with their element counts. */
function layout(genes: number, files: number): [ArrayKey, ArrayType, number][] {
  return [
    ['fileHashes', Uint8Array, files * 32],
    ['fileStart', Uint32Array, files + 1],
    ['lines', Uint32Array, genes],
    ['shallowScale', Float32Array, genes],
    ['deepScale', Float32Array, genes],
    ['digestKeys', Uint8Array, genes * DIGEST_KEY],
    ['behaviourKeys', Uint8Array, genes * BEHAVIOUR_KEY],
    ['shallow', Int8Array, genes * SHALLOW],
    ['deep', Int8Array, genes * DEEP],
    ['tokens', Uint8Array, genes * TOKENS],
  ];
}

const bytesOf = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

export function encodeIndex(index: CompactGeneIndex): Buffer {
  const a = index.arrays;
  const strings = Buffer.from([...a.files, ...a.names].join('\u0000'), 'utf8');
  const raw = Buffer.concat([...layout(a.lines.length, a.files.length).map(([key]) => bytesOf(a[key])), strings]);
  const body = deflateSync(raw, { level: 6 });
  const header = Buffer.from(JSON.stringify({ format: INDEX_FORMAT, protein: PROTEIN_DATA_VERSION, files: a.files.length, genes: a.lines.length, raw: raw.length } satisfies Header), 'utf8');
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
    if (header.format !== INDEX_FORMAT || header.protein !== PROTEIN_DATA_VERSION || !Number.isSafeInteger(header.files) || !Number.isSafeInteger(header.genes) || !Number.isSafeInteger(header.raw)) return undefined;
    const body = buffer.subarray(headerEnd + 32);
    if (!createHash('sha256').update(body).digest().equals(buffer.subarray(headerEnd, headerEnd + 32))) return undefined;
    // One output chunk of the known size: no concatenation of partial chunks, and the views below need no copy.
    const raw = inflateSync(body, { chunkSize: Math.max(64, header.raw! + 1) });
    if (raw.length !== header.raw) return undefined;
    const arrays = emptyArrays(0, 0);
    let at = 0;
    for (const [key, Type, count] of layout(header.genes!, header.files!)) {
      const size = count * Type.BYTES_PER_ELEMENT;
      if (at + size > raw.length) return undefined;
      // A view, not a copy, when aligned (the 4-byte arrays come first); otherwise copied into a fresh array.
      const view = (raw.byteOffset + at) % Type.BYTES_PER_ELEMENT === 0 ? new Type(raw.buffer, raw.byteOffset + at, count) : new Type(raw.buffer.slice(raw.byteOffset + at, raw.byteOffset + at + size));
      (arrays as unknown as Record<ArrayKey, ArrayBufferView>)[key] = view;
      at += size;
    }
    const strings = raw.length > at ? raw.toString('utf8', at).split('\u0000') : [];
    if (strings.length !== header.files! + header.genes! && header.files! + header.genes! > 0) return undefined;
    arrays.files = strings.slice(0, header.files);
    arrays.names = strings.slice(header.files);
    for (let f = 0; f < header.files!; f++) if (arrays.fileStart[f]! > arrays.fileStart[f + 1]!) return undefined;
    if (arrays.fileStart[header.files!] !== header.genes) return undefined;
    return new CompactGeneIndex(arrays);
  } catch {
    return undefined;
  }
}
