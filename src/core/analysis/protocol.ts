/** Messages between the extension host (or CLI) and the analysis worker; plain data only. */
import type { AnalysisRequest, FileAnalysis } from './pipeline';
import type { GeneRunResult } from '../compiler/run-gene';
import type { JsonGeneValue } from '../compiler/values';
import type { CompactMatch } from '../protein/compact-index';

/** What the worker runtime can do; the pipeline checks this before sending work. */
export interface WorkerDescription {
  node: string;
  webAssembly: boolean;
  threadId: number;
}

export interface RunRequest {
  fileName: string;
  text: string;
  /** Qualified name or `@LINE`. */
  selector: string;
  inputs: JsonGeneValue[][];
  maxFuel: number;
  maxTimeMs: number;
}

export type RunResponse = { ok: true; gene: string; results: GeneRunResult[] } | { ok: false; gene?: string; reason: string };

export interface ModuleRequest {
  fileName: string;
  text: string;
  selector: string;
}

export type ModuleResponse = { ok: true; gene: string; cid: string; bytes: Uint8Array; exports: string[]; imports: string[]; sourceMap: { name: string; startLine: number; endLine: number }[] } | { ok: false; reason: string };

export type CarResponse = { ok: true; root: string; bytes: Uint8Array; genes: number } | { ok: false; reason: string };

export interface IndexBuildPayload {
  workspace: string;
  indexFile: string;
  /** The analysis worker bundle, for the pool the build runs on. */
  workerScript: string;
  /** Globs (gitignore syntax) left out on top of .gitignore: files.exclude and search.exclude. */
  excludes: string[];
  maxFiles: number;
  jobs?: number;
  /** Int32 × 2, files done and files in total, written by the worker as it goes. */
  progress: SharedArrayBuffer;
}

export type IndexBuildSummary =
  | { ok: true; files: number; genes: number; analysed: number; reused: number; failed: number; bytes: number; buildMs: number; cancelled: boolean; limited?: { found: number; limit: number } }
  | { ok: false; error: string };

export interface IndexQueryPayload {
  indexFile: string;
  /** The query gene (left out of its own matches): workspace-relative file and qualified name, with its protein. */
  file: string;
  name: string;
  protein: { digest: string; vector: number[]; behaviour?: string };
  limit?: number;
}

export interface IndexQueryResponse {
  /** False when no index is in memory or on disk yet: build first. */
  ready: boolean;
  loadMs: number;
  queryMs: number;
  matches: CompactMatch[];
}

/** Each operation with its payload and its result: the client and the worker are typed from this one map. */
export interface WorkerOps {
  describe: { payload: undefined; result: WorkerDescription };
  analyze: { payload: Omit<AnalysisRequest, 'cancellation'>; result: FileAnalysis };
  run: { payload: RunRequest; result: RunResponse };
  module: { payload: ModuleRequest; result: ModuleResponse };
  car: { payload: { files: { fileName: string; text: string }[] }; result: CarResponse };
  indexBuild: { payload: IndexBuildPayload; result: IndexBuildSummary };
  indexQuery: { payload: IndexQueryPayload; result: IndexQueryResponse };
}

export type WorkerOp = keyof WorkerOps;

export interface WorkerRequest<K extends WorkerOp = WorkerOp> {
  id: number;
  op: K;
  payload: WorkerOps[K]['payload'];
  /** One Int32 set to 1 by the client to cancel; shared memory, so the busy worker sees it without a message. */
  cancel?: SharedArrayBuffer;
}

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
