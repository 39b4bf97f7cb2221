/** Messages between the extension host (or CLI) and the analysis worker; plain data only. */
import type { AnalysisRequest, FileAnalysis } from './pipeline';
import type { GeneRunResult } from '../compiler/run-gene';
import type { JsonGeneValue } from '../compiler/values';
import type { CompactMatch } from '../protein/compact-index';
import type { IndexGenesRequest, IndexGenesResult } from './index-genes';
import type { ViolationKind } from '../metrics/plan';
import type { GatewayAttempt } from '../store/gateway';
import type { FetchFailure } from '../store/fetch-module';
import type { SandboxPath, SandboxResult } from '../sandbox';

/** What the worker runtime can do; the pipeline checks this before sending work. */
export interface WorkerDescription {
  node: string;
  webAssembly: boolean;
  threadId: number;
  /** The worker thread's nice value (Linux: per thread; a background worker runs above 0). */
  priority: number;
}

export interface RunRequest {
  fileName: string;
  text: string;
  /** Qualified name or `@LINE`. */
  selector: string;
  inputs: JsonGeneValue[][];
  maxFuel: number;
  maxTimeMs: number;
  /** WASM_MAX_MEMORY; only a worker started with the sandbox (WorkerSetup) enforces it. */
  maxMemoryBytes?: number;
}

/** `memoryBytes`: the run's peak WebAssembly memory; `cache`: whether the module was already in the module store. */
export type RunResponse = { ok: true; gene: string; results: GeneRunResult[]; memoryBytes: number; cid: string; cache?: 'hit' | 'miss' } | { ok: false; gene?: string; reason: string };

export interface ModuleRequest {
  fileName: string;
  text: string;
  selector: string;
}

export type ModuleResponse = { ok: true; gene: string; cid: string; cache?: 'hit' | 'miss'; bytes: Uint8Array; exports: string[]; imports: string[]; sourceMap: { name: string; startLine: number; endLine: number }[] } | { ok: false; reason: string };

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

/** What the analysis worker is started with (`workerData`): the editor runs every module through the sandbox and keeps them by CID. */
export interface WorkerSetup {
  /** Run verification and Run Gene in the sandbox (warm worker pool) instead of in the analysis worker's own thread. */
  sandbox?: boolean;
  /** The content-addressed module store (outside the workspace); without it nothing is stored. */
  moduleCacheDir?: string;
  /** Background work (the index build's pool): the worker's thread runs at a lower OS priority where that is per thread (Linux). */
  background?: boolean;
}

/** A foreign module by CID: fetched from trustless gateways (or the store), verified, stored, run in the sandbox's child process. */
export interface RunByCidRequest {
  cid: string;
  export: string;
  /** One argument tuple, as JSON: numbers, or strings such as "NaN", "-0", "42n". */
  args: (number | string)[];
  gateways: string[];
  fetchTimeoutMs: number;
  maxFuel: number;
  maxTimeMs: number;
  maxMemoryBytes: number;
}

export type RunByCidResponse =
  | { ok: true; cid: string; source: 'cache' | 'gateway'; attempts: GatewayAttempt[]; result: SandboxResult; memoryBytes: number; path: SandboxPath }
  | { ok: false; cid: string; verdict: 'fetch-failed'; reason: FetchFailure; detail: string; attempts: GatewayAttempt[] }
  | { ok: false; cid: string; verdict: 'bad-request'; reason: string; attempts: GatewayAttempt[] };

/** Told by the worker without being asked: what the plan's metrics count (the host feeds them to the observability hooks). */
export type WorkerEvent =
  /** The sandbox's WebAssembly memory in use across its pool, sampled while it runs (and 0 once idle). */
  | { event: 'memory'; memoryBytes: number; memoryLimitBytes: number }
  | { event: 'violation'; kind: ViolationKind; import: string }
  /** A lookup in the module store: a compiled module already there, or a module by CID found without the network. */
  | { event: 'cache'; hit: boolean }
  /** One gateway attempt; only a verified block is a success. */
  | { event: 'gateway'; ok: boolean };

/** Each operation with its payload and its result: the client and the worker are typed from this one map. */
export interface WorkerOps {
  describe: { payload: undefined; result: WorkerDescription };
  analyze: { payload: Omit<AnalysisRequest, 'cancellation'>; result: FileAnalysis };
  /** One file's genes for the workspace index, as a compact block (its arrays transferred). */
  indexGenes: { payload: Omit<IndexGenesRequest, 'cancellation'>; result: IndexGenesResult };
  run: { payload: RunRequest; result: RunResponse };
  module: { payload: ModuleRequest; result: ModuleResponse };
  car: { payload: { files: { fileName: string; text: string }[] }; result: CarResponse };
  indexBuild: { payload: IndexBuildPayload; result: IndexBuildSummary };
  indexQuery: { payload: IndexQueryPayload; result: IndexQueryResponse };
  runByCid: { payload: RunByCidRequest; result: RunByCidResponse };
  /** Disposes the sandbox's pools (workers and child processes) before the worker is terminated. */
  shutdown: { payload: undefined; result: undefined };
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

export type WorkerMessage = WorkerResponse | WorkerEvent;
