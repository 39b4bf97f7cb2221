import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { analyzeFile } from '../../../../src/core/analysis/pipeline';
import { CompactGeneIndex, CompactIndexBuilder } from '../../../../src/core/protein/compact-index';
import { WorkspaceGeneIndex, contentHash } from '../../../../src/core/protein/gene-index';
import { decodeIndex, encodeIndex } from '../../../../src/core/protein/index-file';
import { classRank, type SimilarityClass } from '../../../../src/core/protein/similarity';
import { corpusFiles } from '../../../../bench/genes-corpus';

/** VS Code's own base/common (monaco-editor's build): ~70 files, some 2,000 hashed genes. */
const corpus = corpusFiles().filter((file) => file.includes('monaco-editor'));

const built = (async () => {
  const exact = new WorkspaceGeneIndex();
  const builder = new CompactIndexBuilder();
  const genes: { file: string; name: string; protein: { digest: string; vector: number[]; behaviour?: string } }[] = [];
  for (const path of corpus) {
    const text = readFileSync(path, 'utf8');
    const file = basename(path);
    const analysis = await analyzeFile({ fileName: file, text, features: { compile: false, verify: false, proteinHash: true } });
    exact.update(file, contentHash(text), analysis);
    const hashed = analysis.genes.flatMap((g) => (g.protein ? [{ name: g.gene.name, line: g.gene.line, ...g.protein }] : []));
    builder.addFile(file, Buffer.from(contentHash(text), 'hex'), hashed);
    for (const g of hashed) genes.push({ file, name: g.name, protein: g });
  }
  return { exact, compact: builder.finish(), genes };
})();

test('the compact index answers what the exact index answers: the same equivalent matches, no class more than one step away', async () => {
  const { exact, compact, genes } = await built;
  assert.ok(genes.length > 1000, `a real corpus (${genes.length} genes)`);
  assert.equal(compact.genes, exact.size);
  let compared = 0;
  let moved = 0;
  for (const { file, name, protein } of genes) {
    const want = exact.query(protein, { exclude: { file, name }, limit: Number.POSITIVE_INFINITY });
    const got = compact.query(CompactGeneIndex.queryOf(protein), { exclude: compact.geneNumber(file, name), limit: Number.POSITIVE_INFINITY });
    const classes = (matches: { file: string; name: string; class: SimilarityClass }[]) => new Map(matches.map((m) => [`${m.file}#${m.name}`, m.class]));
    const a = classes(want);
    const b = classes(got);
    const equivalent = (m: Map<string, SimilarityClass>) => [...m].filter(([, c]) => c === 'equivalent').map(([id]) => id).sort();
    assert.deepEqual(equivalent(b), equivalent(a), `equivalent matches of ${file}#${name}`);
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const step = Math.abs(classRank(a.get(id) ?? 'different') - classRank(b.get(id) ?? 'different'));
      assert.ok(step <= 1, `${file}#${name} ~ ${id}: ${a.get(id) ?? 'different'} exactly, ${b.get(id) ?? 'different'} compact`);
      if (step === 1) moved++;
      compared++;
    }
  }
  assert.ok(compared > 0);
  assert.ok(moved <= compared / 20, `${moved} of ${compared} matches moved one class`);
});

test('the index file round-trips; a flipped byte, a truncation, another version or a foreign file decode to nothing', async () => {
  const { compact, genes } = await built;
  const bytes = encodeIndex(compact);
  assert.ok(bytes.length < compact.genes * 200, `${bytes.length} bytes for ${compact.genes} genes`);
  const restored = decodeIndex(bytes)!;
  assert.ok(restored, 'decodes');
  const { file, name } = genes[10]!;
  const g = restored.geneNumber(file, name);
  assert.deepEqual(restored.query(restored.stored(g), { exclude: g }), compact.query(compact.stored(compact.geneNumber(file, name)), { exclude: compact.geneNumber(file, name) }));
  assert.equal(restored.genes, compact.genes);
  assert.deepEqual(restored.arrays.files, compact.arrays.files);
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 100]! ^= 0xff;
  assert.equal(decodeIndex(flipped), undefined);
  assert.equal(decodeIndex(bytes.subarray(0, bytes.length - 1)), undefined);
  assert.equal(decodeIndex(Buffer.from(bytes.toString('latin1').replace('phash/', 'phash-'), 'latin1')), undefined);
  assert.equal(decodeIndex(Buffer.from('{"version":"x","files":{}}')), undefined);
  assert.equal(decodeIndex(new Uint8Array(0)), undefined);
  const empty = decodeIndex(encodeIndex(new CompactIndexBuilder().finish()))!;
  assert.equal(empty.genes, 0);
});

test('a file copied from a previous index keeps its genes and answers the same queries', async () => {
  const { compact } = await built;
  const builder = new CompactIndexBuilder();
  for (let f = compact.files - 1; f >= 0; f--) builder.copyFile(compact, f, f);
  const copy = builder.finish();
  assert.deepEqual(copy.arrays.files, compact.arrays.files);
  assert.deepEqual(copy.arrays.shallow, compact.arrays.shallow);
  assert.deepEqual(copy.arrays.names, compact.arrays.names);
});
