import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildIndex, loadIndex, queryIndex } from '../../../../src/core/analysis/workspace-index';
import { buildHeldIndex, queryHeldIndex } from '../../../../src/core/analysis/index-host';
import { repoRoot } from '../../../support/repo';

const workerScript = join(repoRoot, 'dist', 'analysis-worker.js');

function workspace(): { root: string; indexFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'chimera-index-'));
  cpSync(join(repoRoot, 'test', 'fixtures', 'void-sample'), root, { recursive: true });
  return { root, indexFile: join(root, '.chimera', 'index', 'genes.idx') };
}

test('the index is built on the pool, refreshed by content hash, persisted, and queried by FILE#NAME', async () => {
  const { root, indexFile } = workspace();
  const first = await buildIndex({ workspace: root, indexFile, workerScript, jobs: 2 });
  assert.ok(!('error' in first));
  assert.equal(first.files, 3);
  assert.equal(first.analysed, 3);
  assert.equal(first.reused, 0);
  assert.ok(first.genes > 10);
  assert.equal(first.bytes, readFileSync(indexFile).length);
  const matches = queryIndex(first.index, 'src/vs/base/common/hash.ts', 'numberHash');
  assert.deepEqual(matches?.[0] && [matches[0].file, matches[0].name, matches[0].class], ['src/vs/base/common/hash.ts', 'combineHash', 'equivalent']);
  assert.equal(queryIndex(first.index, 'src/vs/base/common/hash.ts', 'noSuchGene'), undefined);

  const numbers = join(root, 'src', 'vs', 'base', 'common', 'numbers.ts');
  writeFileSync(numbers, `${readFileSync(numbers, 'utf8')}\nexport function twice(x: number): number { return x * 2; }\n`);
  const second = await buildIndex({ workspace: root, indexFile, workerScript, jobs: 2 });
  assert.ok(!('error' in second));
  assert.deepEqual([second.analysed, second.reused, second.genes], [1, 2, first.genes + 1]);
  const restored = await loadIndex(indexFile);
  assert.equal(restored?.geneNumber('src/vs/base/common/numbers.ts', 'twice') !== -1, true, 'the persisted index has the new gene');
});

test('a corrupt index file is rebuilt, never a crash; the file limit is reported; a cancelled build keeps what it did', async () => {
  const { root, indexFile } = workspace();
  await buildIndex({ workspace: root, indexFile, workerScript, jobs: 1 });
  const bytes = readFileSync(indexFile);
  bytes[bytes.length - 10]! ^= 0xff;
  writeFileSync(indexFile, bytes);
  assert.equal(await loadIndex(indexFile), undefined);
  const rebuilt = await buildIndex({ workspace: root, indexFile, workerScript, jobs: 1, maxFiles: 2 });
  assert.ok(!('error' in rebuilt));
  assert.equal(rebuilt.analysed, 2);
  assert.deepEqual(rebuilt.limited, { found: 3, limit: 2 });
  const cancelledRun = await buildIndex({ workspace: mkdtempSync(join(tmpdir(), 'chimera-index-empty-')), indexFile: join(root, 'other.idx'), workerScript, cancellation: { isCancellationRequested: true } });
  assert.ok(!('error' in cancelledRun));
  assert.equal(cancelledRun.cancelled, true);
  assert.equal(cancelledRun.files, 0);
});

test('the worker-held index reports progress in shared memory and answers a query from the persisted file after a restart', async () => {
  const { root, indexFile } = workspace();
  const fresh = await queryHeldIndex({ indexFile, file: 'x.ts', name: 'f', protein: { digest: 'd', vector: new Array(256).fill(0) } });
  assert.equal(fresh.ready, false);
  const progress = new SharedArrayBuffer(8);
  const summary = await buildHeldIndex({ workspace: root, indexFile, workerScript, excludes: [], maxFiles: 100, jobs: 1, progress }, { isCancellationRequested: false });
  assert.ok(summary.ok);
  assert.deepEqual([...new Int32Array(progress)], [3, 3]);
  const stored = (await loadIndex(indexFile))!;
  const g = stored.geneNumber('src/vs/base/common/hash.ts', 'numberHash');
  const protein = stored.stored(g);
  const answer = await queryHeldIndex({ indexFile, file: 'src/vs/base/common/hash.ts', name: 'numberHash', protein: { digest: 'unused', vector: Array.from(protein.vector) } });
  assert.equal(answer.ready, true);
  assert.equal(answer.matches[0]?.name, 'combineHash');
});
