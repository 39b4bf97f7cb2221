import { DEEP_SECTION, SHALLOW_SECTION, TOKEN_SECTION, type VectorSection } from './fingerprint';

/**
 * Similarity classes (the rollout plan's thresholds) and how a pair of proteins gets one.
 *
 * - equal digests → `equivalent` (same normalized structure);
 * - otherwise by THE cosine, that of the vectors' shallow WL section (fingerprint.ts):
 *   ≥ 0.985 `equivalent`, ≥ 0.95 `very-similar`, ≥ 0.85 `similar`, else `different`;
 * - `equivalent` by cosine also needs the deep WL section's cosine ≥ 0.985 (else
 *   `very-similar`): a reordered statement barely moves the shallow section;
 * - then two signals of changed logic cap the class at `similar` — a one-operator change
 *   (`a + b` vs `a * b`) is a small edit of the tree but different logic, so it may be
 *   "similar", never "very similar" or "equivalent":
 *   - a replaced logic token (logic-tokens.ts): an operator, operand order, literal or
 *     name removed AND another added (an added or removed statement only adds or only
 *     removes tokens);
 *   - different behaviour, when both genes have one (numeric genes, see behaviour.ts).
 *     Equal outputs do not raise the class: canonical inputs are evidence, not proof.
 *
 * Calibration (calibration.ts, the full rxjs `src/internal` + monaco `base/common` clone set,
 * 7,197 pairs): T1/T2 → equivalent 100%; T3 → at least similar 93% (v1 vector: 64%);
 * negatives → equivalent 0, very-similar or above 0% (v1: 17%, all one-operator traps).
 * Alternatives measured and dropped: one vector with rounds [2, 1] and no deep check (T3
 * 94% but a third of reordered statements `equivalent`); rounds [1, 1, 1] (T3 82%);
 * locals without binding index in the vector (+1% T3, blind to `l0 - l1` vs `l1 - l0`);
 * operators without operand shapes (misses `x - y` → `y - x`, 0.3% traps equivalent).
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

/** The cosine of two plain vectors (or of one section of two protein vectors). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>, section: VectorSection = { start: 0, length: a.length }): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = section.start; i < section.start + section.length; i++) {
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

/** THE cosine of two proteins: that of their vectors' shallow WL section. */
export function proteinCosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return cosine(a, b, SHALLOW_SECTION);
}

/** Did a logic token get replaced: some token-sketch bucket went up and another went down, in either half? */
export function tokensReplaced(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const half = TOKEN_SECTION.length / 2;
  for (const start of [TOKEN_SECTION.start, TOKEN_SECTION.start + half]) {
    let up = false;
    let down = false;
    for (let i = start; i < start + half; i++) {
      if (a[i]! > b[i]!) up = true;
      else if (a[i]! < b[i]!) down = true;
    }
    if (up && down) return true;
  }
  return false;
}

/** Classifies from THE cosine already computed (the index scans vectors itself). */
export function classify(a: Comparable, b: Comparable, cos: number): SimilarityClass {
  if (a.digest === b.digest) return 'equivalent';
  let byStructure = classOfCosine(cos);
  if (byStructure === 'equivalent' && cosine(a.vector, b.vector, DEEP_SECTION) < THRESHOLDS.equivalent) byStructure = 'very-similar';
  const behaviourDiffers = a.behaviour !== undefined && b.behaviour !== undefined && a.behaviour !== b.behaviour;
  const logicChanged = behaviourDiffers || tokensReplaced(a.vector, b.vector);
  return logicChanged && classRank(byStructure) < classRank('similar') ? 'similar' : byStructure;
}

export function compareProteins(a: Comparable, b: Comparable): Similarity {
  const value = a.digest === b.digest ? 1 : proteinCosine(a.vector, b.vector);
  return { class: classify(a, b, value), cosine: Math.round(value * 1e6) / 1e6 };
}

export function parseSimilarityClass(text: string): SimilarityClass | undefined {
  return (SIMILARITY_CLASSES as readonly string[]).includes(text) ? (text as SimilarityClass) : undefined;
}
