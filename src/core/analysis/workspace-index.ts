/**
 * The workspace gene index, the same for the extension's analysis worker and `chimera index`: the workspace's source
 * files (minus .gitignore'd and excluded ones), analysed on a pool of workers only when their content hash changed,
 * kept as a CompactGeneIndex and persisted in its binary form.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { selectFiles } from '../check/walk';
import { SETTINGS } from '../config/settings';
import { AnalysisPool } from '../check/pool';
import type { CancellationToken } from '../genes';
import { CompactGeneIndex, CompactIndexBuilder, type CompactMatch } from '../protein/compact-index';
import { decodeIndex, encodeIndex } from '../protein/index-file';
import type { SimilarityClass } from '../protein/similarity';

export const INDEX_FILE_NAME = 'genes.idx';
/** Default cap on indexed files; the setting `chimera.index.maxFiles` and `--max-files` change it. Hitting it is reported. */
export const DEFAULT_MAX_FILES = SETTINGS['index.maxFiles'].default;
/** One file's analysis may take this long before the pool gives up on it (it is retried on the next build). */
const FILE_TIMEOUT_MS = 30_000;

export interface IndexBuildOptions {
  workspace: string;
  /** The index file (…/genes.idx). */
  indexFile: string;
  /** The analysis worker bundle (dist/analysis-worker.js) the pool runs. */
  workerScript: string;
  /** Globs (gitignore syntax) left out on top of .gitignore. */
  excludes?: readonly string[];
  maxFiles?: number;
  jobs?: number;
  /** Run the pool at a lower OS priority (the editor's build: nobody waits on it, the editor must stay responsive). */
  background?: boolean;
  /** The index already in memory; otherwise the persisted one is read. */
  previous?: CompactGeneIndex;
  onProgress?(done: number, total: number): void;
  cancellation?: CancellationToken;
}

export interface IndexBuildResult {
  index: CompactGeneIndex;
  files: number;
  genes: number;
  analysed: number;
  reused: number;
  /** Files whose analysis failed or timed out: left out, retried next time. */
  failed: number;
  bytes: number;
  buildMs: number;
  cancelled: boolean;
  /** Set when the file limit was hit: how many files there were and how many were indexed. */
  limited?: { found: number; limit: number };
}

/** The persisted index, or undefined when there is none or it is unreadable (corrupt, foreign, another version). */
export async function loadIndex(indexFile: string): Promise<CompactGeneIndex | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(indexFile);
  } catch {
    return undefined;
  }
  return decodeIndex(bytes);
}

/** Writes atomically (temporary file, then rename), so a reader never sees half an index. Returns the size. */
export async function saveIndex(indexFile: string, index: CompactGeneIndex): Promise<number> {
  const bytes = encodeIndex(index);
  await mkdir(dirname(indexFile), { recursive: true });
  const temporary = `${indexFile}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, indexFile);
  return bytes.length;
}

export async function buildIndex(options: IndexBuildOptions): Promise<IndexBuildResult | { error: string }> {
  const started = performance.now();
  const previous = options.previous ?? (await loadIndex(options.indexFile));
  const selection = await selectFiles(options.workspace, [], options.excludes ?? []);
  if ('error' in selection) return selection;
  const limit = options.maxFiles ?? DEFAULT_MAX_FILES;
  const files = selection.files.slice(0, limit);
  const limited = selection.files.length > limit ? { found: selection.files.length, limit } : undefined;
  const builder = new CompactIndexBuilder();
  let pool: AnalysisPool | undefined;
  let done = 0;
  let analysed = 0;
  let reused = 0;
  let failed = 0;
  let next = 0;
  const cancelled = () => options.cancellation?.isCancellationRequested === true;
  const indexOne = async (at: number): Promise<void> => {
    const file = files[at]!;
    const absolute = join(options.workspace, file);
    let bytes: Buffer;
    try {
      bytes = await readFile(absolute);
    } catch {
      failed++;
      return;
    }
    const hash = createHash('sha256').update(bytes).digest();
    const known = previous?.fileNumber(file) ?? -1;
    if (known >= 0 && hash.equals(previous!.fileHash(known))) {
      builder.copyFile(previous!, known, at);
      reused++;
      return;
    }
    pool ??= new AnalysisPool(options.workerScript, options.jobs ?? availableParallelism(), { background: options.background === true });
    // The worker parses, hashes and quantises; this thread only places the block it gets back.
    const outcome = await pool.indexGenes({ fileName: absolute, text: bytes.toString('utf8') }, FILE_TIMEOUT_MS);
    if (!outcome.ok || !outcome.result.ok) {
      failed++;
      return;
    }
    builder.addBlock(file, hash, outcome.result.block, at);
    analysed++;
  };
  // A few more lanes than workers: reading and hashing the next files overlaps the analyses.
  const lanes = Math.max(1, (options.jobs ?? availableParallelism()) * 2);
  try {
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < files.length && !cancelled()) {
          await indexOne(next++);
          options.onProgress?.(++done, files.length);
        }
      }),
    );
  } finally {
    await pool?.dispose();
  }
  const index = builder.finish();
  // A cancelled build keeps what it did: the next one starts from there.
  const bytes = await saveIndex(options.indexFile, index);
  return { index, files: index.files, genes: index.genes, analysed, reused, failed, bytes, buildMs: Math.round(performance.now() - started), cancelled: cancelled(), ...(limited ? { limited } : {}) };
}

export interface IndexQueryOptions {
  limit?: number;
  atLeast?: SimilarityClass;
}

/** Genes similar to FILE#NAME (workspace-relative file, qualified name), or undefined when the index has no such gene. */
export function queryIndex(index: CompactGeneIndex, file: string, name: string, options: IndexQueryOptions = {}): CompactMatch[] | undefined {
  const g = index.geneNumber(file, name);
  if (g < 0) return undefined;
  return index.query(index.stored(g), { ...options, exclude: g });
}
