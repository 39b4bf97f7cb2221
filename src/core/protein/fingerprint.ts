import { createHash } from 'node:crypto';
import type { LabelledTree } from './normalize';

/**
 * Weisfeiler–Lehman fingerprint of a labelled tree (phash/v1).
 *
 * - Digest: sha-256 of the tree's canonical serialization (preorder labels with child
 *   counts). That is the label WL refinement gives the root once it has run to the
 *   tree's depth, written out instead of hashed, so it is exact: equal digests ⇔ equal
 *   normalized trees (up to sha-256).
 * - Vector: WL refinement over ORDERED children (so `x - y` ≠ `y - x`) for
 *   WL_ITERATIONS rounds; every node contributes its label of every round to one of
 *   VECTOR_LENGTH buckets (signed feature hashing), round k weighted ROUND_WEIGHTS[k];
 *   counts are damped by a square root, then the vector is L2-normalized and quantized.
 *   All hashing is 32-bit integer arithmetic on fixed constants: no randomness, no
 *   dependence on the platform, the Node version or the TypeScript enum numbers.
 */
export const PROTEIN_VERSION = 'phash/v1';
export const VECTOR_LENGTH = 256;
export const WL_ITERATIONS = 4;
/**
 * Round 0 (labels alone) … round 4 (subtrees of height 4). Calibrated on the corpus clone
 * set (calibration.ts): deeper rounds weigh more so that one changed operator in a large
 * function stays below `equivalent` (0 of 782 operator traps), at the price of T3 recall
 * (≈64% of T3 variants ≥ similar; rounds [1, 1] reach 91% but call 14% of traps equivalent).
 */
export const ROUND_WEIGHTS: readonly number[] = [1, 2, 2, 2, 2];
/** Vector components are rounded to this many decimals, so they print and persist exactly. */
const QUANTUM = 1e6;

/** FNV-1a over UTF-16 code units, then an avalanche: a stable 32-bit hash of a label. */
function hashLabel(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return avalanche(h);
}

/** murmur3's fmix32. */
function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Ordered combination: mixing the running hash with each child in turn makes the result depend on child order. */
function combine(h: number, value: number): number {
  return avalanche((Math.imul(h, 0x9e3779b1) ^ value) + 0x7f4a7c15);
}

/** Children lists from a preorder parent array (children come out in source order). */
function childrenOf(tree: LabelledTree): number[][] {
  const children: number[][] = tree.labels.map(() => []);
  for (let i = 1; i < tree.parents.length; i++) children[tree.parents[i]!]!.push(i);
  return children;
}

export function canonicalSerialization(tree: LabelledTree): string {
  const counts = new Array<number>(tree.labels.length).fill(0);
  for (let i = 1; i < tree.parents.length; i++) counts[tree.parents[i]!]!++;
  let text = `${PROTEIN_VERSION}\n`;
  for (let i = 0; i < tree.labels.length; i++) text += `${counts[i]} ${tree.labels[i]}\n`;
  return text;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding (as in CIDv1 strings). */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** `phash/v1:` + base32 sha-256 of the canonical serialization. */
export function structuralDigest(tree: LabelledTree): string {
  return `${PROTEIN_VERSION}:${base32(createHash('sha256').update(canonicalSerialization(tree)).digest())}`;
}

/** WL labels of every round: rounds[k][i] is node i's label after k refinements. */
export function refine(tree: LabelledTree, iterations = WL_ITERATIONS): Uint32Array[] {
  const children = childrenOf(tree);
  const n = tree.labels.length;
  const first = new Uint32Array(n);
  for (let i = 0; i < n; i++) first[i] = hashLabel(tree.labels[i]!);
  const rounds = [first];
  for (let k = 1; k <= iterations; k++) {
    const previous = rounds[k - 1]!;
    const next = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let h = combine(previous[i]!, k);
      for (const child of children[i]!) h = combine(h, previous[child]!);
      next[i] = combine(h, children[i]!.length);
    }
    rounds.push(next);
  }
  return rounds;
}

/** Fixed-length, L2-normalized, quantized vector of hashed WL-subtree counts. */
export function structuralVector(tree: LabelledTree, weights: readonly number[] = ROUND_WEIGHTS): Float64Array {
  // A WL label carries its round (refine mixes k in), so each distinct label is counted once with its round's weight.
  const counts = new Map<number, { round: number; count: number }>();
  refine(tree, weights.length - 1).forEach((round, k) => {
    for (const label of round) {
      const entry = counts.get(label);
      if (entry) entry.count++;
      else counts.set(label, { round: k, count: 1 });
    }
  });
  const vector = new Float64Array(VECTOR_LENGTH);
  for (const [label, { round, count }] of counts) {
    const mixed = avalanche(label ^ 0x5bd1e995);
    const sign = mixed & 0x80000000 ? -1 : 1;
    vector[mixed % VECTOR_LENGTH] += sign * weights[round]! * Math.sqrt(count);
  }
  return quantize(normalize(vector));
}

function normalize(vector: Float64Array): Float64Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}

function quantize(vector: Float64Array): Float64Array {
  for (let i = 0; i < vector.length; i++) vector[i] = Math.round(vector[i]! * QUANTUM) / QUANTUM + 0;
  return vector;
}
