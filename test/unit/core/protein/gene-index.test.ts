import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeFile } from '../../../../src/core/analysis/pipeline';
import { WorkspaceGeneIndex, contentHash } from '../../../../src/core/protein/gene-index';
import { repoRoot } from '../../../support/repo';

const common = join(repoRoot, 'test', 'fixtures', 'void-sample', 'src', 'vs', 'base', 'common');

async function hashed(file: string) {
  const text = readFileSync(join(common, file), 'utf8');
  return { text, analysis: await analyzeFile({ fileName: file, text, features: { compile: false, verify: false, proteinHash: true } }) };
}

test('the workspace index finds clones across files and skips files whose content did not change', async () => {
  const index = new WorkspaceGeneIndex();
  for (const file of ['numbers.ts', 'hash.ts']) {
    const { text, analysis } = await hashed(file);
    assert.equal(index.isStale(file, contentHash(text)), true);
    index.update(file, contentHash(text), analysis);
    assert.equal(index.isStale(file, contentHash(text)), false);
  }
  const { analysis } = await hashed('hash.ts');
  const numberHash = analysis.genes.find((g) => g.gene.name === 'numberHash')!.protein!;
  const matches = index.query(numberHash, { exclude: { file: 'hash.ts', name: 'numberHash' } });
  assert.deepEqual(matches[0] && [matches[0].file, matches[0].name, matches[0].class], ['hash.ts', 'combineHash', 'equivalent']);
  assert.ok(!matches.some((m) => m.name === 'numberHash'), 'the query gene itself is left out');
});

test('the index persists and restores; another protein version or garbage gives an empty index, never stale vectors', async () => {
  const index = new WorkspaceGeneIndex();
  const { text, analysis } = await hashed('numbers.ts');
  index.update('numbers.ts', contentHash(text), analysis);
  const restored = WorkspaceGeneIndex.restore(JSON.parse(JSON.stringify(index)));
  assert.equal(restored.size, index.size);
  assert.equal(restored.isStale('numbers.ts', contentHash(text)), false);
  const clamp = analysis.genes.find((g) => g.gene.name === 'clamp')!.protein!;
  assert.deepEqual(restored.query(clamp, { exclude: { file: 'numbers.ts', name: 'clamp' } }).map((m) => m.name).slice(0, 1), ['clampValue']);
  assert.equal(WorkspaceGeneIndex.restore({ ...index.toJSON(), version: 'phash/v0+pvec/v0' }).size, 0);
  assert.equal(WorkspaceGeneIndex.restore('not an index').size, 0);
  index.retain(new Set());
  assert.equal(index.size, 0, 'deleted files leave the index');
});
