import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { bucketOf, canaryVerdict } from '../../../../src/core/canary/bucket';

const INPUTS: [string, string][] = [
  ['machine-a', 'chimera'],
  ['machine-b', 'chimera'],
  ['', 'chimera'],
  ['machine-a', 'void-2026'],
];

test('bucketOf follows the documented formula: first 4 bytes of SHA-256("chimera-canary:" + salt + ":" + id) / 2^32', () => {
  for (const [id, salt] of INPUTS) {
    const expected = createHash('sha256').update(`chimera-canary:${salt}:${id}`).digest().readUInt32BE(0) / 2 ** 32;
    assert.equal(bucketOf(id, salt), expected);
    assert.ok(bucketOf(id, salt) >= 0 && bucketOf(id, salt) < 1);
  }
});

test('the published test vectors (README) stay fixed forever', () => {
  assert.equal(bucketOf('machine-a').toFixed(8), '0.55042913');
  assert.equal(bucketOf('machine-b').toFixed(8), '0.39855925');
  assert.equal(bucketOf('machine-a', 'void-2026').toFixed(8), '0.56666383');
});

test('stable per machine: the same id gives the same verdict on every call (never a random draw)', () => {
  const first = canaryVerdict('stable-machine', 0.5);
  for (let i = 0; i < 100; i++) assert.deepEqual(canaryVerdict('stable-machine', 0.5), first);
});

test('property: raising the fraction never drops a machine that was in', () => {
  fc.assert(
    fc.property(fc.string(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (id, a, b) => {
      const [low, high] = a <= b ? [a, b] : [b, a];
      if (canaryVerdict(id, low).in) assert.equal(canaryVerdict(id, high).in, true);
    }),
    { numRuns: 500, seed: 7 },
  );
});

test('about the stated share of machines is in the canary', () => {
  const machines = Array.from({ length: 20_000 }, (_, i) => `machine-${i}`);
  const share = machines.filter((id) => canaryVerdict(id, 0.1).in).length / machines.length;
  assert.ok(Math.abs(share - 0.1) < 0.01, `share ${share}`);
});

test('the override forces the verdict and says so', () => {
  assert.deepEqual(canaryVerdict('machine-a', 0, { override: 'in' }).in, true);
  assert.equal(canaryVerdict('machine-a', 0, { override: 'in' }).override, 'in');
  assert.equal(canaryVerdict('machine-a', 1, { override: 'out' }).in, false);
  assert.equal(canaryVerdict('machine-a', 1, { override: 'auto' }).override, null);
});
