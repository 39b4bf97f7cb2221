// The workspace gene index as the analysis worker holds it for the extension: built, kept, persisted and queried here.
import { performance } from 'node:perf_hooks';
import type { CancellationToken } from '../genes';
import { CompactGeneIndex } from '../protein/compact-index';
import type { IndexBuildPayload, IndexBuildSummary, IndexQueryPayload, IndexQueryResponse } from './protocol';
import { buildIndex, loadIndex } from './workspace-index';

/** Indexes held in memory, by index file: a query after the first costs no load. */
const held = new Map<string, CompactGeneIndex>();

export async function buildHeldIndex(payload: IndexBuildPayload, cancellation: CancellationToken): Promise<IndexBuildSummary> {
  // Files done and total, in shared memory: the extension host reads them for its progress without a message.
  const progress = new Int32Array(payload.progress);
  const previous = held.get(payload.indexFile);
  const result = await buildIndex({
    workspace: payload.workspace,
    indexFile: payload.indexFile,
    workerScript: payload.workerScript,
    excludes: payload.excludes,
    maxFiles: payload.maxFiles,
    ...(payload.jobs !== undefined ? { jobs: payload.jobs } : {}),
    ...(previous ? { previous } : {}),
    background: true,
    cancellation,
    onProgress: (done, total) => {
      Atomics.store(progress, 0, done);
      Atomics.store(progress, 1, total);
    },
  });
  if ('error' in result) return { ok: false, error: result.error };
  held.set(payload.indexFile, result.index);
  const { files, genes, analysed, reused, failed, bytes, buildMs, cancelled, limited } = result;
  return { ok: true, files, genes, analysed, reused, failed, bytes, buildMs, cancelled, ...(limited ? { limited } : {}) };
}

/** Answers from the index in memory, else from the persisted one (loaded once); `ready: false` when there is none yet. */
export async function queryHeldIndex(payload: IndexQueryPayload): Promise<IndexQueryResponse> {
  let started = performance.now();
  let index = held.get(payload.indexFile);
  if (!index) {
    index = await loadIndex(payload.indexFile);
    if (!index) return { ready: false, loadMs: performance.now() - started, queryMs: 0, matches: [] };
    held.set(payload.indexFile, index);
  }
  const loadMs = performance.now() - started;
  started = performance.now();
  const matches = index.query(CompactGeneIndex.queryOf(payload.protein), { limit: payload.limit ?? 20, exclude: index.geneNumber(payload.file, payload.name) });
  return { ready: true, loadMs, queryMs: performance.now() - started, matches };
}
