import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import ts from 'typescript';
import { parseSource } from '../../../../src/core/genes';
import { inferParameterType, jsDocReturnType, specialisationNote } from '../../../../src/core/genes/type-inference';

/** The inference of every parameter of the function `name` in a plain-JS (or TS) file. */
function inferredOf(source: string, name: string, file = 'lib.js'): Record<string, unknown> {
  const sourceFile = parseSource(file, source);
  let found: ts.SignatureDeclaration | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === name) found = node;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer && ts.isArrowFunction(node.initializer)) found = node.initializer;
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  assert.ok(found, `no function ${name}`);
  return Object.fromEntries(found.parameters.map((p) => [p.name.getText(), inferParameterType(p)]));
}

test('JSDoc types decide: number, Number, !number and boolean; a documented string is reported as such', () => {
  const source = [
    '/**',
    ' * @param {Number} a',
    ' * @param {number} b',
    ' * @param {!number} c',
    ' * @param {boolean} flag',
    ' * @param {string} label',
    ' * @param {*} any',
    ' * @returns {Number}',
    ' */',
    'function f(a, b, c, flag, label, any) { return flag ? a : b + c + any * 1; }',
  ].join('\n');
  assert.deepEqual(inferredOf(source, 'f'), {
    a: { type: 'number', from: 'jsdoc' },
    b: { type: 'number', from: 'jsdoc' },
    c: { type: 'number', from: 'jsdoc' },
    flag: { type: 'boolean', from: 'jsdoc' },
    label: { documented: 'string' },
    any: { type: 'number', from: 'use' },
  });
  const sourceFile = parseSource('lib.js', source);
  assert.equal(jsDocReturnType(sourceFile.statements[0] as ts.FunctionDeclaration), 'number');
  const vec = parseSource('lib.js', '/** @returns {vec3} out */\nfunction g(x) { return x; }');
  assert.deepEqual(jsDocReturnType(vec.statements[0] as ts.FunctionDeclaration), { documented: 'vec3' });
});

test('a parameter is a number when a use is arithmetic, a Math argument or an ordering, and no use needs more', () => {
  assert.deepEqual(inferredOf('function lerp(a, b, t) { return a + (b - a) * t; }', 'lerp'), {
    a: { type: 'number', from: 'use' },
    b: { type: 'number', from: 'use' },
    t: { type: 'number', from: 'use' },
  });
  assert.deepEqual(inferredOf('function r(x) { return Math.round(x); }', 'r'), { x: { type: 'number', from: 'use' } });
  assert.deepEqual(inferredOf('function clamp(x, lo, hi) { return x < lo ? lo : x > hi ? hi : x; }', 'clamp'), {
    x: { type: 'number', from: 'use' },
    lo: { type: 'number', from: 'use' },
    hi: { type: 'number', from: 'use' },
  });
  assert.deepEqual(inferredOf('function isZero(x) { return x === 0; }', 'isZero'), { x: { type: 'number', from: 'use' } });
  assert.deepEqual(inferredOf('function inc(i) { i++; return i; }', 'inc'), { i: { type: 'number', from: 'use' } });
});

test('+ alone proves nothing: a + b may concatenate strings', () => {
  assert.deepEqual(inferredOf('function add(a, b) { return a + b; }', 'add'), { a: undefined, b: undefined });
  assert.deepEqual(inferredOf('function addOne(a) { return a + 1; }', 'addOne'), { a: undefined });
});

test('a use that needs something other than a number rules the parameter out', () => {
  assert.deepEqual(inferredOf('function f(v) { return v.x * 2; }', 'f'), { v: undefined });
  assert.deepEqual(inferredOf('function f(s) { return s * 2 + "px"; }', 'f'), { s: { type: 'number', from: 'use' } }, 'the string is added to the product, not to s');
  assert.deepEqual(inferredOf('function f(s) { return s < "m" ? s * 2 : 0; }', 'f'), { s: undefined });
  assert.deepEqual(inferredOf('function f(x) { return x === null ? 0 : x * 2; }', 'f'), { x: undefined });
  assert.deepEqual(inferredOf('function f(x) { return typeof x === "number" ? x * 2 : 0; }', 'f'), { x: undefined });
  assert.deepEqual(inferredOf('function f(x) { return `${x * 2}`; }', 'f'), { x: { type: 'number', from: 'use' } });
  assert.deepEqual(inferredOf('function f(x) { return `${x}` * 2; }', 'f'), { x: undefined });
  assert.deepEqual(inferredOf('function f(x) { return (x ?? 0) * 2; }', 'f'), { x: undefined });
  assert.deepEqual(inferredOf('function f(fn) { return fn(1) * 2; }', 'f'), { fn: undefined });
});

test('an unused parameter is a number only beside number parameters; a shadowed one is not inferred', () => {
  assert.deepEqual(inferredOf('function f(x) { return 1; }', 'f'), { x: undefined });
  assert.deepEqual(inferredOf('function easeIn(x, t) { return t * t; }', 'easeIn'), { x: { type: 'number', from: 'use' }, t: { type: 'number', from: 'use' } });
  assert.deepEqual(inferredOf('function f(x) { { const x = 2; return x * 2; } }', 'f'), { x: undefined });
});

test('an argument of a number parameter of another gene of the file is a number, transitively and in recursion', () => {
  const source = 'function sq(v) { return v * v; }\nfunction norm(x, y) { return Math.sqrt(sq(x) + sq(y)); }\nfunction fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }\nconst half = (h) => sq(h) / 2;';
  assert.deepEqual(inferredOf(source, 'norm'), { x: { type: 'number', from: 'use' }, y: { type: 'number', from: 'use' } });
  assert.deepEqual(inferredOf(source, 'fact'), { n: { type: 'number', from: 'use' } });
  assert.deepEqual(inferredOf(source, 'half'), { h: { type: 'number', from: 'use' } });
});

test('TypeScript: only unannotated parameters are inferred', () => {
  assert.deepEqual(inferredOf('const cmp = (a, b) => a - b;', 'cmp', 'sort.ts'), { a: { type: 'number', from: 'use' }, b: { type: 'number', from: 'use' } });
  assert.deepEqual(inferredOf('function f(a: string, b) { return b * 2; }', 'f', 'f.ts'), { a: undefined, b: { type: 'number', from: 'use' } });
});

test('the specialisation note names the argument types', () => {
  assert.equal(specialisationNote(['number', 'number']), 'compiled for number arguments');
  assert.equal(specialisationNote(['boolean', 'number']), 'compiled for number and boolean arguments');
});
