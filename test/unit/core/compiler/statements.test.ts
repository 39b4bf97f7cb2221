// switch, var and `let` without a value: compiled with JavaScript's semantics, checked against the gene's own JavaScript.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import ts from 'typescript';
import { verifyGene } from '../../../../src/core/compiler';

const GENES = `
export function grade(score: number): number {
  switch (Math.floor(score / 10)) {
    case 10:
    case 9: return 4;
    case 8: return 3;
    case 7: { return 2; }
    default: return 0;
  }
}
export function daysIn(month: number, leap: boolean): number {
  let days: number;
  switch (month) {
    case 2: days = leap ? 29 : 28; break;
    case 4: case 6: case 9: case 11: days = 30; break;
    default: days = 31;
  }
  return days;
}
export function fallThrough(x: number): number {
  let r = 0;
  switch (x) { case 1: r += 1; case 2: r += 2; break; case 3: r = 30; }
  return r;
}
export function defaultFirst(x: number): number {
  let r = 0;
  switch (x | 0) { default: r = 7; case 1: r += 1; break; case 2: r = 2; }
  return r;
}
export function strictCases(x: number, flag: boolean): number {
  switch (x) { case NaN: return 1; case -0: return 2; case 0.5: return 3; }
  switch (flag) { case true: return 4; default: return 5; }
}
export function continueThrough(n: number): number {
  let c = 0;
  outer: for (let i = 0; i < n && i < 50; i++) {
    switch (i % 4) { case 0: continue; case 1: c += 10; break; case 2: break outer; default: c++; }
    c += 100;
  }
  return c;
}
export function sumTo(n: number): number {
  var total = 0;
  for (var i = 1; i <= n && i < 1000; i++) total += i;
  return total + i;
}
export function sign(x: number): number {
  let s;
  if (x > 0) s = 1; else if (x < 0) s = -1; else s = 0;
  return s;
}
export function clampVar(x: number, lo: number, hi: number): number {
  var r;
  block: { if (x < lo) { r = lo; break block; } r = x > hi ? hi : x; }
  return r;
}
`;

const parse = (text: string) => ts.createSourceFile('genes.ts', text, ts.ScriptTarget.ES2022, true);

const sourceFile = parse(GENES);
for (const statement of sourceFile.statements) {
  if (!ts.isFunctionDeclaration(statement)) continue;
  const name = statement.name!.text;
  test(`${name}: compiles and matches JavaScript on edge and random inputs`, async () => {
    const report = await verifyGene(sourceFile, statement, { seed: 11, randomInputs: 400 });
    assert.equal(report.verdict, 'ok', JSON.stringify(report));
    assert.ok(report.compared > 50, `only ${report.compared} inputs compared`);
  });
}

test('a getter is a gene without parameters, checked against the getter itself', async () => {
  const file = parse('export class Tree {\n  public get listHeight(): number {\n    return 22 * 2;\n  }\n  static get hidden() { return 1 > 2; }\n}\n');
  const tree = file.statements[0] as ts.ClassDeclaration;
  for (const member of tree.members.filter(ts.isGetAccessorDeclaration)) {
    const report = await verifyGene(file, member, { seed: 3, randomInputs: 5 });
    assert.equal(report.verdict, 'ok', JSON.stringify(report));
    assert.ok(report.compared >= 1);
  }
});
