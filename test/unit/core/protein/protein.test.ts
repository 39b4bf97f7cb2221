import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { similarCommand } from '../../../../src/cli/commands/similar';
import { hashCommand } from '../../../../src/cli/commands/hash';
import { buildCloneSet, corpusGenes, evaluateCloneSet, proteinScorer, spectralScorer } from '../../../support/protein-calibration';
import { syntaxKindName } from '../../../../src/core/protein/syntax-kind-names';
import { compareProteins, labelledTree, listFunctions, logicTokens, PROTEIN_DATA_VERSION, proteinHash, SimilarityIndex, tokensReplaced, VECTOR_LENGTH, VECTOR_VERSION, type Protein } from '../../../../src/core/protein';
import { childrenOf } from '../../../../src/core/protein/fingerprint';
import { repoRoot } from '../../../support/repo';

const twinsPath = join(repoRoot, 'test', 'fixtures', 'protein', 'twins.ts');

function proteinsOf(text: string, fileName = 'gene.ts'): Map<string, Protein> {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  return new Map(listFunctions(sourceFile).map((fn) => [fn.name, proteinHash(sourceFile, fn.node, { selfName: fn.selfName })]));
}

function only(text: string): Protein {
  const [protein] = proteinsOf(text).values();
  assert.ok(protein, 'no function found');
  return protein;
}

const vectorFingerprint = (p: Protein) => createHash('sha256').update(Array.from(p.vector).join(',')).digest('hex').slice(0, 16);
const twins = proteinsOf(readFileSync(twinsPath, 'utf8'), 'twins.ts');
const twin = (name: string) => twins.get(name)!;

test('golden values: the same digest, vector and behaviour on every run, machine and Node version', () => {
  // The digest is frozen (phash/v1); the vector is versioned on its own (VECTOR_VERSION) and these fingerprints pin pvec/v2.
  assert.equal(VECTOR_VERSION, 'pvec/v2');
  assert.equal(twin('add').digest, 'phash/v1:n5td5cioae6qhou7g57xjsgpvmpxswkayfdc5jvzw52stigh53vq');
  assert.equal(twin('multiply').digest, 'phash/v1:6kl3alnv4lgxa6cs5oe366j3ve4kdmxhjr2ukezsdii3oevjszzq');
  assert.equal(twin('Geometry.hypotenuse').digest, 'phash/v1:vejei5hri2s4hih665s4egktx7rwt34eafv53vi3kfi3p2ewxcpa');
  assert.equal(twin('add').behaviour, 'b1:ca55e54ac056f322');
  assert.equal(vectorFingerprint(twin('add')), '4389ce9d273a9d52');
  assert.equal(vectorFingerprint(twin('Geometry.safeHypotenuse')), 'c9b509d5fcc94198');
  assert.equal(twin('add').vector.length, VECTOR_LENGTH);
});

test('syntax kinds are labelled by their own names, not by enum numbers or aliases like FirstAssignment', () => {
  assert.equal(syntaxKindName(ts.SyntaxKind.EqualsToken), 'EqualsToken');
  assert.equal(syntaxKindName(ts.SyntaxKind.NumericLiteral), 'NumericLiteral');
  assert.equal(syntaxKindName(ts.SyntaxKind.Block), 'Block');
});

test("the plan's semantic twins of a + b (function, arrow, temporary, one-liner) are equivalent with one digest", () => {
  const digests = new Set(['add', 'addArrow', 'addWithTemporary', 'addOneLiner'].map((name) => twin(name).digest));
  assert.equal(digests.size, 1);
  assert.deepEqual(compareProteins(twin('add'), twin('addWithTemporary')), { class: 'equivalent', cosine: 1 });
});

test('a + b, a * b and a - b all differ: add, mul and sub are never equivalent or very similar (the old bug)', () => {
  const names = ['add', 'multiply', 'subtract', 'subtractReversed'];
  assert.equal(new Set(names.map((n) => twin(n).digest)).size, names.length);
  for (const a of names) for (const b of names) if (a !== b) assert.ok(['similar', 'different'].includes(compareProteins(twin(a), twin(b)).class), `${a} vs ${b}`);
});

test('x - y and y - x, < and <= get different digests', () => {
  assert.notEqual(twin('subtract').digest, twin('subtractReversed').digest);
  assert.notEqual(twin('clampBelow').digest, twin('clampBelowOrEqual').digest);
  assert.notEqual(compareProteins(twin('clampBelow'), twin('clampBelowOrEqual')).class, 'equivalent');
});

test('T1 clones (layout, comments) and T2 clones (consistent renaming) have equal digests', () => {
  const original = only('function total(items: number[], rate: number) {\n  let sum = 0;\n  for (const item of items) { sum += item * rate; }\n  return sum;\n}');
  const layout = only('function total(items, rate) /* T1 */ { let sum = 0\n\n  for (const item of items)\n  {\n    // comment\n    sum += (item * rate)\n  }\n  return sum }');
  const renamed = only('function grandTotal(xs: number[], r: number) {\n  let acc = 0;\n  for (const x of xs) { acc += x * r; }\n  return acc;\n}');
  assert.equal(layout.digest, original.digest);
  assert.equal(renamed.digest, original.digest);
  assert.notEqual(only('function total(items, rate) { let sum = 1; for (const item of items) { sum += item * rate; } return sum; }').digest, original.digest);
});

test('renaming respects scopes: a shadowing inner binding is not the outer one, property names keep their spelling', () => {
  const a = only('function f(a) { const b = a.x; { const a = 2; return a + b; } }');
  const b = only('function g(p) { const q = p.x; { const p = 2; return p + q; } }');
  const c = only('function g(p) { const q = p.y; { const p = 2; return p + q; } }');
  assert.equal(a.digest, b.digest);
  assert.notEqual(b.digest, c.digest);
});

test('recursion through the gene’s own name is renaming-invariant, for declarations and arrows', () => {
  const proteins = proteinsOf('function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }\nconst f = (k) => k <= 1 ? 1 : k * f(k - 1);');
  assert.equal(proteins.get('fact')!.digest, proteins.get('f')!.digest);
  assert.ok(proteins.get('fact')!.behaviour);
});

test('a T3 variant (a guard added to a real-sized function) is at least similar but not equivalent', () => {
  const body = `let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(items[mid], key);
    if (c < 0) { lo = mid + 1; } else if (c > 0) { hi = mid - 1; } else { return mid; }
  }
  return -(lo + 1);`;
  const original = only(`function binarySearch(items, key, compare) { ${body} }`);
  const guarded = only(`function binarySearch(items, key, compare) { if (items.length === 0) { return -1; } ${body} }`);
  const result = compareProteins(original, guarded);
  assert.ok(['very-similar', 'similar'].includes(result.class), JSON.stringify(result));
  // A small function, where the added guard is a large share of the tree: still similar (the v1 vector said different).
  assert.equal(compareProteins(twin('Geometry.hypotenuse'), twin('Geometry.safeHypotenuse')).class, 'similar');
});

test('logic tokens: an added statement only adds tokens, a changed operator or operand order replaces one', () => {
  const tokens = (text: string) => {
    const tree = labelledTree(listFunctions(ts.createSourceFile('g.ts', text, ts.ScriptTarget.Latest, true))[0]!.node);
    return logicTokens(tree, childrenOf(tree));
  };
  // Locals are ranked within each operator's shape, so renumbering by an earlier declaration does not change the token.
  const before = tokens('function f(p) { const a = p.x; const b = p.y; return a.start - b.start; }');
  const after = tokens('function f(p) { const skipped = 1; const a = p.x; const b = p.y; return a.start - b.start; }');
  assert.ok([...before].every(([token, count]) => after.get(token) === count), 'an added declaration only adds tokens');
  const swapped = tokens('function f(p) { const a = p.x; const b = p.y; return b.start - a.start; }');
  assert.notDeepEqual(swapped, before);
  assert.equal(tokensReplaced(twin('add').vector, twin('multiply').vector), true);
  assert.equal(tokensReplaced(twin('subtract').vector, twin('subtractReversed').vector), true);
  assert.equal(tokensReplaced(twin('Geometry.hypotenuse').vector, twin('Geometry.safeHypotenuse').vector), false);
  assert.equal(tokensReplaced(twin('Geometry.safeHypotenuse').vector, twin('Geometry.hypotenuse').vector), false);
});

test('a one-operator change in a large function is at most similar; two statements reordered are very similar, not equivalent', () => {
  const body = (op: string, swap: boolean) => {
    const first = 'const width = box.right - box.left;';
    const second = 'const height = box.bottom - box.top;';
    return `function area(box, scale) {
  ${swap ? second : first}
  ${swap ? first : second}
  let total = 0;
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) { total += scale ${op} box.weight(row, column); }
  }
  if (total > box.limit) { return box.limit; }
  return total;
}`;
  };
  const original = only(body('*', false));
  const trap = compareProteins(original, only(body('+', false)));
  assert.ok(trap.cosine >= 0.95, `the structure alone cannot tell: ${trap.cosine}`);
  assert.equal(trap.class, 'similar');
  const reordered = compareProteins(original, only(body('*', true)));
  assert.ok(reordered.cosine >= 0.985, `the shallow cosine cannot tell: ${reordered.cosine}`);
  assert.equal(reordered.class, 'very-similar');
});

test('2,000 levels of nesting hash without a stack overflow', () => {
  const depth = 2000;
  // TypeScript's own parser recurses on nested parentheses and blocks, so the deep shapes are ones it parses iteratively:
  // left-nested binary chains and member-access chains, each 2,000 levels deep in the tree.
  const deepExpression = only(`function deep(a) { return a${' + 1'.repeat(depth)}; }`);
  const deepBlocks = only(`function deep(a) { return a${'.next'.repeat(depth)}; }`);
  assert.match(deepExpression.digest, /^phash\/v1:[a-z2-7]{52}$/);
  assert.ok(deepExpression.size > depth);
  assert.ok(deepBlocks.size > depth);
});

test('the similarity index ranks by class and cosine, excludes the query, removes and round-trips', () => {
  const index = new SimilarityIndex();
  for (const [name, protein] of twins) index.add(name, protein);
  const matches = index.query(twin('add'), { exclude: 'add', atLeast: 'equivalent' });
  assert.deepEqual(matches.map((m) => m.id), ['addArrow', 'addOneLiner', 'addWithTemporary']);
  assert.ok(index.query(twin('add'), { atLeast: 'similar' }).every((m) => m.class !== 'different'));
  assert.equal(index.remove('addArrow'), true);
  assert.equal(index.query(twin('add'), { exclude: 'add', atLeast: 'equivalent' }).length, 2);
  const restored = SimilarityIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON())));
  assert.ok(restored);
  assert.deepEqual(restored.query(twin('multiply')), index.query(twin('multiply')));
  assert.equal(restored.toJSON().version, PROTEIN_DATA_VERSION);
  assert.equal(SimilarityIndex.fromJSON({ version: 'phash/v0', entries: [] }), undefined);
  // A phash/v1 index persisted with the v1 vector: same digests, incomparable vectors, so rebuilt.
  assert.equal(SimilarityIndex.fromJSON({ version: 'phash/v1', entries: [] }), undefined);
});

test('chimera similar reports the twins as equivalent pairs with qualified names and lines', async () => {
  const context = { workspace: repoRoot, respectFlags: false, log: () => {} };
  const result = await similarCommand.run(context, { threshold: 'equivalent' }, ['test/fixtures/protein/twins.ts']);
  const data = result.data as { pairs: { a: { name: string; line: number }; b: { name: string }; class: string }[] };
  assert.equal(result.exitCode, 0);
  assert.equal(data.pairs.length, 6);
  assert.ok(data.pairs.every((p) => p.class === 'equivalent' && p.a.name.startsWith('add') && p.b.name.startsWith('add')));
  assert.deepEqual(data.pairs[0]!.a, { file: 'test/fixtures/protein/twins.ts', name: 'add', line: 3 });
  const hashed = await hashCommand.run(context, { vectors: true }, ['test/fixtures/protein/twins.ts']);
  const genes = (hashed.data as { genes: { name: string; protein: string; vector?: number[] }[] }).genes;
  assert.equal(genes.find((g) => g.name === 'add')!.protein, twin('add').digest);
  assert.equal(genes[0]!.vector!.length, VECTOR_LENGTH);
  await assert.rejects(similarCommand.run(context, { threshold: 'nearly' }, ['test/fixtures/protein/twins.ts']), /--threshold/);
});

function corpusFiles(): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push({ name: path.slice(repoRoot.length + 1), text: readFileSync(path, 'utf8') });
    }
  };
  walk(join(repoRoot, 'node_modules', 'rxjs', 'src', 'internal', 'operators'));
  walk(join(repoRoot, 'node_modules', 'monaco-editor', 'esm', 'vs', 'base', 'common', 'observableInternal'));
  return files;
}

test("calibration on a corpus clone set meets the issue's goals and beats the label-blind spectral baseline", () => {
  // A representative subset (rxjs operators + monaco observableInternal, ≈1,400 pairs); the full set's numbers are in similarity.ts.
  const pairs = buildCloneSet(corpusGenes(corpusFiles()));
  assert.ok(pairs.length > 1000, `only ${pairs.length} pairs`);
  const ours = evaluateCloneSet(pairs, proteinScorer);
  assert.equal(ours.goals.t1t2Equivalent, 1);
  assert.equal(ours.goals.negativesEquivalent, 0);
  assert.ok(ours.goals.t3AtLeastSimilar >= 0.8, JSON.stringify(ours.goals));
  assert.ok(ours.goals.negativesVerySimilarOrAbove <= 0.1, JSON.stringify(ours.goals));
  assert.ok(ours.equivalent.precision >= 0.95, JSON.stringify(ours.equivalent));
  const traps = pairs.filter((p) => p.kind === 'trap').slice(0, 30);
  const spectral = evaluateCloneSet(traps, spectralScorer);
  assert.ok(spectral.confusion.trap.equivalent / traps.length > 0.5, 'the label-blind baseline should fail on traps');
});

test('the labelled tree drops types, parentheses and the gene name', () => {
  const sourceFile = ts.createSourceFile('g.ts', 'function g<T>(a: T): T { return (a as T)!; }', ts.ScriptTarget.Latest, true);
  const [fn] = listFunctions(sourceFile);
  assert.deepEqual(labelledTree(fn!.node).labels, ['Function', 'Parameter', 'param:0', 'Block', 'ReturnStatement', 'param:0']);
});
