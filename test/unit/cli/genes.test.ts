import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FileGenes } from '../../../src/core/genes';
import { cliPath, repoRoot } from '../../support/repo';

const crossFile = join(repoRoot, 'test/fixtures/genes/labelled/cross-file');

function genes(...args: string[]) {
  const result = spawnSync(process.execPath, [cliPath, '--json', 'genes', ...args], { encoding: 'utf8', cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, doc: JSON.parse(result.stdout.trim().split('\n').pop()!) as { files?: FileGenes[]; error?: { message: string } } };
}

test('genes --workspace DIR decides imported calls from the other files, naming the file and line in the reason', () => {
  const { code, doc } = genes(join(crossFile, 'app.ts'), '--workspace', crossFile);
  assert.equal(code, 0);
  const isEmptyLine = doc.files![0]!.genes.find((g) => g.name === 'isEmptyLine')!;
  assert.equal(isEmptyLine.purity, 'pure');
  assert.deepEqual(isEmptyLine.reasons[0]!.target, { file: 'lib/strings.ts', line: 14, name: 'isFalsyOrWhitespace' });
  const alone = genes(join(crossFile, 'app.ts')).doc.files![0]!.genes.find((g) => g.name === 'isEmptyLine')!;
  assert.equal(alone.purity, 'impure');
});

test('genes --workspace that is not a folder is a usage error', () => {
  const { code, doc } = genes(join(crossFile, 'app.ts'), '--workspace', join(crossFile, 'app.ts'));
  assert.equal(code, 2);
  assert.match(doc.error?.message ?? '', /is not a folder/);
});
