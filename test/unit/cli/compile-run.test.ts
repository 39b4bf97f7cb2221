import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileCommand } from '../../../src/cli/commands/compile';
import { createRunCommand } from '../../../src/cli/commands/run';
import { UsageError } from '../../../src/cli/command';
import { distFile, repoRoot } from '../../support/repo';

const workspace = join(repoRoot, 'test/fixtures/void-sample');
const context = { workspace, respectFlags: false, log: () => {} };
const runCommand = createRunCommand({ workerScript: distFile('sandbox-worker.js'), childScript: distFile('sandbox-child.js') });
const cacheDir = mkdtempSync(join(tmpdir(), 'chimera-run-cache-'));
/** Every run keeps its modules in a temporary cache, never in the user's. */
const run = (ctx: typeof context, options: Record<string, unknown>, positionals: string[]) => runCommand.run(ctx, { cache: cacheDir, ...options }, positionals);
const numbers = 'src/vs/base/common/numbers.ts';
const easing = 'src/vs/editor/common/easing.ts';

test('compile prints the CID, size, exports and verdict of a fixture gene and writes the module with --out', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'chimera-compile-')), 'clamp.wasm');
  const result = await compileCommand.run(context, { out }, [numbers, 'clamp']);
  const data = result.data as { cid: string; bytes: string; wasmSize: number; exports: string[]; verdict: string; reason: null };
  assert.equal(result.exitCode, 0);
  assert.equal(data.verdict, 'ok');
  assert.match(data.cid, /^bafkrei[a-z2-7]{52}$/);
  assert.equal(data.wasmSize, readFileSync(out).length);
  assert.equal(Buffer.from(data.bytes, 'base64').length, data.wasmSize);
  assert.deepEqual(data.exports, ['clamp', 'chimera_fuel', 'chimera_status']);
  assert.ok(WebAssembly.validate(readFileSync(out)));
});

test('compile selects a gene by @LINE and answers unsupported for an impure gene', async () => {
  const byLine = await compileCommand.run(context, {}, [easing, '@18']);
  assert.deepEqual((byLine.data as { exports: string[] }).exports.slice(0, 1), ['fibonacci']);
  const impure = await compileCommand.run(context, {}, [easing, 'tracedLerp']);
  assert.equal(impure.exitCode, 1);
  assert.equal((impure.data as { verdict: string }).verdict, 'unsupported');
});

test('run compares WASM and JavaScript for one tuple, with NaN, -0 and Infinity spelled as strings', async () => {
  const result = await run(context, {}, [numbers, 'clamp', '-0', '-0', '5']);
  assert.equal(result.exitCode, 0);
  const { results, cache, memoryBytes, ...single } = result.data as { results: unknown[]; cache: string; memoryBytes: number };
  assert.deepEqual({ ...single, ms: 0, cid: '' }, { verdict: 'ok', value: '-0', js: '-0', match: true, cid: '', fuel: 1, ms: 0 });
  assert.equal(results.length, 1);
  assert.ok(cache === 'hit' || cache === 'miss');
  assert.equal(memoryBytes, 0, 'a compiled gene has no linear memory');
  const nan = await run(context, {}, [numbers, 'clamp', 'NaN', '0', 'Infinity']);
  assert.equal((nan.data as { value: unknown }).value, 'NaN');
  const inside = await run(context, {}, [numbers, 'isPointWithinTriangle', '0.2', '0.2', '0', '0', '1', '0', '0', '1']);
  assert.equal((inside.data as { value: unknown }).value, true);
});

test('run --inputs runs every tuple and models a short tuple as a JavaScript call would', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-run-'));
  const source = join(dir, 'gene.ts');
  writeFileSync(source, 'export function scale(x: number, factor = 2): number { return x * factor; }\n');
  const inputs = join(dir, 'inputs.json');
  writeFileSync(inputs, JSON.stringify([[3], [3, 10], ['-Infinity', '-0'], []]));
  const result = await run({ ...context, workspace: dir }, { inputs }, ['gene.ts', 'scale']);
  const results = (result.data as { results: { verdict: string; value?: unknown; match?: boolean }[] }).results;
  assert.deepEqual(results.slice(0, 3).map((r) => [r.verdict, r.value, r.match]), [['ok', 6, true], ['ok', 30, true], ['ok', 'NaN', true]]);
  assert.equal(results[3]!.verdict, 'unsupported');
  assert.equal(result.exitCode, 1);
});

test('run --inputs takes JSON strings for string parameters and answers strings through the sandbox, with the arena memory as memoryBytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-run-'));
  writeFileSync(join(dir, 'gene.ts'), "export function greet(name: string, loud: boolean): string { return `Hello, ${name.trim()}${loud ? '!' : '.'}`; }\nexport function grow(s: string, n: number): string { let r = s; for (let i = 0; i < n; i++) r = r + r; return r; }\n");
  const inputs = join(dir, 'inputs.json');
  writeFileSync(inputs, JSON.stringify([[' wörld 😀 ', true], ['NaN', false], ['\ud800', false]]));
  const result = await run({ ...context, workspace: dir }, { inputs }, ['gene.ts', 'greet']);
  const data = result.data as { results: { verdict: string; value?: unknown; match?: boolean }[]; memoryBytes: number };
  assert.deepEqual(data.results.map((r) => [r.verdict, r.value, r.match]), [['ok', 'Hello, wörld 😀!', true], ['ok', 'Hello, NaN.', true], ['ok', 'Hello, \ud800.', true]]);
  assert.ok(data.memoryBytes >= 65_536, `memoryBytes ${data.memoryBytes}`);
  const tooBig = await run({ ...context, workspace: dir }, { 'max-memory': '1048576', fuel: '1000000000' }, ['gene.ts', 'grow', 'ab', '40']);
  assert.equal((tooBig.data as { verdict: string }).verdict, 'memory-limit');
});

test('run --inputs takes JSON arrays (special numbers as strings) and answers arrays in the same form; the command line takes JSON text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-run-'));
  writeFileSync(join(dir, 'gene.ts'), 'export function signs(a: number[]): number[] { const r: number[] = []; for (const x of a) r.push(-x); return r; }\nexport function pick(a: string[], i: number): string { return a[i]; }\n');
  const inputs = join(dir, 'inputs.json');
  writeFileSync(inputs, JSON.stringify([[[1, 'NaN', '-0', 'Infinity']], [[]]]));
  const result = await run({ ...context, workspace: dir }, { inputs }, ['gene.ts', 'signs']);
  const data = result.data as { results: { verdict: string; value?: unknown; js?: unknown; match?: boolean }[] };
  assert.deepEqual(data.results.map((r) => [r.verdict, r.value, r.js, r.match]), [['ok', [-1, 'NaN', 0, '-Infinity'], [-1, 'NaN', 0, '-Infinity'], true], ['ok', [], [], true]]);
  const picked = await run({ ...context, workspace: dir }, {}, ['gene.ts', 'pick', '["a","NaN"]', '1']);
  assert.deepEqual((picked.data as { value: unknown }).value, 'NaN');
  const past = await run({ ...context, workspace: dir }, {}, ['gene.ts', 'pick', '[]', '3']);
  assert.equal((past.data as { value: unknown }).value, null);
  await assert.rejects(run({ ...context, workspace: dir }, {}, ['gene.ts', 'signs', '[1, true]']), UsageError);
});

test('run stops a gene that never ends with out-of-fuel', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-run-'));
  writeFileSync(join(dir, 'spin.ts'), 'export function spin(x: number): number { while (true) { x++; } }\n');
  const result = await run({ ...context, workspace: dir }, { fuel: '1000' }, ['spin.ts', 'spin', '1']);
  assert.equal((result.data as { verdict: string }).verdict, 'out-of-fuel');
  assert.equal(result.exitCode, 1);
});

test('run refuses arguments that are not numbers or booleans as a usage error', async () => {
  await assert.rejects(run(context, {}, [numbers, 'clamp', 'banana', '0', '1']), UsageError);
});

test('run stores the compiled module by CID under <cache>/modules: a miss, then a hit for unchanged source, nothing in the workspace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-run-'));
  const cache = mkdtempSync(join(tmpdir(), 'chimera-run-store-'));
  writeFileSync(join(dir, 'gene.ts'), 'export function twice(x: number): number { return 2 * x; }\n');
  const first = await runCommand.run({ ...context, workspace: dir }, { cache }, ['gene.ts', 'twice', '21']);
  const second = await runCommand.run({ ...context, workspace: dir }, { cache }, ['gene.ts', 'twice', '4']);
  const data = (r: typeof first) => r.data as { value: number; cid: string; cache: string; memoryBytes: number };
  assert.deepEqual([data(first).value, data(first).cache, data(second).value, data(second).cache], [42, 'miss', 8, 'hit']);
  assert.deepEqual(readdirSync(join(cache, 'modules', 'blocks')), [data(first).cid]);
  assert.deepEqual(readdirSync(dir), ['gene.ts']);
  const batch = await runCommand.run({ ...context, workspace: dir }, { cache, inputs: writeInputs([[1], [2]]) }, ['gene.ts', 'twice']);
  assert.deepEqual(Object.keys(batch.data as object).sort(), ['cache', 'memoryBytes', 'results']);
  assert.equal((batch.data as { cache: string }).cache, 'hit');
});

test('run obeys the time limit through the sandbox: a call over --max-time is a timeout, not a hang', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-run-'));
  writeFileSync(join(dir, 'spin.ts'), 'export function spin(x: number): number { while (true) { x++; } }\n');
  const result = await run({ ...context, workspace: dir }, { fuel: '100000000000', 'max-time': '200' }, ['spin.ts', 'spin', '1']);
  assert.equal((result.data as { verdict: string }).verdict, 'timeout');
  assert.equal(existsSync(join(dir, '.chimera')), false);
});

function writeInputs(tuples: number[][]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'chimera-inputs-')), 'inputs.json');
  writeFileSync(path, JSON.stringify(tuples));
  return path;
}

test('compile and run say when a plain-JS gene is compiled for number arguments, and -0/NaN still decode by the inferred type', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-plain-js-'));
  writeFileSync(join(dir, 'ease.js'), '/** @param {number} t */\nexport function ease(t, power) { return t < 0.5 ? Math.pow(2 * t, power) / 2 : 1 - Math.pow(2 - 2 * t, power) / 2; }\n');
  const local = { ...context, workspace: dir };
  const compiled = await compileCommand.run(local, {}, ['ease.js', 'ease']);
  const data = compiled.data as { verdict: string; specialisation: { note: string; inferred: unknown[] } };
  assert.equal(data.verdict, 'ok');
  assert.deepEqual(data.specialisation, { note: 'compiled for number arguments', inferred: [{ name: 't', type: 'number', from: 'jsdoc' }, { name: 'power', type: 'number', from: 'use' }] });
  assert.match(compiled.text, /compiled for number arguments \(inferred: t from JSDoc, power from its uses\)/);
  const result = await run(local, {}, ['ease.js', 'ease', '-0', 'NaN']);
  const single = result.data as { verdict: string; value: unknown; match: boolean; specialisation: { note: string } };
  assert.equal(result.exitCode, 0);
  assert.deepEqual([single.verdict, single.value, single.match], ['ok', 'NaN', true]);
  assert.equal(single.specialisation.note, 'compiled for number arguments');
});
