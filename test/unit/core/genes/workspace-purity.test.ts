import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import type { FileGenes, Gene } from '../../../../src/core/genes';
import { WorkspacePurity } from '../../../../src/core/genes/workspace-purity';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'chimera-ws-'));
  roots.push(root);
  write(root, files);
  return root;
}

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

function gene(result: FileGenes, name: string): Gene {
  const found = result.genes.find((g) => g.name === name);
  assert.ok(found, `no gene ${name} in ${result.genes.map((g) => g.name).join(', ')}`);
  return found;
}

const STRINGS = `export function isFalsyOrWhitespace(s: string | undefined): boolean {\n  return !s || s.trim().length === 0;\n}\n`;

test('a call to a pure function of another file is pure, with a reason naming the file, line and function', () => {
  const root = workspace({ 'src/strings.ts': STRINGS, 'src/app.ts': `import { isFalsyOrWhitespace } from './strings.js';\nexport function blank(s: string) { return isFalsyOrWhitespace(s); }\n` });
  const result = new WorkspacePurity({ root }).analyse(join(root, 'src/app.ts'));
  const blank = gene(result.genes, 'blank');
  assert.equal(blank.purity, 'pure');
  assert.deepEqual(blank.reasons.map((r) => [r.code, r.message, r.target]), [['imported-pure', 'calls isFalsyOrWhitespace (src/strings.ts:1), pure', { file: 'src/strings.ts', line: 1, name: 'isFalsyOrWhitespace' }]]);
  assert.deepEqual(result.dependencies, [{ file: join(root, 'src/strings.ts'), digest: createHash('sha256').update(STRINGS).digest('hex') }]);
});

test('each file resolves with its nearest tsconfig.json: paths aliases of a nested project, none above the workspace', () => {
  const root = workspace({
    'src/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', baseUrl: '.', paths: { 'vs/*': ['./vs/*'] } } }),
    'src/package.json': '{ "type": "module" }',
    'src/vs/base/strings.ts': STRINGS,
    'src/vs/app.ts': `import { isFalsyOrWhitespace } from 'vs/base/strings.js';\nexport function blank(s: string) { return isFalsyOrWhitespace(s); }\n`,
    'other/app.ts': `import { isFalsyOrWhitespace } from 'vs/base/strings.js';\nexport function blank(s: string) { return isFalsyOrWhitespace(s); }\n`,
  });
  const purity = new WorkspacePurity({ root });
  assert.equal(gene(purity.analyse(join(root, 'src/vs/app.ts')).genes, 'blank').purity, 'pure');
  const outside = gene(purity.analyse(join(root, 'other/app.ts')).genes, 'blank');
  assert.equal(outside.purity, 'impure');
  assert.match(outside.reasons[0]!.message, /cannot be resolved/);
});

test('impurity travels across files with its cause: Date.now two calls down', () => {
  const root = workspace({
    'clock.ts': 'export function now() { return Date.now(); }\nexport function elapsed(since: number) { return now() - since; }\n',
    'time.ts': `import { elapsed } from './clock';\nexport function isStale(since: number) { return elapsed(since) > 1000; }\n`,
    'app.ts': `import { isStale } from './time';\nexport function isFresh(since: number) { return !isStale(since); }\n`,
  });
  const fresh = gene(new WorkspacePurity({ root }).analyse(join(root, 'app.ts')).genes, 'isFresh');
  assert.equal(fresh.purity, 'impure');
  assert.equal(fresh.reasons[0]!.code, 'calls-impure');
  assert.match(fresh.reasons[0]!.message, /isStale \(time\.ts:2\).*Date/);
});

test('editing the callee file changes the verdict and the key of the file that imports it; an unchanged tree keeps its key', () => {
  const root = workspace({ 'strings.ts': STRINGS, 'app.ts': `import { isFalsyOrWhitespace } from './strings';\nexport function blank(s: string) { return isFalsyOrWhitespace(s); }\n` });
  const purity = new WorkspacePurity({ root });
  const first = purity.analyse(join(root, 'app.ts'));
  purity.newSession();
  assert.equal(purity.analyse(join(root, 'app.ts')).key, first.key);
  write(root, { 'strings.ts': `let calls = 0;\nexport function isFalsyOrWhitespace(s: string | undefined): boolean {\n  calls++;\n  return !s;\n}\n` });
  purity.newSession();
  const second = purity.analyse(join(root, 'app.ts'));
  assert.notEqual(second.key, first.key);
  assert.equal(gene(second.genes, 'blank').purity, 'impure');
});

test('an import cycle is a fixed point: mutually recursive pure functions stay pure, an impure one makes the cycle impure, whichever file comes first', () => {
  const root = workspace({
    'even.ts': `import { isOdd } from './odd';\nexport function isEven(n: number): boolean { return n === 0 || isOdd(n - 1); }\n`,
    'odd.ts': `import { isEven } from './even';\nexport function isOdd(n: number): boolean { return n !== 0 && isEven(n - 1); }\n`,
    'a.ts': `import { b } from './b';\nexport function a(n: number): number { return n <= 0 ? 0 : b(n - 1); }\n`,
    'b.ts': `import { a } from './a';\nexport function b(n: number): number { return n <= 0 ? Math.random() : a(n - 1); }\n`,
  });
  for (const order of [['even.ts', 'odd.ts', 'a.ts', 'b.ts'], ['b.ts', 'a.ts', 'odd.ts', 'even.ts']]) {
    const purity = new WorkspacePurity({ root });
    const verdicts = Object.fromEntries(order.map((file) => [file, purity.analyse(join(root, file)).genes.genes[0]!.purity]));
    assert.deepEqual(verdicts, { 'even.ts': 'pure', 'odd.ts': 'pure', 'a.ts': 'impure', 'b.ts': 'impure' });
  }
});

test('declaration files, packages and unresolvable imports stay unknown; listed library functions are pure', () => {
  const root = workspace({
    'types.d.ts': 'export declare function f(x: number): number;\n',
    'node_modules/lib/index.ts': 'export function g(x: number) { return x; }\n',
    'node_modules/lib/package.json': '{ "name": "lib", "main": "index.ts" }',
    'app.ts': [
      `import { f } from './types';`,
      `import { g } from 'lib';`,
      `import { h } from './missing';`,
      `import { join, resolve } from 'node:path';`,
      'export function useF(x: number) { return f(x); }',
      'export function useG(x: number) { return g(x); }',
      'export function useH(x: number) { return h(x); }',
      'export function useJoin(a: string) { return join(a, "b"); }',
      'export function useResolve(a: string) { return resolve(a); }',
      '',
    ].join('\n'),
  });
  const genes = new WorkspacePurity({ root }).analyse(join(root, 'app.ts')).genes;
  assert.match(gene(genes, 'useF').reasons[0]!.message, /declaration file/);
  assert.match(gene(genes, 'useG').reasons[0]!.message, /node_modules/);
  assert.match(gene(genes, 'useH').reasons[0]!.message, /cannot be resolved/);
  assert.deepEqual(['useF', 'useG', 'useH', 'useJoin', 'useResolve'].map((name) => gene(genes, name).purity), ['impure', 'impure', 'impure', 'pure', 'impure']);
});

test('imported constants: primitives, as const, deep Object.freeze, enums and lets never reassigned read pure; reassigned lets, mutable objects and g-flag RegExps do not', () => {
  const root = workspace({
    'c.ts': [
      'export const MAX = 80;',
      "export const NAMES = ['a', 'b'] as const;",
      'export const FROZEN = Object.freeze({ a: 1 });',
      'export const TABLE = { a: 1 };',
      'export let count = 0;',
      'export let level = 0;',
      'export function setLevel(v: number) { level = v; }',
      'export const WORD = /\\w+/g;',
      'export enum Kind { A, B }',
      'export const enum Flag { X = 1 }',
      '',
    ].join('\n'),
    'app.ts': [
      `import { MAX, NAMES, FROZEN, TABLE, count, level, WORD, Kind, Flag } from './c';`,
      'export function max(x: number) { return x <= MAX; }',
      'export function names(x: string) { return NAMES.includes(x as never); }',
      'export function frozen() { return FROZEN.a; }',
      'export function kind(k: Kind) { return k === Kind.A || (k as number) === Flag.X; }',
      'export function table() { return TABLE.a; }',
      'export function counted() { return count; }',
      'export function leveled() { return level; }',
      'export function word(s: string) { return WORD.test(s); }',
      '',
    ].join('\n'),
  });
  const genes = new WorkspacePurity({ root }).analyse(join(root, 'app.ts')).genes;
  assert.deepEqual(
    Object.fromEntries(genes.genes.map((g) => [g.name, g.purity])),
    { max: 'pure', names: 'pure', frozen: 'pure', kind: 'pure', table: 'impure', counted: 'pure', leveled: 'impure', word: 'impure' },
  );
  assert.deepEqual(genes.genes.filter((g) => g.readsModuleLet).map((g) => g.name), ['counted']);
});

test('class statics, namespaces, barrels (export … from, export *) and namespace imports resolve to the declaring file', () => {
  const root = workspace({
    'range.ts': 'export class Range {\n  static span(a: number, b: number) { return b - a; }\n  static log(a: number) { console.log(a); }\n}\nexport namespace Offsets {\n  export function clamp(x: number) { return Math.max(0, x); }\n}\n',
    'index.ts': `export * from './range';\nexport { Range as R } from './range';\n`,
    'app.ts': [
      `import { Range, Offsets } from './index';`,
      `import { R } from './index';`,
      `import * as ranges from './range';`,
      'export function span(a: number, b: number) { return Range.span(a, b) + R.span(b, a); }',
      'export function log(a: number) { ranges.Range.log(a); }',
      'export function clamp(x: number) { return ranges.Offsets.clamp(x) + Offsets.clamp(x); }',
      'export function isRange(x: unknown) { return x instanceof Range; }',
      '',
    ].join('\n'),
  });
  const genes = new WorkspacePurity({ root }).analyse(join(root, 'app.ts')).genes;
  assert.deepEqual(Object.fromEntries(genes.genes.map((g) => [g.name, g.purity])), { span: 'pure', log: 'impure', clamp: 'pure', isRange: 'pure' });
  assert.match(gene(genes, 'log').reasons[0]!.message, /Range\.log \(range\.ts:3\).*console/);
});

test('the open file is analysed from the text given (an unsaved editor buffer), its imports from the disk', () => {
  const root = workspace({ 'strings.ts': STRINGS, 'app.ts': 'export function x() { return Date.now(); }\n' });
  const result = new WorkspacePurity({ root }).analyse(join(root, 'app.ts'), `import { isFalsyOrWhitespace } from './strings';\nexport function blank(s: string) { return isFalsyOrWhitespace(s); }\n`);
  assert.equal(gene(result.genes, 'blank').purity, 'pure');
});

test('a request past its deadline or cancelled stops with an error value, and the next one analyses the file', () => {
  const root = workspace({ 'strings.ts': STRINGS, 'app.ts': `import { isFalsyOrWhitespace } from './strings';\nexport function blank(s: string) { return isFalsyOrWhitespace(s); }\n` });
  const purity = new WorkspacePurity({ root });
  assert.deepEqual(purity.analyse(join(root, 'app.ts'), undefined, { deadline: Date.now() - 1 }).genes.errors.map((e) => e.code), ['budget-exceeded']);
  assert.deepEqual(purity.analyse(join(root, 'app.ts'), undefined, { cancellation: { isCancellationRequested: true } }).genes.errors.map((e) => e.code), ['cancelled']);
  assert.equal(gene(purity.analyse(join(root, 'app.ts')).genes, 'blank').purity, 'pure');
});

test("Node's assert comparisons are known pure; the loose ones and those that call what they are given are not", () => {
  const root = workspace({
    'app.ts': [
      `import assert from 'assert';`,
      `import * as strictAssert from 'node:assert/strict';`,
      'export function checks(x: number) { assert(x > 0); assert.strictEqual(x, 1); assert.deepStrictEqual([x], [1]); strictAssert.ok(x); }',
      'export function loose(x: number) { assert.equal(x, 1); }',
      'export function throwing(f: () => void) { assert.throws(f); }',
      '',
    ].join('\n'),
  });
  const genes = new WorkspacePurity({ root }).analyse(join(root, 'app.ts')).genes;
  assert.deepEqual(['checks', 'loose', 'throwing'].map((name) => gene(genes, name).purity), ['pure', 'impure', 'impure']);
});
