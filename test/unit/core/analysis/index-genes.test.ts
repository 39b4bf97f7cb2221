import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { indexGenes } from '../../../../src/core/analysis/index-genes';
import { analyzeFile } from '../../../../src/core/analysis/pipeline';
import { geneBlock } from '../../../../src/core/protein/compact-index';
import { corpusFiles } from '../../../../bench/genes-corpus';
import { repoRoot } from '../../../support/repo';

/** VS Code's base/common and rxjs (real code), a file with a syntax error, twins and a deeply nested file. */
const files = [
  ...corpusFiles(),
  join(repoRoot, 'test', 'fixtures', 'genes', 'bad', 'syntax-error.ts'),
  join(repoRoot, 'test', 'fixtures', 'genes', 'bad', 'unicode.ts'),
  join(repoRoot, 'test', 'fixtures', 'protein', 'twins.ts'),
];

test('the index worker finds the genes the full analysis finds, with the same names, lines and protein hashes', async () => {
  let genes = 0;
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    const analysis = await analyzeFile({ fileName: path, text, features: { compile: false, verify: false, proteinHash: true } });
    const want = geneBlock(analysis.genes.flatMap((g) => (g.protein ? [{ name: g.gene.name, line: g.gene.line, ...g.protein }] : [])));
    const got = indexGenes({ fileName: path, text });
    assert.ok(got.ok, path);
    assert.deepEqual(got.block, want, path);
    genes += got.block.names.length;
  }
  assert.ok(genes > 2000, `a real corpus (${genes} genes)`);
});

test('a cancelled or expired index analysis says so instead of giving a partial block; a file too large has no genes', () => {
  const text = readFileSync(files[0]!, 'utf8');
  const cancelled = indexGenes({ fileName: 'a.ts', text, cancellation: { isCancellationRequested: true } });
  assert.deepEqual(cancelled.ok ? 'ok' : cancelled.stopped.code, 'cancelled');
  const expired = indexGenes({ fileName: 'a.ts', text, deadline: Date.now() - 1 });
  assert.deepEqual(expired.ok ? 'ok' : expired.stopped.code, 'budget-exceeded');
  const huge = indexGenes({ fileName: 'a.ts', text: `function f() { return 1; }\n${' '.repeat(3 * 1024 * 1024)}` });
  assert.deepEqual(huge.ok && huge.block.names, []);
});
