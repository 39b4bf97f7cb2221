import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { compileGene, verifyCompiledGene } from '../../../../src/core/compiler';

const genesOf = (sourceFile: ts.SourceFile) => sourceFile.statements.filter(ts.isFunctionDeclaration);

test('members of an enum of the same file are constants: literals, auto-increments, flags and strings, verified against JavaScript', async () => {
  const text = [
    'const enum CharCode { Tab = 9, Space = 32, Digit0 = 48, Digit9 = 57 }',
    'enum State { Empty = 1, Folder, Workspace }',
    'enum Flags { None = 0, A = 1 << 0, B = 1 << 1, AB = A | B, Neg = -1, Not = ~B }',
    "enum Kind { Text = 'text', Dir = 'dir' }",
    'export function isDigit(c: number): boolean { return c >= CharCode.Digit0 && c <= CharCode.Digit9; }',
    'export function isSpace(c: number): boolean { return c === CharCode.Space || c === CharCode.Tab; }',
    'export function isWorkspace(s: number): boolean { return s === State.Workspace || s === State.Folder; }',
    'export function masks(x: number): number { return (x & Flags.AB) + Flags.Not * 100 + Flags.Neg * 10000; }',
    'export function kind(name: string): string { return name.endsWith(\'/\') ? Kind.Dir : Kind.Text; }',
  ].join('\n');
  const sourceFile = ts.createSourceFile(join(tmpdir(), 'enums.ts'), text, ts.ScriptTarget.ES2022, true);
  for (const fn of genesOf(sourceFile)) {
    const compiled = compileGene(sourceFile, fn);
    assert.equal(compiled.verdict, 'ok', JSON.stringify(compiled));
    if (compiled.verdict !== 'ok') continue;
    assert.ok(compiled.dependencies.some((d) => d.kind === 'enum'));
    const report = await verifyCompiledGene(sourceFile, compiled, { randomInputs: 100 });
    assert.equal(report.verdict, 'ok', `${fn.name!.text}: ${JSON.stringify(report.mismatches.slice(0, 2))}`);
  }
});

test('an enum imported by a relative path is read from its file; other imports stay refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-enums-'));
  mkdirSync(join(dir, 'base'));
  writeFileSync(join(dir, 'base', 'charCode.ts'), 'export const enum CharCode { A = 65, Z = 90, a = 97 }\nexport enum Hidden { X = Math.random() }\nenum Private { Y = 1 }\n');
  const text = [
    "import { CharCode } from './base/charCode.js';",
    "import { CharCode as Code, Hidden } from './base/charCode.js';",
    "import { Private } from './base/charCode';",
    "import { Other } from 'some-package';",
    'export function isUpper(c: number): boolean { return c >= CharCode.A && c <= CharCode.Z; }',
    'export function lower(c: number): number { return c + Code.a - Code.A; }',
    'export function hidden(): number { return Hidden.X; }',
    'export function notExported(): number { return Private.Y; }',
    'export function fromPackage(): number { return Other.Y; }',
  ].join('\n');
  const sourceFile = ts.createSourceFile(join(dir, 'gene.ts'), text, ts.ScriptTarget.ES2022, true);
  const [isUpper, lower, hidden, notExported, fromPackage] = genesOf(sourceFile).map((fn) => compileGene(sourceFile, fn));
  for (const gene of [isUpper!, lower!]) {
    assert.equal(gene.verdict, 'ok', JSON.stringify(gene));
    if (gene.verdict === 'ok') assert.equal((await verifyCompiledGene(sourceFile, gene, { randomInputs: 100 })).verdict, 'ok');
  }
  assert.equal(hidden!.verdict === 'unsupported' && hidden!.construct, 'enum member');
  assert.equal(notExported!.verdict, 'unsupported');
  assert.equal(fromPackage!.verdict, 'unsupported');
});

test('an enum used as a value is refused', () => {
  const sourceFile = ts.createSourceFile('gene.ts', 'enum E { A }\nexport function g(): number { const e = E; return 0; }', ts.ScriptTarget.ES2022, true);
  const result = compileGene(sourceFile, genesOf(sourceFile)[0]!);
  assert.equal(result.verdict === 'unsupported' && result.construct, 'enum value');
});
