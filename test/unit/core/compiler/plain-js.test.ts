import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileSelected, verifyCompiledGene } from '../../../../src/core/compiler';
import { scoreNumeric } from '../../../support/labelled-numeric';
import { repoRoot } from '../../../support/repo';

test('plain JavaScript: at least 80% of the labelled numeric functions compile, and every compiled one verifies', async () => {
  const score = await scoreNumeric(join(repoRoot, 'test/fixtures/compiler/plain-js'));
  const rate = score.compiled / score.numeric;
  console.log(`plain-JS labelled set: ${score.compiled} of ${score.numeric} numeric functions compiled and verified (${(rate * 100).toFixed(1)}%)`);
  for (const miss of score.missed) console.log(`  not compiled: ${miss}`);
  assert.deepEqual(score.mismatches, []);
  assert.ok(rate >= 0.8, `compile rate ${rate}`);
  assert.deepEqual(score.overreach, [], 'a function labelled other was compiled');
  // Without annotations every compiled entry is a specialisation, and says so.
  for (const [where, note] of score.notes) assert.equal(note, 'compiled for number arguments', where);
});

test('an inferred signature is a specialisation: the compile result says so, and what each type came from', () => {
  const text = '/** @param {number} t */\nfunction ease(t, power) { return Math.pow(t, power); }\nfunction label(n) { return n.toFixed(2); }\n/** @param {string} s */\nfunction width(s) { return 3; }\nfunction scale(x: number) { return x * 2; }';
  const ease = compileSelected('lib.ts', text, 'ease');
  assert.ok(ease.ok && ease.compiled.verdict === 'ok');
  assert.deepEqual(ease.compiled.specialisation, {
    note: 'compiled for number arguments',
    inferred: [
      { name: 't', type: 'number', from: 'jsdoc' },
      { name: 'power', type: 'number', from: 'use' },
    ],
  });
  const scale = compileSelected('lib.ts', text, 'scale');
  assert.ok(scale.ok && scale.compiled.verdict === 'ok');
  assert.equal(scale.compiled.specialisation, undefined, 'declared types are not a specialisation');
  const label = compileSelected('lib.ts', text, 'label');
  assert.ok(label.ok && label.compiled.verdict === 'unsupported');
  assert.equal(label.compiled.construct, 'untyped parameter');
  const width = compileSelected('lib.js', text.split('\n').slice(3, 5).join('\n'), 'width');
  assert.ok(width.ok && width.compiled.verdict === 'unsupported');
  assert.equal(width.compiled.reason, "'s' is documented as {string}, not number or boolean");
});

test('a recursive gene without a return annotation compiles when a return surely yields a number', async () => {
  const text = 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }\nfunction even(n) { if (n === 0) return true; return !odd(n - 1); }\nfunction odd(n) { return n === 0 ? false : even(n - 1); }';
  const fact = compileSelected('rec.js', text, 'fact');
  assert.ok(fact.ok && fact.compiled.verdict === 'ok', JSON.stringify(fact.ok && fact.compiled));
  assert.equal(fact.compiled.signature.result, 'number');
  const report = await verifyCompiledGene(fact.sourceFile, fact.compiled, { timeoutMs: 5000 });
  assert.equal(report.verdict, 'ok');
  assert.ok(report.compared > 0);
  const even = compileSelected('rec.js', text, 'even');
  assert.ok(even.ok && even.compiled.verdict === 'ok', JSON.stringify(even.ok && even.compiled));
  assert.equal(even.compiled.signature.result, 'boolean');
});

test('a do-while body without break or continue assigns for good: bisection with `var x;` compiles and verifies', async () => {
  const text = 'function halve(x, n) {\n  var r, i = 0;\n  do {\n    r = x / 2;\n    x = r;\n  } while (++i < n);\n  return r;\n}\nfunction early(x) {\n  var r;\n  do {\n    if (x > 1) break;\n    r = x;\n  } while (false);\n  return r;\n}';
  const halve = compileSelected('loop.js', text, 'halve');
  assert.ok(halve.ok && halve.compiled.verdict === 'ok', JSON.stringify(halve.ok && halve.compiled));
  const report = await verifyCompiledGene(halve.sourceFile, halve.compiled, { timeoutMs: 5000 });
  assert.equal(report.verdict, 'ok');
  const early = compileSelected('loop.js', text, 'early');
  assert.ok(early.ok && early.compiled.verdict === 'unsupported');
  assert.equal(early.compiled.construct, 'possibly undefined', 'a break can leave before the assignment');
});
