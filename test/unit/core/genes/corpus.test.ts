import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { extractGenes } from '../../../../src/core/genes';
import { genesCommand } from '../../../../src/cli/commands/genes';
import { corpusFiles } from '../../../../bench/genes-corpus';
import { repoRoot } from '../../../support/repo';

const DEEP = 2000;

// Inside the worker: the analysis worker's setting (a larger stack for the TypeScript parser) and 2,000-deep code.
if (!isMainThread && (workerData as { deep?: boolean } | null)?.deep) {
  const shapes = {
    arrows: `export const f = ${'(x: number) => '.repeat(DEEP)}1;`,
    functions: `${'function f(a: number) { '.repeat(DEEP)}return a;${' }'.repeat(DEEP)}`,
    blocks: `export function f(a: number) { ${'if (a) { '.repeat(DEEP)}a++;${' }'.repeat(DEEP)} return a; }`,
    objects: `export const o = ${'{ m: '.repeat(DEEP)}(k: number) => k${' }'.repeat(DEEP)};`,
  };
  const report = Object.entries(shapes).map(([shape, source]) => {
    const result = extractGenes(`${shape}.ts`, source);
    return { shape, genes: result.genes.length, errors: result.errors, pure: result.genes.every((g) => g.purity === 'pure') };
  });
  parentPort!.postMessage(report);
} else {
  test('every benchmark corpus file (monaco-editor base/common, rxjs src) analyses without error', () => {
    const files = corpusFiles(repoRoot);
    assert.ok(files.length >= 300, `corpus has ${files.length} files`);
    let genes = 0;
    for (const file of files) {
      const result = extractGenes(file, readFileSync(file, 'utf8'));
      assert.deepEqual(result.errors, [], file);
      assert.deepEqual(result.skipped, [], file);
      for (const g of result.genes) assert.ok(g.start < g.end && g.line <= g.endLine, `${file}: ${g.name}`);
      genes += result.genes.length;
    }
    assert.ok(genes > 2000, `found ${genes} genes`);
  });

  test('2,000-deep nesting analyses in a worker with the analysis stack size, without overflowing our walkers', async () => {
    const worker = new Worker(__filename, { workerData: { deep: true }, resourceLimits: { stackSizeMb: 32 } });
    const report = await new Promise<{ shape: string; genes: number; errors: unknown[]; pure: boolean }[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    for (const { shape, genes, errors, pure } of report) {
      assert.deepEqual(errors, [], shape);
      assert.equal(genes, shape === 'arrows' || shape === 'functions' ? DEEP : 1, shape);
      if (shape !== 'blocks') assert.ok(pure, `${shape}: all pure`);
    }
  });

  test('chimera genes: the issue JSON shape, exit 0 with impure genes, exit 2 on unreadable or non-UTF-8 files', async () => {
    const fixture = join(repoRoot, 'test', 'fixtures', 'genes', 'labelled', 'math.ts');
    const context = { workspace: repoRoot, respectFlags: false, log: () => undefined };
    const ok = await genesCommand.run(context, {}, [fixture]);
    assert.equal(ok.exitCode, 0);
    const [file] = (ok.data as { files: Record<string, unknown>[] }).files;
    assert.deepEqual(Object.keys(file!), ['file', 'genes', 'skipped', 'errors']);
    const genes = file!.genes as Record<string, unknown>[];
    for (const key of ['id', 'name', 'kind', 'line', 'column', 'endLine', 'endColumn', 'purity', 'mayThrow', 'numeric', 'params', 'returns', 'reasons']) assert.ok(key in genes[0]!, key);
    assert.ok(genes.some((g) => g.purity === 'impure'));
    assert.match(ok.text, /clamp \(function\)\s+pure · numeric/);
    assert.match(ok.text, /randFloat \(function\)\s+impure: uses Math.random, which is not deterministic, line \d+/);

    const missing = await genesCommand.run(context, {}, [join(repoRoot, 'no-such-file.ts')]);
    assert.equal(missing.exitCode, 2);
    assert.equal((missing.data as { files: { errors: { code: string }[] }[] }).files[0]!.errors[0]!.code, 'unreadable');

    const tooLarge = await genesCommand.run(context, { 'max-bytes': '10' }, [fixture]);
    assert.equal(tooLarge.exitCode, 0);
    assert.match(tooLarge.text, /error too-large/);
    await assert.rejects(genesCommand.run(context, {}, []), /at least one file/);
    await assert.rejects(genesCommand.run(context, { 'max-bytes': 'lots' }, [fixture]), /--max-bytes/);
  });
}
