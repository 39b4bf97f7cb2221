import { createHash } from 'node:crypto';
import { isCompilable } from '../analysis/pipeline';
import { compileGene } from '../compiler';
import { extractGenesWithSource, findFunctionNode } from '../genes';
import { proteinHash } from '../protein';
import { exportGenomeCar } from './car';

export interface GenomeFile {
  fileName: string;
  text: string;
}

export type GenomeExport =
  | { ok: true; root: string; bytes: Uint8Array; genes: number; unsupported: { name: string; reason: string }[] }
  | { ok: false; reason: string; unsupported: { name: string; reason: string }[] };

/**
 * A genome: every compilable gene of the files, compiled, in one CARv1 whose root manifest names each gene, its
 * source file's hash, its module's CID and its protein hash. An empty genome is an error, never a silent success.
 * `store` keeps each compiled module in the content-addressed module store (the editor's Export CAR).
 */
export async function exportGenome(files: readonly GenomeFile[], store?: (bytes: Uint8Array) => Promise<{ bytes: Uint8Array } | undefined>): Promise<GenomeExport> {
  const modules: { name: string; sourceFileHash: string; bytes: Uint8Array; proteinHash?: string }[] = [];
  const unsupported: { name: string; reason: string }[] = [];
  for (const file of files) {
    const { genes: extracted, sourceFile } = extractGenesWithSource(file.fileName, file.text);
    if (!sourceFile) continue;
    const sourceFileHash = createHash('sha256').update(file.text).digest('hex');
    for (const gene of extracted.genes.filter(isCompilable)) {
      const node = findFunctionNode(sourceFile, gene);
      if (!node) continue;
      const compiled = compileGene(sourceFile, node, { name: gene.name });
      if (compiled.verdict !== 'ok') {
        unsupported.push({ name: gene.name, reason: `${compiled.construct}: ${compiled.reason}` });
        continue;
      }
      // With a module store, each module is kept by CID and the genome carries the stored (verified) bytes.
      const bytes = (await store?.(compiled.bytes))?.bytes ?? compiled.bytes;
      modules.push({ name: gene.name, sourceFileHash, bytes, proteinHash: proteinHash(sourceFile, node, { selfName: gene.name.split('.').pop()! }).digest });
    }
  }
  if (modules.length === 0) return { ok: false, reason: 'no gene compiled: the genome would be empty', unsupported };
  const car = await exportGenomeCar(modules);
  if (!car.ok) return { ok: false, reason: `${car.problem} (${car.gene})`, unsupported };
  return { ok: true, root: car.root, bytes: car.bytes, genes: modules.length, unsupported };
}
