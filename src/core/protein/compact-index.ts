import { sha256 } from './sha256';
import { DEEP_SECTION, SHALLOW_SECTION, TOKEN_SCALE, TOKEN_SECTION, VECTOR_LENGTH } from './fingerprint';
import { type Comparable, type SimilarityClass, classify, classRank, THRESHOLDS } from './similarity';

/**
 * The workspace's genes in compact form: per gene the shallow and deep WL sections quantised to Int8 with one
 * scale each, token counts as Uint8, 16 bytes of the digest's hash and 8 of the behaviour's. About 300 bytes a gene
 * instead of 256 float64s, scanned linearly like SimilarityIndex and classified with the same `classify`.
 */

export const SHALLOW = SHALLOW_SECTION.length;
export const DEEP = DEEP_SECTION.length;
export const TOKENS = TOKEN_SECTION.length;
export const DIGEST_KEY = 16;
export const BEHAVIOUR_KEY = 8;

/** One gene as the analysis gives it. */
export interface GeneProtein {
  name: string;
  line: number;
  digest: string;
  behaviour?: string | undefined;
  vector: ArrayLike<number>;
}

export interface CompactMatch {
  file: string;
  name: string;
  line: number;
  class: SimilarityClass;
  cosine: number;
}

/** The arrays of a compact index; genes of one file are contiguous, files in `fileStart` order. */
export interface CompactArrays {
  files: string[];
  /** Each file's content hash (sha-256, 32 bytes per file). */
  fileHashes: Uint8Array;
  /** Gene range of file i: fileStart[i] … fileStart[i + 1]. */
  fileStart: Uint32Array;
  names: string[];
  lines: Uint32Array;
  digestKeys: Uint8Array;
  /** All zero: no behaviour. */
  behaviourKeys: Uint8Array;
  shallow: Int8Array;
  /** Dequantised shallow vector = shallow × shallowScale, and it has unit norm (the scale folds the norm in). */
  shallowScale: Float32Array;
  deep: Int8Array;
  deepScale: Float32Array;
  tokens: Uint8Array;
}

export function digestKey(digest: string): Uint8Array {
  return sha256(digest).subarray(0, DIGEST_KEY);
}

export function behaviourKey(behaviour: string | undefined): Uint8Array {
  return behaviour === undefined ? new Uint8Array(BEHAVIOUR_KEY) : sha256(behaviour).subarray(0, BEHAVIOUR_KEY);
}

/** Int8 with one scale per section; the shallow scale also divides by the quantised norm, so a dot product is a cosine. */
function quantiseSection(vector: ArrayLike<number>, start: number, length: number, out: Int8Array, at: number, unitNorm: boolean): number {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(vector[start + i]!));
  if (max === 0) return 0;
  const step = max / 127;
  let norm = 0;
  for (let i = 0; i < length; i++) {
    const q = Math.round(vector[start + i]! / step);
    out[at + i] = q;
    norm += q * q;
  }
  return unitNorm ? 1 / Math.sqrt(norm) : step;
}

/** Token buckets hold count × TOKEN_SCALE; the counts are kept (saturating at 255), compared as integers. */
function tokenCount(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value / TOKEN_SCALE)));
}

/** One file's genes in compact form, without the file's own fields: what an analysis worker sends (its arrays are transferable). */
export type GeneBlock = Omit<CompactArrays, 'files' | 'fileHashes' | 'fileStart'>;

/** Quantises a file's genes; the same whether the index's own thread or an analysis worker does it. */
export function geneBlock(genes: readonly GeneProtein[]): GeneBlock {
  const n = genes.length;
  const block = emptyBlock(n);
  genes.forEach((gene, g) => {
    if (gene.vector.length !== VECTOR_LENGTH) throw new Error(`vector of length ${gene.vector.length}, expected ${VECTOR_LENGTH}`);
    block.names.push(gene.name);
    block.lines[g] = gene.line;
    block.digestKeys.set(digestKey(gene.digest), g * DIGEST_KEY);
    block.behaviourKeys.set(behaviourKey(gene.behaviour), g * BEHAVIOUR_KEY);
    block.shallowScale[g] = quantiseSection(gene.vector, SHALLOW_SECTION.start, SHALLOW, block.shallow, g * SHALLOW, true);
    block.deepScale[g] = quantiseSection(gene.vector, DEEP_SECTION.start, DEEP, block.deep, g * DEEP, false);
    for (let i = 0; i < TOKENS; i++) block.tokens[g * TOKENS + i] = tokenCount(gene.vector[TOKEN_SECTION.start + i]!);
  });
  return block;
}

/** The buffers of a block, to transfer rather than copy it to another thread. */
export function blockBuffers(block: GeneBlock): ArrayBuffer[] {
  return [block.lines, block.digestKeys, block.behaviourKeys, block.shallow, block.shallowScale, block.deep, block.deepScale, block.tokens].map((array) => array.buffer as ArrayBuffer);
}

/** Collects files (fresh analyses, or ranges copied unchanged from a previous index) into one compact index. */
export class CompactIndexBuilder {
  /** By position (the file's place in the workspace order); files that failed leave holes. */
  private readonly blocks: (CompactArrays | undefined)[] = [];

  /** Adds a file from its analysed genes, at position `at` (default: after the others). */
  addFile(file: string, hash: Uint8Array, genes: readonly GeneProtein[], at = this.blocks.length): void {
    this.addBlock(file, hash, geneBlock(genes), at);
  }

  /** Adds a file whose genes an analysis worker already put in compact form (geneBlock). */
  addBlock(file: string, hash: Uint8Array, genes: GeneBlock, at = this.blocks.length): void {
    if (hash.length !== 32) throw new Error(`file hash of ${hash.length} bytes, expected 32`);
    this.blocks[at] = { ...genes, files: [file], fileHashes: hash, fileStart: Uint32Array.of(0, genes.names.length) };
  }

  /** Copies file `f` of a previous index as it is: an unchanged file is never quantised twice. */
  copyFile(from: CompactGeneIndex, f: number, at = this.blocks.length): void {
    const a = from.arrays;
    const s = a.fileStart[f]!;
    const e = a.fileStart[f + 1]!;
    this.blocks[at] = {
      files: [a.files[f]!],
      fileHashes: a.fileHashes.subarray(f * 32, (f + 1) * 32),
      fileStart: Uint32Array.of(0, e - s),
      names: a.names.slice(s, e),
      lines: a.lines.subarray(s, e),
      digestKeys: a.digestKeys.subarray(s * DIGEST_KEY, e * DIGEST_KEY),
      behaviourKeys: a.behaviourKeys.subarray(s * BEHAVIOUR_KEY, e * BEHAVIOUR_KEY),
      shallow: a.shallow.subarray(s * SHALLOW, e * SHALLOW),
      shallowScale: a.shallowScale.subarray(s, e),
      deep: a.deep.subarray(s * DEEP, e * DEEP),
      deepScale: a.deepScale.subarray(s, e),
      tokens: a.tokens.subarray(s * TOKENS, e * TOKENS),
    };
  }

  finish(): CompactGeneIndex {
    const blocks = this.blocks.filter((b): b is CompactArrays => b !== undefined);
    const genes = blocks.reduce((sum, b) => sum + b.names.length, 0);
    const out = emptyArrays(genes, blocks.length);
    let g = 0;
    blocks.forEach((b, f) => {
      const n = b.names.length;
      out.files.push(b.files[0]!);
      out.fileHashes.set(b.fileHashes, f * 32);
      out.fileStart[f] = g;
      for (const name of b.names) out.names.push(name);
      out.lines.set(b.lines, g);
      out.digestKeys.set(b.digestKeys, g * DIGEST_KEY);
      out.behaviourKeys.set(b.behaviourKeys, g * BEHAVIOUR_KEY);
      out.shallow.set(b.shallow, g * SHALLOW);
      out.shallowScale.set(b.shallowScale, g);
      out.deep.set(b.deep, g * DEEP);
      out.deepScale.set(b.deepScale, g);
      out.tokens.set(b.tokens, g * TOKENS);
      g += n;
    });
    out.fileStart[blocks.length] = g;
    return new CompactGeneIndex(out);
  }
}

export function emptyArrays(genes: number, files: number): CompactArrays {
  return { files: [], fileHashes: new Uint8Array(files * 32), fileStart: new Uint32Array(files + 1), ...emptyBlock(genes) };
}

function emptyBlock(genes: number): GeneBlock {
  return {
    names: [],
    lines: new Uint32Array(genes),
    digestKeys: new Uint8Array(genes * DIGEST_KEY),
    behaviourKeys: new Uint8Array(genes * BEHAVIOUR_KEY),
    shallow: new Int8Array(genes * SHALLOW),
    shallowScale: new Float32Array(genes),
    deep: new Int8Array(genes * DEEP),
    deepScale: new Float32Array(genes),
    tokens: new Uint8Array(genes * TOKENS),
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** A query gene in the index's terms: digest and behaviour as keys, token counts rounded as stored. */
function comparable(digest: Uint8Array, behaviour: Uint8Array, vector: Float64Array): Comparable {
  const none = behaviour.every((b) => b === 0);
  return { digest: hex(digest), vector, ...(none ? {} : { behaviour: hex(behaviour) }) };
}

export class CompactGeneIndex {
  private fileIndex: Map<string, number> | undefined;

  constructor(readonly arrays: CompactArrays) {}

  get files(): number {
    return this.arrays.files.length;
  }

  get genes(): number {
    return this.arrays.names.length;
  }

  /** Index of a workspace-relative file, or -1. */
  fileNumber(file: string): number {
    this.fileIndex ??= new Map(this.arrays.files.map((f, i) => [f, i]));
    return this.fileIndex.get(file) ?? -1;
  }

  fileHash(f: number): Uint8Array {
    return this.arrays.fileHashes.subarray(f * 32, (f + 1) * 32);
  }

  /** The gene number of FILE#NAME, or -1. */
  geneNumber(file: string, name: string): number {
    const f = this.fileNumber(file);
    if (f < 0) return -1;
    for (let g = this.arrays.fileStart[f]!; g < this.arrays.fileStart[f + 1]!; g++) if (this.arrays.names[g] === name) return g;
    return -1;
  }

  /** A stored gene as the comparison sees it (dequantised vector). */
  stored(g: number): Comparable {
    const a = this.arrays;
    const vector = new Float64Array(VECTOR_LENGTH);
    for (let i = 0; i < SHALLOW; i++) vector[SHALLOW_SECTION.start + i] = a.shallow[g * SHALLOW + i]! * a.shallowScale[g]!;
    for (let i = 0; i < DEEP; i++) vector[DEEP_SECTION.start + i] = a.deep[g * DEEP + i]! * a.deepScale[g]!;
    for (let i = 0; i < TOKENS; i++) vector[TOKEN_SECTION.start + i] = a.tokens[g * TOKENS + i]! * TOKEN_SCALE;
    return comparable(a.digestKeys.subarray(g * DIGEST_KEY, (g + 1) * DIGEST_KEY), a.behaviourKeys.subarray(g * BEHAVIOUR_KEY, (g + 1) * BEHAVIOUR_KEY), vector);
  }

  /** A fresh protein (from an analysis) in the stored terms: its token counts rounded the same way. */
  static queryOf(protein: Comparable): Comparable {
    const vector = Float64Array.from(protein.vector);
    for (let i = 0; i < TOKENS; i++) vector[TOKEN_SECTION.start + i] = tokenCount(vector[TOKEN_SECTION.start + i]!) * TOKEN_SCALE;
    return comparable(digestKey(protein.digest), behaviourKey(protein.behaviour), vector);
  }

  /** Matches ranked by class, then cosine, then file and name: the same order as SimilarityIndex. */
  query(query: Comparable, options: { limit?: number; atLeast?: SimilarityClass; exclude?: number } = {}): CompactMatch[] {
    const a = this.arrays;
    const limit = options.limit ?? 20;
    const atLeast = options.atLeast ?? 'similar';
    const floor = classRank(atLeast);
    const minimum = atLeast === 'different' ? Number.NEGATIVE_INFINITY : THRESHOLDS[atLeast];
    const q = Float64Array.from({ length: SHALLOW }, (_, i) => Number(query.vector[SHALLOW_SECTION.start + i]));
    const key = Buffer.from(query.digest, 'hex');
    const k0 = key.readUInt32LE(0);
    const k1 = key.readUInt32LE(4);
    const k2 = key.readUInt32LE(8);
    const k3 = key.readUInt32LE(12);
    const keys = new Uint32Array(a.digestKeys.buffer, a.digestKeys.byteOffset, a.digestKeys.byteLength >> 2);
    const shallow = a.shallow;
    const found: { g: number; class: SimilarityClass; cosine: number }[] = [];
    const scales = a.shallowScale;
    for (let g = 0; g < a.lines.length; g++) {
      if (g === options.exclude) continue;
      // Four accumulators: the scan is the query's whole cost, and independent sums pipeline.
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      for (let i = 0, j = g * SHALLOW; i < SHALLOW; i += 4, j += 4) {
        d0 += q[i]! * shallow[j]!;
        d1 += q[i + 1]! * shallow[j + 1]!;
        d2 += q[i + 2]! * shallow[j + 2]!;
        d3 += q[i + 3]! * shallow[j + 3]!;
      }
      const dot = (d0 + d1 + d2 + d3) * scales[g]!;
      const sameDigest = keys[g * 4] === k0 && keys[g * 4 + 1] === k1 && keys[g * 4 + 2] === k2 && keys[g * 4 + 3] === k3;
      if (dot < minimum && !sameDigest) continue;
      const value = sameDigest ? 1 : Math.min(1, dot);
      const cls = classify(query, this.stored(g), value);
      if (classRank(cls) <= floor) found.push({ g, class: cls, cosine: Math.round(value * 1e6) / 1e6 });
    }
    const fileOf = this.fileOfGene();
    const id = (g: number) => `${a.files[fileOf(g)]}\u0000${a.names[g]}`;
    found.sort((x, y) => classRank(x.class) - classRank(y.class) || y.cosine - x.cosine || (id(x.g) < id(y.g) ? -1 : id(x.g) > id(y.g) ? 1 : 0));
    return found.slice(0, limit).map(({ g, class: cls, cosine }) => ({ file: a.files[fileOf(g)]!, name: a.names[g]!, line: a.lines[g]!, class: cls, cosine }));
  }

  /** The file number of a gene, by binary search over fileStart. */
  private fileOfGene(): (g: number) => number {
    const starts = this.arrays.fileStart;
    return (g) => {
      let lo = 0;
      let hi = starts.length - 2;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= g) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
  }
}
