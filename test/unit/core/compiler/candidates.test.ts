import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractGenes } from '../../../../src/core/genes';
import { isCompileCandidate } from '../../../../src/core/compiler/candidates';

test('closures over an enclosing function and constructors that only initialise this are pure but never compile candidates', () => {
  const result = extractGenes('sample.ts', `
export function scale(k: number): number { const twice = (x: number): number => x * k * 2; return twice(1); }
export class Size { readonly w: number; constructor(w: number) { this.w = w; } }
export function area(w: number, h: number): number { return w * h; }
`);
  const byName = new Map(result.genes.map((g) => [g.name, g]));
  const closure = byName.get('scale.twice')!;
  const ctor = byName.get('Size.constructor')!;
  assert.equal(closure.purity, 'pure');
  assert.equal(closure.standalone, false);
  assert.equal(ctor.purity, 'pure');
  assert.equal(ctor.initializesThis, true);
  assert.equal(isCompileCandidate(closure), false);
  assert.equal(isCompileCandidate(ctor), false);
  assert.equal(isCompileCandidate(byName.get('area')!), true);
});
