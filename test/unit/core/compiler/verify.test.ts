import * as assert from 'node:assert/strict';
import { after, test } from 'node:test';
import ts from 'typescript';
import { compileGene, verifyCompiledGene } from '../../../../src/core/compiler';
import { Sandbox } from '../../../../src/core/sandbox/sandbox';
import { createSandboxExecutor } from '../../../../src/core/sandbox/sandbox-executor';
import { distFile } from '../../../support/repo';

// Counting occurrences the way real code does: with an empty needle it never ends, in JavaScript as in WebAssembly.
const COUNT = `export function count(value: string, substr: string): number {
  let result = 0;
  let index = value.indexOf(substr);
  while (index !== -1) {
    result++;
    index = value.indexOf(substr, index + substr.length);
  }
  return result;
}`;

test("a call stopped by the sandbox's time limit is inconclusive, not a mismatch; the other inputs are still compared", async () => {
  const sandbox = new Sandbox({ childScript: distFile('sandbox-child.js'), workerScript: distFile('sandbox-worker.js'), poolSize: 1, childPoolSize: 1, limits: { maxTimeMs: 1000 } });
  after(() => sandbox.dispose());
  const sourceFile = ts.createSourceFile('count.ts', COUNT, ts.ScriptTarget.Latest, true);
  const fn = sourceFile.statements.find(ts.isFunctionDeclaration)!;
  const compiled = compileGene(sourceFile, fn, { name: 'count' });
  assert.equal(compiled.verdict, 'ok', JSON.stringify(compiled));
  if (compiled.verdict !== 'ok') return;
  // Fuel far beyond what the time limit allows, as under Phase 4 flags: the time limit is what stops the loop.
  const report = await verifyCompiledGene(sourceFile, compiled, { executor: createSandboxExecutor(sandbox), fuel: 1e12, randomInputs: 40 });
  assert.deepEqual(report.mismatches, []);
  assert.equal(report.verdict, 'ok');
  assert.ok(report.inconclusive > 0, 'the empty needle ran into the time limit');
  // The batch stopped at the first looping call; the inputs that end were run again and compared.
  assert.ok(report.compared > report.inconclusive, JSON.stringify(report));
});
