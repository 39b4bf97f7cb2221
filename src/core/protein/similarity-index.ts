import { PROTEIN_DATA_VERSION, SHALLOW_SECTION, VECTOR_LENGTH } from './fingerprint';
import { type Comparable, type SimilarityClass, classify, classRank, THRESHOLDS } from './similarity';

export interface IndexedProtein extends Comparable {
  id: string;
}

export interface Match {
  id: string;
  class: SimilarityClass;
  cosine: number;
}

export interface QueryOptions {
  /** At most this many matches (default 10). */
  limit?: number;
  /** Only matches of this class or closer (default `similar`). */
  atLeast?: SimilarityClass;
  /** An id to leave out, usually the query gene itself. */
  exclude?: string;
}

/** The persisted form: versioned by digest and vector version, so an index of either older kind is rebuilt rather than misread. */
export interface SerializedIndex {
  version: string;
  entries: { id: string; digest: string; behaviour?: string; vector: number[] }[];
}

/**
 * Genes similar to a given one, over a whole workspace: vectors in one contiguous
 * Float64Array, scanned linearly on their shallow section (THE cosine; the other sections
 * are read only for the few candidates above the threshold) — 10,000 genes is a few milliseconds,
 * well under any approximate index's build cost), plus a digest table so exact clones are
 * found whatever their cosine. Genes are added and removed one at a time as files change.
 */
export class SimilarityIndex {
  private vectors = new Float64Array(VECTOR_LENGTH * 64);
  private entries: (IndexedProtein | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly freeSlots: number[] = [];

  get size(): number {
    return this.slotOf.size;
  }

  add(id: string, protein: Comparable): void {
    this.remove(id);
    const slot = this.freeSlots.pop() ?? this.entries.length;
    if ((slot + 1) * VECTOR_LENGTH > this.vectors.length) {
      const grown = new Float64Array(this.vectors.length * 2);
      grown.set(this.vectors);
      this.vectors = grown;
    }
    if (protein.vector.length !== VECTOR_LENGTH) throw new Error(`vector of length ${protein.vector.length}, expected ${VECTOR_LENGTH}`);
    this.vectors.set(protein.vector, slot * VECTOR_LENGTH);
    this.entries[slot] = { id, digest: protein.digest, vector: Float64Array.from(protein.vector), ...(protein.behaviour ? { behaviour: protein.behaviour } : {}) };
    this.slotOf.set(id, slot);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.entries[slot] = undefined;
    this.vectors.fill(0, slot * VECTOR_LENGTH, (slot + 1) * VECTOR_LENGTH);
    this.slotOf.delete(id);
    this.freeSlots.push(slot);
    return true;
  }

  get(id: string): IndexedProtein | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.entries[slot];
  }

  /** Matches ranked by class, then cosine, then id (a total order, so results are reproducible). */
  query(protein: Comparable, options: QueryOptions = {}): Match[] {
    const limit = options.limit ?? 10;
    const atLeast = options.atLeast ?? 'similar';
    const floor = classRank(atLeast);
    // Classes only go down from the cosine's class, so a cosine below the floor's threshold cannot match (unless digests are equal).
    const minimum = atLeast === 'different' ? Number.NEGATIVE_INFINITY : THRESHOLDS[atLeast];
    // The shallow section is L2-normalized on its own, so its dot product is its cosine; a typed copy keeps the scan monomorphic.
    const { start, length } = SHALLOW_SECTION;
    const q = Float64Array.from({ length }, (_, i) => protein.vector[start + i]!);
    const vectors = this.vectors;
    const matches: Match[] = [];
    for (let slot = 0; slot < this.entries.length; slot++) {
      const entry = this.entries[slot];
      if (!entry || entry.id === options.exclude) continue;
      let dot = 0;
      const base = slot * VECTOR_LENGTH + start;
      for (let i = 0; i < length; i++) dot += q[i]! * vectors[base + i]!;
      if (dot < minimum && entry.digest !== protein.digest) continue;
      const value = entry.digest === protein.digest ? 1 : dot;
      const cls = classify(protein, entry, value);
      if (classRank(cls) <= floor) matches.push({ id: entry.id, class: cls, cosine: Math.round(value * 1e6) / 1e6 });
    }
    matches.sort((a, b) => classRank(a.class) - classRank(b.class) || b.cosine - a.cosine || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return matches.slice(0, limit);
  }

  toJSON(): SerializedIndex {
    const entries = this.entries.filter((e): e is IndexedProtein => e !== undefined);
    return { version: PROTEIN_DATA_VERSION, entries: entries.map((e) => ({ id: e.id, digest: e.digest, ...(e.behaviour ? { behaviour: e.behaviour } : {}), vector: Array.from(e.vector) })) };
  }

  /** An index from its persisted form; an index of another digest or vector version is discarded (undefined) and must be rebuilt. */
  static fromJSON(data: SerializedIndex): SimilarityIndex | undefined {
    if (data.version !== PROTEIN_DATA_VERSION) return undefined;
    const index = new SimilarityIndex();
    for (const entry of data.entries) index.add(entry.id, { digest: entry.digest, vector: entry.vector, behaviour: entry.behaviour });
    return index;
  }
}
