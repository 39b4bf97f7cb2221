import { sha256 } from './sha256';
import { logicTokens } from './logic-tokens';
import type { LabelledTree } from './normalize';

/**
 * Weisfeiler–Lehman fingerprint of a labelled tree.
 *
 * - Digest (`phash/v1:`): sha-256 of the tree's canonical serialization (preorder labels
 *   with child counts). That is the label WL refinement gives the root once it has run to
 *   the tree's depth, written out instead of hashed, so it is exact: equal digests ⇔ equal
 *   normalized trees (up to sha-256). It is frozen: golden values pin it.
 * - Vector (VECTOR_VERSION, independent of the digest): VECTOR_LENGTH components in three
 *   sections, so the one field every consumer already stores and persists carries all the
 *   comparison needs (similarity.ts reads the sections):
 *   - SHALLOW [0, 128): WL labels of rounds 0–1 (a node's label, and with its ordered
 *     children's labels), weights SHALLOW_WEIGHTS. The cosine of this section is THE
 *     cosine the classes are read from. Shallow because one added or removed statement
 *     leaves the round-0/1 labels of every other node intact, while it changes the
 *     round-k labels of k ancestors: with deep rounds weighted up (phash vector v1:
 *     rounds 0–4 weighted [1, 2, 2, 2, 2]) only 64% of T3 variants reached `similar`.
 *   - DEEP [128, 192): WL labels of rounds 2–4 (subtrees of height 2–4). A statement
 *     reordered in a large function barely moves the shallow section; the deep one sees
 *     it, so `equivalent` by cosine also needs this section's cosine ≥ 0.985.
 *   - TOKENS [192, 256): a count sketch of the logic tokens (logic-tokens.ts), each token
 *     counted in one bucket of each half under two independent hashes, scaled by
 *     TOKEN_SCALE so a plain full-vector cosine stays dominated by the structure. Bucket
 *     counts only grow when tokens are only added, so "some bucket went up and another
 *     went down" in either half means a token was replaced — never a false alarm; a real
 *     replacement is missed only if both hashes collide (≈ 1 in 1,024).
 *   Each structural section is signed-feature-hashed, counts damped by a square root, and
 *   L2-normalized on its own; every component is quantized to 1e-6.
 * All hashing is 32-bit integer arithmetic on fixed constants: no randomness, no
 * dependence on the platform, the Node version or the TypeScript enum numbers.
 */
export const PROTEIN_VERSION = 'phash/v1';
/** The vector's definition, versioned apart from the (unchanged) digest: persisted vectors of another version must be recomputed. */
export const VECTOR_VERSION = 'pvec/v2';
/** What a persisted index of digests and vectors must match to be reused. */
export const PROTEIN_DATA_VERSION = `${PROTEIN_VERSION}+${VECTOR_VERSION}`;
export const VECTOR_LENGTH = 256;

export interface VectorSection {
  start: number;
  length: number;
}
export const SHALLOW_SECTION: VectorSection = { start: 0, length: 128 };
export const DEEP_SECTION: VectorSection = { start: 128, length: 64 };
export const TOKEN_SECTION: VectorSection = { start: 192, length: 64 };
/** Deepest WL round the vector uses. */
export const WL_ITERATIONS = 4;
/**
 * Weight of each round's labels, calibrated on the corpus clone set (calibration.ts):
 * round 0 above round 1 because a label alone survives any edit of its neighbours.
 */
export const SHALLOW_WEIGHTS: readonly number[] = [2, 1];
export const DEEP_WEIGHTS: readonly number[] = [0, 0, 1, 1, 1];
/** Token counts are stored as count × TOKEN_SCALE: 1,000 quanta per token, so distinct counts stay distinct after quantization. */
export const TOKEN_SCALE = 1e-3;
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

/** Children of every node of a tree: node i's children are list[offsets[i], offsets[i + 1]), in source order. */
export interface TreeChildren {
  readonly offsets: Int32Array;
  readonly list: Int32Array;
}

/** Children lists from a preorder parent array, in two flat arrays rather than an array per node. */
export function childrenOf(tree: LabelledTree): TreeChildren {
  const n = tree.labels.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 1; i < n; i++) offsets[tree.parents[i]! + 1]++;
  for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i]!;
  const list = new Int32Array(Math.max(n - 1, 0));
  const next = offsets.slice(0, n);
  // Preorder: a node's children come in increasing index order, which is source order.
  for (let i = 1; i < n; i++) list[next[tree.parents[i]!]!++] = i;
  return { offsets, list };
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
  return `${PROTEIN_VERSION}:${base32(sha256(canonicalSerialization(tree)))}`;
}

/** WL labels of every round: rounds[k][i] is node i's label after k refinements. */
export function refine(tree: LabelledTree, iterations = WL_ITERATIONS, children: TreeChildren = childrenOf(tree)): Uint32Array[] {
  const n = tree.labels.length;
  const { offsets, list } = children;
  const first = new Uint32Array(n);
  for (let i = 0; i < n; i++) first[i] = hashLabel(tree.labels[i]!);
  const rounds = [first];
  for (let k = 1; k <= iterations; k++) {
    const previous = rounds[k - 1]!;
    const next = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let h = combine(previous[i]!, k);
      const end = offsets[i + 1]!;
      for (let c = offsets[i]!; c < end; c++) h = combine(h, previous[list[c]!]!);
      next[i] = combine(h, end - offsets[i]!);
    }
    rounds.push(next);
  }
  return rounds;
}

/**
 * The open-addressing table structuralVector counts distinct labels in, kept between calls (it is the largest
 * allocation per gene): a slot is taken when its stamp is the current call's, so nothing is cleared between calls.
 */
const table = { keys: new Uint32Array(0), slots: new Int32Array(0), stamps: new Uint32Array(0), stamp: 0, labels: new Uint32Array(0), firstRounds: new Uint8Array(0), counts: new Uint32Array(0) };

function tableFor(total: number): typeof table {
  let capacity = 16;
  while (capacity < total * 2) capacity <<= 1;
  if (table.keys.length < capacity) {
    table.keys = new Uint32Array(capacity);
    table.slots = new Int32Array(capacity);
    table.stamps = new Uint32Array(capacity);
    table.stamp = 0;
  }
  if (table.labels.length < total) {
    table.labels = new Uint32Array(total);
    table.firstRounds = new Uint8Array(total);
    table.counts = new Uint32Array(total);
  }
  if (++table.stamp === 0xffffffff) {
    table.stamps.fill(0);
    table.stamp = 1;
  }
  return table;
}

/** The sectioned comparison vector (see the header): shallow and deep WL sections and the token sketch. */
export function structuralVector(tree: LabelledTree): Float64Array {
  const vector = new Float64Array(VECTOR_LENGTH);
  const children = childrenOf(tree);
  // A WL label carries its round (refine mixes k in), so each distinct label is counted once with its round.
  // Distinct labels in first-seen order (the order the sums below run in, so the floats stay the same), counted in an
  // open-addressing table: the labels are already avalanche-mixed, and as Map keys most of them (≥ 2^30) would be boxed.
  const rounds = refine(tree, WL_ITERATIONS, children);
  const n = tree.labels.length;
  const { keys, slots, stamps, stamp, labels, firstRounds, counts } = tableFor(rounds.length * n);
  const mask = keys.length - 1;
  let distinct = 0;
  for (let k = 0; k < rounds.length; k++) {
    const round = rounds[k]!;
    for (let i = 0; i < n; i++) {
      const label = round[i]!;
      let at = label & mask;
      while (stamps[at] === stamp && keys[at] !== label) at = (at + 1) & mask;
      if (stamps[at] === stamp) counts[slots[at]!]!++;
      else {
        stamps[at] = stamp;
        keys[at] = label;
        slots[at] = distinct;
        labels[distinct] = label;
        firstRounds[distinct] = k;
        counts[distinct++] = 1;
      }
    }
  }
  for (let slot = 0; slot < distinct; slot++) {
    const label = labels[slot]!;
    const round = firstRounds[slot]!;
    const count = counts[slot]!;
    const inShallow = round < SHALLOW_WEIGHTS.length;
    const section = inShallow ? SHALLOW_SECTION : DEEP_SECTION;
    const weight = inShallow ? SHALLOW_WEIGHTS[round]! : DEEP_WEIGHTS[round]!;
    if (weight === 0) continue;
    const mixed = avalanche(label ^ 0x5bd1e995);
    const sign = mixed & 0x80000000 ? -1 : 1;
    vector[section.start + (mixed % section.length)] += sign * weight * Math.sqrt(count);
  }
  normalizeSection(vector, SHALLOW_SECTION);
  normalizeSection(vector, DEEP_SECTION);
  const half = TOKEN_SECTION.length / 2;
  for (const [token, count] of logicTokens(tree, children)) {
    const h = hashLabel(token);
    vector[TOKEN_SECTION.start + (h % half)] += count * TOKEN_SCALE;
    vector[TOKEN_SECTION.start + half + (avalanche(h ^ 0x27d4eb2d) % half)] += count * TOKEN_SCALE;
  }
  return quantize(vector);
}

function normalizeSection(vector: Float64Array, section: VectorSection): void {
  const end = section.start + section.length;
  let norm = 0;
  for (let i = section.start; i < end; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = section.start; i < end; i++) vector[i] /= norm;
}

function quantize(vector: Float64Array): Float64Array {
  for (let i = 0; i < vector.length; i++) vector[i] = Math.round(vector[i]! * QUANTUM) / QUANTUM + 0;
  return vector;
}
