import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import ts from 'typescript';
import { type CompiledGene, compileGene, createInProcessExecutor } from '../../../../src/core/compiler';

const LITERALS = ['0', '1', '2', '0.5', '3', '7', '31', '32', '1e21', '4294967296', '2147483648', 'NaN', 'Infinity', 'Number.MIN_VALUE', 'Number.MAX_VALUE', 'Math.PI'];
const NUMBER_BINARY = ['+', '-', '*', '/', '%', '**', '|', '&', '^', '<<', '>>', '>>>', '&&', '||', '??'];
const COMPARISONS = ['<', '<=', '>', '>=', '===', '!==', '==', '!='];
const NUMBER_UNARY = ['Math.round', 'Math.floor', 'Math.ceil', 'Math.trunc', 'Math.abs', 'Math.sign', 'Math.fround', 'Math.sqrt', 'Math.clz32', 'Math.sin', 'Math.exp', '-', '+', '~'];

/** Random expressions over the number parameters a, b, c, typed so that TypeScript would accept them. */
const expressions = fc.letrec<{ num: string; bool: string }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('a', 'b', 'c'),
    fc.constantFrom(...LITERALS),
    fc.tuple(tie('num'), fc.constantFrom(...NUMBER_BINARY), tie('num')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(fc.constantFrom(...NUMBER_UNARY), tie('num')).map(([f, x]) => (f.length === 1 ? `(${f}${x})` : `${f}(${x})`)),
    fc.tuple(fc.constantFrom('Math.max', 'Math.min', 'Math.imul', 'Math.atan2', 'Math.pow'), tie('num'), tie('num')).map(([f, x, y]) => `${f}(${x}, ${y})`),
    fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, x, y]) => `(${c} ? ${x} : ${y})`),
  ),
  bool: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('true', 'false'),
    fc.tuple(tie('num'), fc.constantFrom(...COMPARISONS), tie('num')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('bool'), fc.constantFrom('&&', '||', '===', '!=='), tie('bool')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('bool').map((x) => `!${x}`),
    tie('num').map((x) => `Number.isInteger(${x})`),
  ),
}));

const doubles = fc.oneof(fc.double(), fc.integer({ min: -(2 ** 31) - 10, max: 2 ** 32 + 10 }), fc.constantFrom(0, -0, 0.5, -0.5, 2 ** 53, NaN, Infinity, -Infinity, Number.MIN_VALUE));

function compileExpression(expression: string, result: 'number' | 'boolean'): CompiledGene {
  const source = `function g(a: number, b: number, c: number): ${result} { return ${expression}; }`;
  const sourceFile = ts.createSourceFile('gene.ts', source, ts.ScriptTarget.ES2022, true);
  const compiled = compileGene(sourceFile, sourceFile.statements[0] as ts.FunctionDeclaration);
  assert.equal(compiled.verdict, 'ok', `${expression}: ${JSON.stringify(compiled)}`);
  return compiled as CompiledGene;
}

for (const kind of ['num', 'bool'] as const) {
  test(`generated ${kind === 'num' ? 'number' : 'boolean'} expressions compute in WASM exactly what JavaScript computes (Object.is)`, async () => {
    const executor = createInProcessExecutor();
    await fc.assert(
      fc.asyncProperty(expressions[kind], fc.array(fc.tuple(doubles, doubles, doubles), { minLength: 1, maxLength: 8 }), async (expression, inputs) => {
        const gene = compileExpression(expression, kind === 'num' ? 'number' : 'boolean');
        const js = new Function('a', 'b', 'c', `return ${expression};`) as (a: number, b: number, c: number) => unknown;
        const outcomes = await executor.runBatch(gene, inputs, { fuel: 10_000 });
        inputs.forEach(([a, b, c], i) => {
          const outcome = outcomes[i]!;
          const expected = js(a, b, c);
          assert.ok(outcome.verdict === 'ok' && Object.is(outcome.value, expected), `${expression} with a=${a}, b=${b}, c=${c}: wasm ${JSON.stringify(outcome)}, js ${String(expected)}`);
        });
      }),
      { seed: 20240611, numRuns: 400 },
    );
  });
}
