import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { assembleFixture } from '../../../wasm/fixtures';
import { distFile, repoRoot } from '../../support/repo';

const cli = distFile('cli.js');
const dir = mkdtempSync(join(tmpdir(), 'chimera-exec-'));
const modules: Record<string, string> = {};

before(async () => {
  for (const name of ['add', 'i64', 'multi-value', 'infinite-loop', 'env-fetch', 'traps']) {
    modules[name] = join(dir, `${name}.wasm`);
    writeFileSync(modules[name]!, await assembleFixture(repoRoot, name));
  }
});

function chimera(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) as Record<string, unknown> };
}

test('exec prints ok and the value, exit 0', () => {
  const run = chimera('exec', modules.add!, 'add', '1.5', '2.25');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ok 3\.75/);
});

test('exec --json writes special doubles as strings', () => {
  const run = chimera('--json', 'exec', modules.add!, 'add', 'NaN', '--', '-0');
  assert.equal(run.code, 0);
  const doc = run.json();
  assert.equal(doc.verdict, 'ok');
  assert.equal(doc.value, 'NaN');
  const negativeZero = chimera('--json', 'exec', modules.add!, 'add', '--', '-0', '-0').json();
  assert.equal(negativeZero.value, '-0');
  const infinity = chimera('--json', 'exec', modules['multi-value']!, 'swap', '1', '--', '-Infinity').json();
  assert.deepEqual(infinity.value, ['-Infinity', 1]);
});

test('i64 parameters take 7 or 7n, and i64 results print with an n suffix', () => {
  const doc = chimera('--json', 'exec', modules.i64!, 'mul', '6', '7n').json();
  assert.equal(doc.value, '42n');
});

test('--inputs runs a batch and reports one result per input', () => {
  const inputs = join(dir, 'inputs.json');
  writeFileSync(inputs, JSON.stringify([[1, 2], ['NaN', 0], ['Infinity', '-Infinity']]));
  const doc = chimera('--json', 'exec', modules.add!, 'add', '--inputs', inputs).json();
  assert.deepEqual((doc.results as { value: unknown }[]).map((r) => r.value), [3, 'NaN', 'NaN']);
});

test('a guest failure exits 1 with its verdict: timeout, forbidden import, trap', () => {
  const timeout = chimera('--json', 'exec', modules['infinite-loop']!, 'spin', '1', '--max-time', '200');
  assert.equal(timeout.code, 1);
  assert.equal(timeout.json().verdict, 'timeout');
  const fetch = chimera('--json', 'exec', modules['env-fetch']!, 'f');
  assert.equal(fetch.code, 1);
  assert.deepEqual(fetch.json().violation, { kind: 'forbidden-import', import: 'env.fetch' });
  const trap = chimera('--json', 'exec', modules.traps!, 'unreachable');
  assert.equal(trap.code, 1);
  assert.equal(trap.json().trap, 'unreachable');
});

test('usage mistakes exit 2: missing export, wrong arity, bad number, bad limit, unavailable engine', () => {
  for (const args of [
    ['exec', modules.add!],
    ['exec', modules.add!, 'add', '1'],
    ['exec', modules.add!, 'add', '1', 'x'],
    ['exec', modules.add!, 'add', '1', '2', '--max-memory', '16Mi'],
    ['exec', modules.add!, 'add', '1', '2', '--max-time', '0'],
    ['exec', modules.add!, 'add', '1', '2', '--engines', 'v8,wasmtime'],
    ['exec', join(dir, 'missing.wasm'), 'add'],
  ]) {
    const run = chimera(...args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`);
    assert.equal(run.stdout, '');
  }
});

test('--max-memory accepts units and refuses a module over it', () => {
  const doc = chimera('--json', 'exec', modules.traps!, 'unreachable', '--max-memory', '32KiB').json();
  assert.equal(doc.verdict, 'memory-limit');
  assert.equal((doc.limits as { maxMemoryBytes: number }).maxMemoryBytes, 32 * 1024);
});
