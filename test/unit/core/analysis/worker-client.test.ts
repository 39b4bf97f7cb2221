import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnalysisWorker } from '../../../../src/core/analysis/worker-client';
import { repoRoot } from '../../../support/repo';

test('the built analysis worker answers on its own thread and has WebAssembly', async () => {
  const worker = new AnalysisWorker(join(repoRoot, 'dist', 'analysis-worker.js'));
  try {
    const description = await worker.describe();
    assert.equal(description.webAssembly, true);
    assert.notEqual(description.threadId, 0, 'the worker must not run on the main thread');
    assert.equal(description.node, process.version);
  } finally {
    await worker.dispose();
  }
});

test('a worker that dies fails its pending request instead of hanging, and the next call starts a new one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-worker-'));
  const crashing = join(dir, 'crash.js');
  writeFileSync(crashing, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));");
  const worker = new AnalysisWorker(crashing);
  try {
    await assert.rejects(worker.describe(), /exited with code 3/);
    await assert.rejects(worker.describe(), /exited with code 3/);
  } finally {
    await worker.dispose();
  }
});

const SAMPLE = join(repoRoot, 'test', 'fixtures', 'void-sample', 'src', 'vs', 'base', 'common', 'numbers.ts');

test('the worker analyses a real file: genes, purity, compiled CIDs, verification and protein hashes', async () => {
  const worker = new AnalysisWorker(join(repoRoot, 'dist', 'analysis-worker.js'));
  try {
    const text = readFileSync(SAMPLE, 'utf8');
    const analysis = await worker.call('analyze', { fileName: SAMPLE, text, features: { compile: true, verify: true, proteinHash: true }, randomInputs: 20 }).result;
    const byName = new Map(analysis.genes.map((g) => [g.gene.name, g]));
    assert.equal(byName.get('clamp')?.gene.purity, 'pure');
    assert.equal(byName.get('jitter')?.gene.purity, 'impure');
    const clamp = byName.get('clamp')?.compile;
    assert.match(clamp?.verdict === 'ok' ? clamp.cid : '', /^bafkrei/);
    assert.equal(byName.get('clamp')?.verify?.verdict, 'ok');
    assert.equal(byName.get('clamp')?.verify?.mismatches.length, 0);
    assert.equal(byName.get('clamp')?.protein?.digest, byName.get('clampValue')?.protein?.digest, 'the renamed clone has the same digest');
    assert.equal(byName.get('jitter')?.compile, undefined, 'impure genes are not compiled');
  } finally {
    await worker.dispose();
  }
});

test('the worker runs a gene as WebAssembly and JavaScript and reports the match', async () => {
  const worker = new AnalysisWorker(join(repoRoot, 'dist', 'analysis-worker.js'));
  try {
    const text = readFileSync(SAMPLE, 'utf8');
    const response = await worker.call('run', { fileName: SAMPLE, text, selector: 'clamp', inputs: [[5, 0, 3], ['NaN', 0, 1]], maxFuel: 1000, maxTimeMs: 1000 }).result;
    assert.ok(response.ok);
    assert.deepEqual(response.results.map((r) => [r.value, r.js, r.match]), [[3, 3, true], ['NaN', 'NaN', true]]);
    const refused = await worker.call('run', { fileName: SAMPLE, text, selector: 'jitter', inputs: [[1]], maxFuel: 1000, maxTimeMs: 1000 }).result;
    assert.equal(refused.ok, false);
    // Strings and arrays (the editor's JSON form) are read by each parameter's type: "NaN" stays text in a string.
    const typed = 'export function label(name: string, sizes: number[]): string { let n = 0; for (const s of sizes) n += s; return n > 1 ? name : name + "!"; }\n';
    const labelled = await worker.call('run', { fileName: 'typed.ts', text: typed, selector: 'label', inputs: [['NaN', [1, '-0', 2]], ['x', []]], maxFuel: 10_000, maxTimeMs: 1000 }).result;
    assert.ok(labelled.ok, JSON.stringify(labelled));
    assert.deepEqual(labelled.results.map((r) => [r.value, r.match]), [['NaN', true], ['x!', true]]);
  } finally {
    await worker.dispose();
  }
});

test('a cancelled analysis stops early and says so', async () => {
  const worker = new AnalysisWorker(join(repoRoot, 'dist', 'analysis-worker.js'));
  try {
    const text = Array.from({ length: 3000 }, (_, i) => `export function f${i}(a: number, b: number): number { return a * ${i} + b; }`).join('\n');
    const call = worker.call('analyze', { fileName: 'big.ts', text, features: { compile: true, verify: true, proteinHash: false } });
    call.cancel();
    const analysis = await call.result;
    assert.ok(analysis.errors.some((e) => e.code === 'cancelled'), JSON.stringify(analysis.errors));
  } finally {
    await worker.dispose();
  }
});
