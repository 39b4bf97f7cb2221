import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fc from 'fast-check';
import { cidOf, cidOfSync, parseCid, verifyBlock } from '../../../../src/core/store/cid';
import { base32, handMadeCid } from '../../../support/hand-made-cid';
import { callConstant, constantModule } from '../../../support/store-modules';

test('the hand-made base32 matches the RFC 4648 test vectors', () => {
  const vectors: [string, string][] = [['', ''], ['f', 'my'], ['fo', 'mzxq'], ['foo', 'mzxw6'], ['foob', 'mzxw6yq'], ['fooba', 'mzxw6ytb'], ['foobar', 'mzxw6ytboi']];
  for (const [input, expected] of vectors) assert.equal(base32(Buffer.from(input)), expected);
});

test('the CID of the empty block is the well-known bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', async () => {
  assert.equal(await cidOf(new Uint8Array(0)), 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
  assert.equal(handMadeCid(new Uint8Array(0)), 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
});

test('the CID of a real WebAssembly module is CIDv1 raw sha2-256 base32, equal to one built by hand', async () => {
  const module = constantModule(42);
  assert.equal(await callConstant(module), 42);
  const cid = await cidOf(module);
  assert.match(cid, /^bafkrei[a-z2-7]{52}$/);
  assert.equal(cid, handMadeCid(module));
  assert.equal(cidOfSync(module), cid);
});

test('cidOf agrees with the hand-made CID on arbitrary bytes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
      assert.equal(await cidOf(bytes), handMadeCid(bytes));
    }),
    { numRuns: 200 },
  );
});

test('different modules get different CIDs and the same module always the same', async () => {
  assert.notEqual(await cidOf(constantModule(1)), await cidOf(constantModule(2)));
  assert.equal(await cidOf(constantModule(1)), await cidOf(constantModule(1)));
});

test('parseCid normalises other spellings of the same CID to base32 CIDv1 and refuses garbage and other hashes', async () => {
  const cid = await cidOf(constantModule(7));
  const parsed = parseCid(cid);
  assert.ok(parsed.ok);
  assert.equal(parsed.text, cid);
  const base36 = parsed.cid.toString((await import('multiformats/bases/base36')).base36);
  assert.notEqual(base36, cid);
  const again = parseCid(base36);
  assert.ok(again.ok);
  assert.equal(again.text, cid);
  for (const bad of ['', 'not-a-cid', '../etc/passwd', `${cid}/x`]) {
    const result = parseCid(bad);
    assert.equal(result.ok, false, bad);
    assert.equal(!result.ok && result.problem, 'invalid-cid');
  }
  // identity multihash (0x00): a valid CID whose bytes cannot be checked by hashing
  const identity = `b${base32(new Uint8Array([0x01, 0x55, 0x00, 0x03, 1, 2, 3]))}`;
  const refused = parseCid(identity);
  assert.equal(!refused.ok && refused.problem, 'unsupported-hash');
});

test('verifyBlock accepts the named bytes and rejects any other bytes as a mismatch', async () => {
  const module = constantModule(3.5);
  const cid = await cidOf(module);
  assert.deepEqual(verifyBlock(cid, module), { ok: true });
  const tampered = module.slice();
  tampered[tampered.length - 2]! ^= 1;
  const check = verifyBlock(cid, tampered);
  assert.equal(check.ok, false);
  assert.equal(!check.ok && check.problem, 'mismatch');
  assert.equal(verifyBlock('garbage', module).ok, false);
});
