import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { type GenomeModule, exportGenomeCar, readGenomeCar } from '../../../../src/core/store/car';
import { cidOf } from '../../../../src/core/store/cid';
import { callConstant, constantModule } from '../../../support/store-modules';

const fileHash = (text: string) => createHash('sha256').update(text).digest('hex');

async function genome(): Promise<GenomeModule[]> {
  const add = constantModule(3);
  return [
    { name: 'add', sourceFileHash: fileHash('math.ts'), bytes: add, cid: await cidOf(add), proteinHash: 'p1:add' },
    { name: 'Shapes.area', sourceFileHash: fileHash('shapes.ts'), bytes: constantModule(12.5) },
    // Same module bytes as `add` (a clone in another file): one block, two manifest entries.
    { name: 'plus', sourceFileHash: fileHash('other.ts'), bytes: constantModule(3) },
  ];
}

/** Every block read back with @ipld/car's own reader, its sha-256 checked here with node:crypto. */
async function readEveryBlock(car: Uint8Array) {
  const { CarReader } = await import('@ipld/car');
  const reader = await CarReader.fromBytes(car);
  const blocks = new Map<string, { cid: CID; bytes: Uint8Array }>();
  for await (const block of reader.blocks()) {
    assert.equal(block.cid.multihash.code, 0x12, 'sha2-256');
    assert.deepEqual(new Uint8Array(createHash('sha256').update(block.bytes).digest()), new Uint8Array(block.cid.multihash.digest), `block ${block.cid} hashes to its CID`);
    blocks.set(block.cid.toString(), block);
  }
  return { version: reader.version, roots: await reader.getRoots(), blocks };
}

test('a genome CAR is a CARv1 whose root is a dag-cbor manifest linking every module, and every block hash is right', async () => {
  const modules = await genome();
  const car = await exportGenomeCar(modules);
  assert.ok(car.ok);
  const { version, roots, blocks } = await readEveryBlock(car.bytes);
  assert.equal(version, 1);
  assert.deepEqual(roots.map(String), [car.root]);
  assert.equal(roots[0]!.code, dagCbor.code);
  assert.equal(blocks.size, 3, 'root + two distinct modules');
  assert.equal(car.blockCount, 3);
  const manifest = dagCbor.decode(blocks.get(car.root)!.bytes) as { format: string; version: number; genes: { name: string; sourceFileHash: string; cid: CID; size: number; proteinHash?: string }[] };
  assert.equal(manifest.format, 'chimera-genome');
  assert.equal(manifest.version, 1);
  assert.deepEqual(manifest.genes.map((g) => g.name), ['Shapes.area', 'add', 'plus']);
  for (const gene of manifest.genes) {
    assert.ok(CID.asCID(gene.cid), `${gene.name}: cid is an IPLD link, not a string`);
    assert.equal(gene.cid.code, 0x55, 'raw');
    const source = modules.find((m) => m.name === gene.name)!;
    assert.equal(gene.sourceFileHash, source.sourceFileHash);
    assert.equal(gene.cid.toString(), await cidOf(source.bytes));
    assert.equal(gene.size, source.bytes.length);
    const block = blocks.get(gene.cid.toString());
    assert.ok(block, `${gene.name}'s module is in the CAR`);
    assert.equal(await callConstant(block.bytes), await callConstant(source.bytes));
  }
  assert.equal(manifest.genes.find((g) => g.name === 'add')!.proteinHash, 'p1:add');
  assert.equal('proteinHash' in manifest.genes.find((g) => g.name === 'plus')!, false, 'absent, not null, when unknown');
});

test('readGenomeCar returns the manifest and the modules of an exported genome', async () => {
  const car = await exportGenomeCar(await genome());
  assert.ok(car.ok);
  const read = await readGenomeCar(car.bytes);
  assert.ok(read.ok, !read.ok ? read.detail : '');
  assert.equal(read.root, car.root);
  assert.deepEqual(read.manifest, car.manifest);
  assert.equal(read.modules.size, 2);
  assert.equal(await callConstant(read.modules.get(await cidOf(constantModule(12.5)))!), 12.5);
});

test('the export is deterministic: the same genes in another order give the same bytes and root', async () => {
  const modules = await genome();
  const first = await exportGenomeCar(modules);
  const second = await exportGenomeCar([...modules].reverse());
  assert.ok(first.ok && second.ok);
  assert.equal(second.root, first.root);
  assert.deepEqual(second.bytes, first.bytes);
});

test('an empty genome still exports a valid CAR with an empty gene list', async () => {
  const car = await exportGenomeCar([]);
  assert.ok(car.ok);
  const read = await readGenomeCar(car.bytes);
  assert.ok(read.ok);
  assert.deepEqual(read.manifest.genes, []);
  assert.equal(read.blockCount, 1);
});

test('a module whose stated CID does not match its bytes is refused, naming the gene', async () => {
  const car = await exportGenomeCar([{ name: 'liar', sourceFileHash: fileHash('x'), bytes: constantModule(1), cid: await cidOf(constantModule(2)) }]);
  assert.equal(car.ok, false);
  assert.equal(!car.ok && car.problem, 'cid-mismatch');
  assert.equal(!car.ok && car.gene, 'liar');
});

test('a CAR with one flipped byte in a module is rejected as a block mismatch', async () => {
  const car = await exportGenomeCar(await genome());
  assert.ok(car.ok);
  const module = constantModule(12.5);
  const at = Buffer.from(car.bytes).indexOf(Buffer.from(module));
  assert.ok(at > 0);
  const tampered = car.bytes.slice();
  tampered[at + module.length - 2]! ^= 0x01;
  const read = await readGenomeCar(tampered);
  assert.equal(read.ok, false);
  assert.equal(!read.ok && read.problem, 'block-mismatch');
});

test('bytes that are not a CAR are refused as not-a-car, and a CAR without the manifest as missing-block', async () => {
  const garbage = await readGenomeCar(new TextEncoder().encode('definitely not a CAR file'));
  assert.equal(!garbage.ok && garbage.problem, 'not-a-car');
  const { CarWriter } = await import('@ipld/car');
  const car = await exportGenomeCar(await genome());
  assert.ok(car.ok);
  const { writer, out } = CarWriter.create([CID.parse(car.root)]);
  const chunks: Uint8Array[] = [];
  const drained = (async () => {
    for await (const chunk of out) chunks.push(chunk);
  })();
  const module = constantModule(3);
  await writer.put({ cid: CID.parse(await cidOf(module)), bytes: module });
  await writer.close();
  await drained;
  const rootless = await readGenomeCar(Buffer.concat(chunks));
  assert.equal(!rootless.ok && rootless.problem, 'missing-block');
});
