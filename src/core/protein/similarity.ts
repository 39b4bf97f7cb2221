/**
 * Similarity classes (the rollout plan's thresholds) and how a pair of proteins gets one.
 *
 * - equal digests → `equivalent` (same normalized structure);
 * - otherwise by the cosine of the vectors: ≥ 0.985 `equivalent`, ≥ 0.95 `very-similar`,
 *   ≥ 0.85 `similar`, else `different`;
 * - then the behavioural signal, when both genes have one (numeric genes, see
 *   behaviour.ts): different outputs on the canonical inputs cap the class at `similar`
 *   — a one-operator change (`a + b` vs `a * b`) is a small edit of the tree but
 *   different logic, so it may be "similar", never "very similar" or "equivalent".
 *   Equal outputs do not raise the class: canonical inputs are evidence, not proof.
 */
export type SimilarityClass = 'equivalent' | 'very-similar' | 'similar' | 'different';

export const SIMILARITY_CLASSES: readonly SimilarityClass[] = ['equivalent', 'very-similar', 'similar', 'different'];

export const THRESHOLDS = { equivalent: 0.985, 'very-similar': 0.95, similar: 0.85 } as const;

/** What the comparison needs of a protein. */
export interface Comparable {
  digest: string;
  vector: ArrayLike<number>;
  behaviour?: string | undefined;
}

export interface Similarity {
  class: SimilarityClass;
  cosine: number;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export function classOfCosine(value: number): SimilarityClass {
  if (value >= THRESHOLDS.equivalent) return 'equivalent';
  if (value >= THRESHOLDS['very-similar']) return 'very-similar';
  if (value >= THRESHOLDS.similar) return 'similar';
  return 'different';
}

/** Rank of a class: 0 for equivalent … 3 for different. */
export function classRank(value: SimilarityClass): number {
  return SIMILARITY_CLASSES.indexOf(value);
}

/** Classifies from a cosine already computed (the index scans vectors itself). */
export function classify(a: Comparable, b: Comparable, cos: number): SimilarityClass {
  if (a.digest === b.digest) return 'equivalent';
  const byStructure = classOfCosine(cos);
  const behaviourDiffers = a.behaviour !== undefined && b.behaviour !== undefined && a.behaviour !== b.behaviour;
  return behaviourDiffers && classRank(byStructure) < classRank('similar') ? 'similar' : byStructure;
}

export function compareProteins(a: Comparable, b: Comparable): Similarity {
  const value = a.digest === b.digest ? 1 : cosine(a.vector, b.vector);
  return { class: classify(a, b, value), cosine: Math.round(value * 1e6) / 1e6 };
}

export function parseSimilarityClass(text: string): SimilarityClass | undefined {
  return (SIMILARITY_CLASSES as readonly string[]).includes(text) ? (text as SimilarityClass) : undefined;
}
