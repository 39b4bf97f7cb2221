import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { createHash } from 'node:crypto';
import { RAW_CODEC, SHA2_256, cidOfSync, parseCid, verifyBlock } from './cid';

/** One compiled gene, as the compiler hands it over. */
export interface GenomeModule {
  /** The gene's qualified name. */
  name: string;
  /** sha-256 (hex) of the source file the gene came from. */
  sourceFileHash: string;
  /** The module's CID when already known; checked against the bytes. */
  cid?: string;
  bytes: Uint8Array;
  proteinHash?: string;
}

export interface GenomeManifestGene {
  name: string;
  sourceFileHash: string;
  cid: string;
  size: number;
  proteinHash?: string;
}

/** The root block of a genome CAR (dag-cbor; each gene's `cid` is an IPLD link, so the CAR is one DAG). */
export interface GenomeManifest {
  format: typeof GENOME_FORMAT;
  version: typeof GENOME_VERSION;
  genes: GenomeManifestGene[];
}

export const GENOME_FORMAT = 'chimera-genome';
export const GENOME_VERSION = 1;

export type GenomeCar =
  | { ok: true; root: string; bytes: Uint8Array; manifest: GenomeManifest; blockCount: number }
  | { ok: false; problem: 'cid-mismatch'; gene: string; detail: string };

export type GenomeCarProblem = 'not-a-car' | 'bad-root' | 'block-mismatch' | 'missing-block' | 'bad-manifest';

export type ReadGenomeCar =
  | { ok: true; root: string; manifest: GenomeManifest; modules: Map<string, Uint8Array>; blockCount: number }
  | { ok: false; problem: GenomeCarProblem; detail: string };

/** The root block as stored: links instead of CID strings. */
interface ManifestNode {
  format: string;
  version: number;
  genes: { name: string; sourceFileHash: string; cid: CID; size: number; proteinHash?: string }[];
}

const compareGenes = (a: GenomeManifestGene, b: GenomeManifestGene) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.sourceFileHash < b.sourceFileHash ? -1 : a.sourceFileHash > b.sourceFileHash ? 1 : a.cid < b.cid ? -1 : a.cid > b.cid ? 1 : 0;

function manifestCid(block: Uint8Array): CID {
  return CID.createV1(dagCbor.code, Digest.create(SHA2_256, createHash('sha256').update(block).digest()));
}

// @ipld/car ships ESM with only an "import" condition, so it is loaded with import(): esbuild inlines it in
// the bundles and leaves a native import() in the test build, where packages stay external.
const loadCar = () => import('@ipld/car');

/**
 * A CARv1 of a genome: root = the manifest (dag-cbor), blocks = the modules (raw), one block per distinct module.
 * Deterministic: the same genes in any order give the same bytes and the same root CID.
 */
export async function exportGenomeCar(modules: readonly GenomeModule[]): Promise<GenomeCar> {
  const genes: GenomeManifestGene[] = [];
  const blocks = new Map<string, Uint8Array>();
  for (const module of modules) {
    const cid = cidOfSync(module.bytes);
    const given = module.cid === undefined ? undefined : parseCid(module.cid);
    if (given !== undefined && !(given.ok && given.text === cid)) {
      return { ok: false, problem: 'cid-mismatch', gene: module.name, detail: `the module of ${module.name} hashes to ${cid}, not ${module.cid}` };
    }
    blocks.set(cid, module.bytes);
    genes.push({ name: module.name, sourceFileHash: module.sourceFileHash, cid, size: module.bytes.length, ...(module.proteinHash !== undefined ? { proteinHash: module.proteinHash } : {}) });
  }
  genes.sort(compareGenes);
  const manifest: GenomeManifest = { format: GENOME_FORMAT, version: GENOME_VERSION, genes };
  const node: ManifestNode = { ...manifest, genes: genes.map((gene) => ({ ...gene, cid: CID.parse(gene.cid) })) };
  const rootBytes = dagCbor.encode(node);
  const root = manifestCid(rootBytes);

  const { CarWriter } = await loadCar();
  const { writer, out } = CarWriter.create([root]);
  const collected = (async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of out) chunks.push(chunk);
    return Buffer.concat(chunks);
  })();
  await writer.put({ cid: root, bytes: rootBytes });
  for (const gene of genes) {
    const bytes = blocks.get(gene.cid);
    if (bytes === undefined) continue; // already written for an earlier gene with the same module
    blocks.delete(gene.cid);
    await writer.put({ cid: CID.parse(gene.cid), bytes });
  }
  await writer.close();
  const bytes = new Uint8Array(await collected);
  return { ok: true, root: root.toString(), bytes, manifest, blockCount: 1 + new Set(genes.map((g) => g.cid)).size };
}

function asManifest(value: unknown): GenomeManifest | string {
  const node = value as Partial<ManifestNode> | null;
  if (typeof node !== 'object' || node === null) return 'the root is not a map';
  if (node.format !== GENOME_FORMAT || node.version !== GENOME_VERSION) return `the root is not a ${GENOME_FORMAT} v${GENOME_VERSION} manifest`;
  if (!Array.isArray(node.genes)) return 'the manifest has no genes list';
  const genes: GenomeManifestGene[] = [];
  for (const gene of node.genes) {
    const cid = gene?.cid ? CID.asCID(gene.cid) : null;
    if (typeof gene?.name !== 'string' || typeof gene.sourceFileHash !== 'string' || !cid || typeof gene.size !== 'number') return 'a gene entry lacks name, sourceFileHash, cid or size';
    if (cid.code !== RAW_CODEC) return `the module of ${gene.name} is not a raw block`;
    genes.push({ name: gene.name, sourceFileHash: gene.sourceFileHash, cid: cid.toString(), size: gene.size, ...(typeof gene.proteinHash === 'string' ? { proteinHash: gene.proteinHash } : {}) });
  }
  return { format: GENOME_FORMAT, version: GENOME_VERSION, genes };
}

/** Reads a genome CAR back, verifying every block's hash and that the manifest's modules are all present with their sizes. */
export async function readGenomeCar(bytes: Uint8Array): Promise<ReadGenomeCar> {
  const { CarReader } = await loadCar();
  let reader: Awaited<ReturnType<typeof CarReader.fromBytes>>;
  try {
    reader = await CarReader.fromBytes(bytes);
  } catch (error) {
    return { ok: false, problem: 'not-a-car', detail: error instanceof Error ? error.message : String(error) };
  }
  if (reader.version !== 1) return { ok: false, problem: 'not-a-car', detail: `CAR version ${reader.version}, expected 1` };
  const roots = await reader.getRoots();
  if (roots.length !== 1 || roots[0]!.code !== dagCbor.code) return { ok: false, problem: 'bad-root', detail: `expected one dag-cbor root, found ${roots.length}` };
  const root = roots[0]!;
  const blocks = new Map<string, Uint8Array>();
  let blockCount = 0;
  for await (const block of reader.blocks()) {
    const check = verifyBlock(block.cid, block.bytes);
    if (!check.ok) return { ok: false, problem: 'block-mismatch', detail: `${block.cid.toString()}: ${check.detail}` };
    blocks.set(block.cid.toString(), block.bytes);
    blockCount++;
  }
  const rootBytes = blocks.get(root.toString());
  if (!rootBytes) return { ok: false, problem: 'missing-block', detail: `the root ${root.toString()} is not in the CAR` };
  let decoded: unknown;
  try {
    decoded = dagCbor.decode(rootBytes);
  } catch (error) {
    return { ok: false, problem: 'bad-manifest', detail: error instanceof Error ? error.message : String(error) };
  }
  const manifest = asManifest(decoded);
  if (typeof manifest === 'string') return { ok: false, problem: 'bad-manifest', detail: manifest };
  const modules = new Map<string, Uint8Array>();
  for (const gene of manifest.genes) {
    const module = blocks.get(gene.cid);
    if (!module) return { ok: false, problem: 'missing-block', detail: `the module of ${gene.name} (${gene.cid}) is not in the CAR` };
    if (module.length !== gene.size) return { ok: false, problem: 'bad-manifest', detail: `${gene.name}: manifest says ${gene.size} bytes, block has ${module.length}` };
    modules.set(gene.cid, module);
  }
  return { ok: true, root: root.toString(), manifest, modules, blockCount };
}
