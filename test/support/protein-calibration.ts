import ts from 'typescript';
import { listFunctions, type NamedFunction } from '../../src/core/protein/functions';
import { labelledTree, type LabelledTree } from '../../src/core/protein/normalize';
import { proteinHash, type Protein } from '../../src/core/protein/protein';
import { type Comparable, type SimilarityClass, classRank, compareProteins, classOfCosine, cosine } from '../../src/core/protein/similarity';

/**
 * Measuring the protein hash on a clone set: pairs of real functions and their variants,
 * generated mechanically from a corpus so the set is large and nobody tunes it by hand.
 *
 * - T1: the function reprinted by the TypeScript printer (other layout) with a comment added;
 * - T2: every name the function binds renamed consistently;
 * - T3: one top-level statement removed, a guard statement added, or two adjacent statements swapped;
 * - negative: two different corpus functions of neighbouring size (pairs with equal
 *   digests, i.e. real clones in the corpus, are left out);
 * - trap: one operator of the function changed (`+`→`*`, `x - y`→`y - x`, `<`↔`<=`, …).
 */
export type PairKind = 'T1' | 'T2' | 'T3' | 'negative' | 'trap';
export const PAIR_KINDS: readonly PairKind[] = ['T1', 'T2', 'T3', 'negative', 'trap'];

export interface Gene {
  label: string;
  sourceFile: ts.SourceFile;
  node: ts.FunctionLikeDeclaration;
  selfName: string | undefined;
}

export interface ClonePair {
  kind: PairKind;
  a: Gene;
  b: Gene;
}

/** A gene as standalone source text that parses on its own. */
function standalone(fn: NamedFunction, sourceFile: ts.SourceFile): string {
  const text = fn.node.getText(sourceFile);
  if (ts.isMethodDeclaration(fn.node) || ts.isConstructorDeclaration(fn.node) || ts.isGetAccessorDeclaration(fn.node) || ts.isSetAccessorDeclaration(fn.node)) return `class Host {\n${text}\n}\n`;
  if (ts.isFunctionDeclaration(fn.node)) return `${text}\n`;
  return `const ${fn.selfName ?? 'host'} = ${text};\n`;
}

/** Parses standalone text and returns its outermost function. */
export function geneFromText(label: string, text: string, fileName = 'gene.ts'): Gene | undefined {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const first = listFunctions(sourceFile)[0];
  return first ? { label, sourceFile, node: first.node, selfName: first.selfName } : undefined;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

function descendants(root: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  const stack: { node: ts.Node; parent: ts.Node | undefined }[] = [{ node: root, parent: undefined }];
  while (stack.length > 0) {
    const { node } = stack.pop()!;
    out.push(node);
    const kids: ts.Node[] = [];
    ts.forEachChild(node, (c) => {
      kids.push(c);
    });
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]!, parent: node });
  }
  return out;
}

function t1Variant(gene: Gene): string {
  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const printed = printer.printFile(gene.sourceFile);
  // Put a comment and extra blank lines after the first `{` of the body.
  const brace = printed.indexOf('{', printed.indexOf(')'));
  return brace < 0 ? `// reprinted\n${printed}` : `${printed.slice(0, brace + 1)}\n  // a comment the hash must ignore\n\n${printed.slice(brace + 1)}`;
}

function t2Variant(gene: Gene): string | undefined {
  const bound = new Set<string>();
  const nodes = descendants(gene.node);
  for (const node of nodes) {
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node) || ts.isBindingElement(node)) && ts.isIdentifier(node.name)) bound.add(node.name.text);
    if (ts.isShorthandPropertyAssignment(node)) return undefined;
  }
  if (bound.size === 0) return undefined;
  const renamed = new Map([...bound].map((name, i) => [name, `renamed${i}_${name.length}`]));
  const edits: Edit[] = [];
  const text = gene.sourceFile.text;
  // Names in property position keep their spelling: walk with parents to tell them apart.
  const stack: { node: ts.Node; parent: ts.Node | undefined }[] = [{ node: gene.node, parent: undefined }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    if (ts.isIdentifier(node) && renamed.has(node.text)) {
      const isProperty = parent && ((ts.isPropertyAccessExpression(parent) && parent.name === node) || ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node) || (ts.isBindingElement(parent) && parent.propertyName === node));
      if (!isProperty) edits.push({ start: node.getStart(gene.sourceFile), end: node.end, text: renamed.get(node.text)! });
    }
    ts.forEachChild(node, (child) => {
      stack.push({ node: child, parent: node });
    });
  }
  return applyEdits(text, edits);
}

function topStatements(gene: Gene): readonly ts.Statement[] {
  return gene.node.body && ts.isBlock(gene.node.body) ? gene.node.body.statements : [];
}

function t3Variants(gene: Gene): string[] {
  const text = gene.sourceFile.text;
  const statements = topStatements(gene);
  const variants: string[] = [];
  if (statements.length >= 3) {
    const middle = statements[statements.length >> 1]!;
    variants.push(applyEdits(text, [{ start: middle.getFullStart(), end: middle.end, text: '' }]));
  }
  const first = gene.node.parameters[0];
  if (statements.length >= 1 && first && ts.isIdentifier(first.name)) {
    const at = statements[0]!.getStart(gene.sourceFile);
    variants.push(applyEdits(text, [{ start: at, end: at, text: `if (${first.name.text} === undefined) {\n    return undefined;\n  }\n  ` }]));
  }
  const swappable = statements.findIndex((s, i) => i + 1 < statements.length && !ts.isReturnStatement(s) && !ts.isReturnStatement(statements[i + 1]!));
  if (swappable >= 0) {
    const a = statements[swappable]!;
    const b = statements[swappable + 1]!;
    const aText = text.slice(a.getStart(gene.sourceFile), a.end);
    const bText = text.slice(b.getStart(gene.sourceFile), b.end);
    variants.push(applyEdits(text, [
      { start: a.getStart(gene.sourceFile), end: a.end, text: bText },
      { start: b.getStart(gene.sourceFile), end: b.end, text: aText },
    ]));
  }
  return variants;
}

const OPERATOR_TRAPS = new Map<ts.SyntaxKind, string>([
  [ts.SyntaxKind.PlusToken, '*'],
  [ts.SyntaxKind.AsteriskToken, '+'],
  [ts.SyntaxKind.LessThanToken, '<='],
  [ts.SyntaxKind.LessThanEqualsToken, '<'],
  [ts.SyntaxKind.GreaterThanToken, '>='],
  [ts.SyntaxKind.GreaterThanEqualsToken, '>'],
  [ts.SyntaxKind.EqualsEqualsEqualsToken, '!=='],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, '==='],
  [ts.SyntaxKind.AmpersandAmpersandToken, '||'],
  [ts.SyntaxKind.BarBarToken, '&&'],
]);

function trapVariant(gene: Gene): string | undefined {
  const sf = gene.sourceFile;
  for (const node of descendants(gene.node)) {
    if (!ts.isBinaryExpression(node)) continue;
    const op = node.operatorToken;
    if (op.kind === ts.SyntaxKind.MinusToken) {
      // x - y → y - x
      const left = node.left.getText(sf);
      const right = node.right.getText(sf);
      if (left === right) continue;
      return applyEdits(sf.text, [
        { start: node.left.getStart(sf), end: node.left.end, text: right },
        { start: node.right.getStart(sf), end: node.right.end, text: left },
      ]);
    }
    const replacement = OPERATOR_TRAPS.get(op.kind);
    if (replacement) return applyEdits(sf.text, [{ start: op.getStart(sf), end: op.end, text: replacement }]);
  }
  return undefined;
}

/** Corpus functions of a useful size, in a stable order. */
export function corpusGenes(files: { name: string; text: string }[], minNodes = 12, maxNodes = 150): Gene[] {
  const genes: Gene[] = [];
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const sourceFile = ts.createSourceFile(file.name, file.text, ts.ScriptTarget.Latest, true);
    for (const fn of listFunctions(sourceFile)) {
      const size = labelledTree(fn.node, { selfName: fn.selfName }).labels.length;
      if (size < minNodes || size > maxNodes) continue;
      const gene = geneFromText(`${file.name}#${fn.name}`, standalone(fn, sourceFile), file.name.replace(/\.js$/, '.ts'));
      if (gene) genes.push(gene);
    }
  }
  return genes;
}

/** The mechanical clone set over corpus genes (see the comment at the top). */
export function buildCloneSet(genes: Gene[]): ClonePair[] {
  const pairs: ClonePair[] = [];
  const variant = (gene: Gene, kind: PairKind, text: string | undefined, n = 0) => {
    const b = text === undefined ? undefined : geneFromText(`${gene.label} ${kind}${n}`, text);
    if (b) pairs.push({ kind, a: gene, b });
  };
  for (const gene of genes) {
    variant(gene, 'T1', t1Variant(gene));
    variant(gene, 'T2', t2Variant(gene));
    t3Variants(gene).forEach((text, n) => variant(gene, 'T3', text, n));
    variant(gene, 'trap', trapVariant(gene));
  }
  const bySize = genes.map((gene) => ({ gene, protein: proteinOf(gene) })).sort((x, y) => x.protein.size - y.protein.size || (x.gene.label < y.gene.label ? -1 : 1));
  for (let i = 0; i + 1 < bySize.length; i += 2) {
    const [x, y] = [bySize[i]!, bySize[i + 1]!];
    if (x.protein.digest !== y.protein.digest) pairs.push({ kind: 'negative', a: x.gene, b: y.gene });
  }
  return pairs;
}

/** Label-blind spectral baseline (the plan's original method): top 16 eigenvalues of the unlabelled tree's normalized Laplacian. */
export function labelBlindSpectrum(tree: LabelledTree, count = 16): Float64Array {
  const n = tree.parents.length;
  const degree = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    degree[i]++;
    degree[tree.parents[i]!]++;
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) if (degree[i]! > 0) a[i * n + i] = 1;
  for (let i = 1; i < n; i++) {
    const p = tree.parents[i]!;
    const w = -1 / Math.sqrt(degree[i]! * degree[p]!);
    a[i * n + p] = w;
    a[p * n + i] = w;
  }
  const values = jacobiEigenvalues(a, n).sort((x, y) => y - x);
  const out = new Float64Array(count);
  for (let i = 0; i < Math.min(count, values.length); i++) out[i] = values[i]!;
  return out;
}

/** Cyclic Jacobi rotations on a symmetric matrix: deterministic, no random start. */
export function jacobiEigenvalues(a: Float64Array, n: number, sweeps = 50): number[] {
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]!);
}

export type Scorer = (a: Gene, b: Gene) => SimilarityClass;

/** One protein per gene: a corpus gene is compared with all its variants, so hash it once. */
const proteins = new WeakMap<Gene, Protein>();
function proteinOf(gene: Gene): Protein {
  let protein = proteins.get(gene);
  if (!protein) {
    protein = proteinHash(gene.sourceFile, gene.node, { selfName: gene.selfName });
    proteins.set(gene, protein);
  }
  return protein;
}

export const proteinScorer: Scorer = (a, b) => {
  const pa: Comparable = proteinOf(a);
  const pb: Comparable = proteinOf(b);
  return compareProteins(pa, pb).class;
};

export const spectralScorer: Scorer = (a, b) => {
  const va = labelBlindSpectrum(labelledTree(a.node, { selfName: a.selfName }));
  const vb = labelBlindSpectrum(labelledTree(b.node, { selfName: b.selfName }));
  return classOfCosine(cosine(va, vb));
};

export interface PrecisionRecall {
  precision: number;
  recall: number;
  predicted: number;
  actual: number;
}

export interface CloneSetReport {
  /** kind → class → number of pairs. */
  confusion: Record<PairKind, Record<SimilarityClass, number>>;
  /** `equivalent` should be exactly the T1 and T2 pairs. */
  equivalent: PrecisionRecall;
  /** "at least similar" should be exactly the T1, T2 and T3 pairs. */
  clone: PrecisionRecall;
  /** The goals, as shares. */
  goals: { t1t2Equivalent: number; t3AtLeastSimilar: number; negativesEquivalent: number; negativesVerySimilarOrAbove: number };
}

function pr(tp: number, predicted: number, actual: number): PrecisionRecall {
  return { precision: predicted ? tp / predicted : 1, recall: actual ? tp / actual : 1, predicted, actual };
}

export function evaluateCloneSet(pairs: ClonePair[], score: Scorer): CloneSetReport {
  const confusion = Object.fromEntries(PAIR_KINDS.map((k) => [k, { equivalent: 0, 'very-similar': 0, similar: 0, different: 0 }])) as CloneSetReport['confusion'];
  for (const pair of pairs) confusion[pair.kind][score(pair.a, pair.b)]++;
  const total = (kinds: PairKind[], pick: (row: Record<SimilarityClass, number>) => number) => kinds.reduce((sum, k) => sum + pick(confusion[k]), 0);
  const all = (row: Record<SimilarityClass, number>) => row.equivalent + row['very-similar'] + row.similar + row.different;
  const atLeast = (cls: SimilarityClass) => (row: Record<SimilarityClass, number>) => (['equivalent', 'very-similar', 'similar', 'different'] as SimilarityClass[]).filter((c) => classRank(c) <= classRank(cls)).reduce((s, c) => s + row[c], 0);
  const share = (n: number, d: number) => (d ? n / d : 1);
  return {
    confusion,
    equivalent: pr(total(['T1', 'T2'], atLeast('equivalent')), total([...PAIR_KINDS], atLeast('equivalent')), total(['T1', 'T2'], all)),
    clone: pr(total(['T1', 'T2', 'T3'], atLeast('similar')), total([...PAIR_KINDS], atLeast('similar')), total(['T1', 'T2', 'T3'], all)),
    goals: {
      t1t2Equivalent: share(total(['T1', 'T2'], atLeast('equivalent')), total(['T1', 'T2'], all)),
      t3AtLeastSimilar: share(total(['T3'], atLeast('similar')), total(['T3'], all)),
      negativesEquivalent: share(total(['negative', 'trap'], atLeast('equivalent')), total(['negative', 'trap'], all)),
      negativesVerySimilarOrAbove: share(total(['negative', 'trap'], atLeast('very-similar')), total(['negative', 'trap'], all)),
    },
  };
}
