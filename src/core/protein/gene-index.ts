import { createHash } from 'node:crypto';
import type { FileAnalysis } from '../analysis/pipeline';
import { PROTEIN_DATA_VERSION } from './fingerprint';
import { type Match, SimilarityIndex } from './similarity-index';
import type { Comparable, SimilarityClass } from './similarity';

/** One gene of the workspace, as the index keeps it: where it is, and its protein. */
export interface IndexedGene {
  name: string;
  line: number;
  digest: string;
  behaviour?: string;
  vector: number[];
}

export interface PersistedGeneIndex {
  version: string;
  files: Record<string, { hash: string; genes: IndexedGene[] }>;
}

export interface WorkspaceMatch {
  file: string;
  name: string;
  line: number;
  class: SimilarityClass;
  cosine: number;
}

export function contentHash(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The workspace's genes for "find similar": files are (re)indexed only when their content hash changes, and the whole
 * index persists between sessions; a different protein version discards it, so stale vectors are never compared.
 */
export class WorkspaceGeneIndex {
  private files = new Map<string, { hash: string; genes: IndexedGene[] }>();
  private index = new SimilarityIndex();

  static restore(data: unknown): WorkspaceGeneIndex {
    const index = new WorkspaceGeneIndex();
    const persisted = data as Partial<PersistedGeneIndex> | undefined;
    if (persisted?.version !== PROTEIN_DATA_VERSION || typeof persisted.files !== 'object' || persisted.files === null) return index;
    for (const [file, entry] of Object.entries(persisted.files)) {
      if (typeof entry?.hash === 'string' && Array.isArray(entry.genes)) index.put(file, entry.hash, entry.genes);
    }
    return index;
  }

  get size(): number {
    let genes = 0;
    for (const entry of this.files.values()) genes += entry.genes.length;
    return genes;
  }

  /** Whether a file must be (re)analysed: unknown, or its content changed. */
  isStale(file: string, hash: string): boolean {
    return this.files.get(file)?.hash !== hash;
  }

  /** Replaces a file's genes with those of its new analysis. */
  update(file: string, hash: string, analysis: FileAnalysis): void {
    const genes = analysis.genes.flatMap((g) => (g.protein ? [{ name: g.gene.name, line: g.gene.line, digest: g.protein.digest, ...(g.protein.behaviour ? { behaviour: g.protein.behaviour } : {}), vector: g.protein.vector }] : []));
    this.put(file, hash, genes);
  }

  /** Drops files that no longer exist. */
  retain(existing: ReadonlySet<string>): void {
    for (const file of [...this.files.keys()]) if (!existing.has(file)) this.remove(file);
  }

  query(protein: Comparable, options: { exclude?: { file: string; name: string }; limit?: number; atLeast?: SimilarityClass } = {}): WorkspaceMatch[] {
    const matches: Match[] = this.index.query(protein, {
      limit: options.limit ?? 20,
      atLeast: options.atLeast ?? 'similar',
      ...(options.exclude ? { exclude: idOf(options.exclude.file, options.exclude.name) } : {}),
    });
    return matches.flatMap((match) => {
      const [file, name] = splitId(match.id);
      const gene = this.files.get(file)?.genes.find((g) => g.name === name);
      return gene ? [{ file, name, line: gene.line, class: match.class, cosine: match.cosine }] : [];
    });
  }

  toJSON(): PersistedGeneIndex {
    return { version: PROTEIN_DATA_VERSION, files: Object.fromEntries(this.files) };
  }

  private put(file: string, hash: string, genes: IndexedGene[]): void {
    this.remove(file);
    this.files.set(file, { hash, genes });
    for (const gene of genes) this.index.add(idOf(file, gene.name), { digest: gene.digest, vector: gene.vector, ...(gene.behaviour ? { behaviour: gene.behaviour } : {}) });
  }

  private remove(file: string): void {
    const previous = this.files.get(file);
    if (!previous) return;
    for (const gene of previous.genes) this.index.remove(idOf(file, gene.name));
    this.files.delete(file);
  }
}

/** A NUL separates file and gene name: neither can contain one. */
function idOf(file: string, name: string): string {
  return `${file}\u0000${name}`;
}

function splitId(id: string): [string, string] {
  const at = id.indexOf('\u0000');
  return [id.slice(0, at), id.slice(at + 1)];
}
