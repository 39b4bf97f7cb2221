/**
 * One pipeline, the same in the extension's worker, the CLI and `chimera check`:
 * file text → genes (purity with reasons) → pure numeric genes compiled to WebAssembly → CID →
 * verification against the JavaScript (dry run) → protein hashes. Plain data out; every stage measured.
 */
import { performance } from 'node:perf_hooks';
import { type CompiledGene, type GeneExecutor, type Specialisation, compileGene, verifyCompiledGene } from '../compiler';
import { isCompileCandidate } from '../compiler/candidates';
import { type CancellationToken, type FileError, type Gene, type SkippedGene, extractGenesWithSource, findFunctionNode, parseSource } from '../genes';
import { WorkspacePurity } from '../genes/workspace-purity';
import type ts from 'typescript';
import { proteinHash } from '../protein';
import { cidOfSync } from '../store/cid';

/** What may run, decided by the caller from the flags (the CLI: everything, as a dry run). */
export interface AnalysisFeatures {
  /** Compile pure numeric genes and compute their CIDs. */
  compile: boolean;
  /** Run each compiled gene against its JavaScript on generated inputs. */
  verify: boolean;
  proteinHash: boolean;
}

export interface AnalysisRequest {
  fileName: string;
  text: string;
  features: AnalysisFeatures;
  /** Fuel per WASM call (WASM_MAX_GAS). */
  maxFuel?: number;
  /** Wall-clock limit per JavaScript call (WASM_MAX_TIME). */
  maxTimeMs?: number;
  /** WASM_MAX_MEMORY, for a worker that verifies in the sandbox (WorkerSetup). */
  maxMemoryBytes?: number;
  /** Random inputs per gene on top of the edge values. */
  randomInputs?: number;
  maxBytes?: number;
  /** Epoch ms after which the analysis stops with `budget-exceeded`. */
  deadline?: number;
  cancellation?: CancellationToken;
  /** The workspace folder (absolute): imports are decided from the summaries of its files; none: imports are unknown. */
  workspace?: string;
  /**
   * Files read from the disk for their summaries are trusted (by their stat) within one session; a request with
   * another session reads what changed again. `chimera check`: one per run; the editor: one per request.
   */
  session?: string;
}

export type CompileOutcome =
  | { verdict: 'ok'; cid: string; wasmSize: number; exports: string[]; imports: string[]; specialisation?: Specialisation }
  | { verdict: 'unsupported'; construct: string; reason: string; line: number; column: number };

export interface VerifyOutcome {
  verdict: 'ok' | 'mismatch' | 'unsupported';
  compared: number;
  inconclusive: number;
  mismatches: { input: unknown[]; wasm: string; js: string }[];
}

export interface ProteinOutcome {
  digest: string;
  vector: number[];
  behaviour?: string;
  size: number;
}

export interface GeneAnalysis {
  gene: Gene;
  compile?: CompileOutcome;
  verify?: VerifyOutcome;
  protein?: ProteinOutcome;
}

export interface AnalysisTimings {
  extractMs: number;
  compileMs: number;
  verifyMs: number;
  hashMs: number;
}

export interface FileAnalysis {
  file: string;
  genes: GeneAnalysis[];
  skipped: SkippedGene[];
  errors: FileError[];
  timings: AnalysisTimings;
  /** With a workspace: the files it imports from and the sha-256 of their bytes (its verdicts rest on their summaries). */
  dependencies?: { file: string; digest: string }[];
}

/** One per workspace folder in this thread: the summaries stay (keyed by content), the sessions come and go. */
const workspaces = new Map<string, { purity: WorkspacePurity; session: string | undefined; maxBytes: number | undefined }>();

function workspacePurity(request: AnalysisRequest): WorkspacePurity {
  const root = request.workspace!;
  let held = workspaces.get(root);
  if (!held || held.maxBytes !== request.maxBytes) {
    held = { purity: new WorkspacePurity({ root, ...(request.maxBytes !== undefined ? { maxBytes: request.maxBytes } : {}), keepGenes: 500 }), session: request.session, maxBytes: request.maxBytes };
    workspaces.set(root, held);
  } else if (request.session === undefined || held.session !== request.session) {
    held.purity.newSession();
    held.session = request.session;
  }
  return held.purity;
}

/** Compiling is what the compiler accepts: pure, not able to throw, over numbers, booleans and strings. */
export function isCompilable(gene: Gene): boolean {
  return isCompileCandidate(gene);
}

function compileOutcome(compiled: ReturnType<typeof compileGene>): CompileOutcome {
  if (compiled.verdict === 'unsupported') return { verdict: 'unsupported', construct: compiled.construct, reason: compiled.reason, line: compiled.line, column: compiled.column };
  return { verdict: 'ok', cid: cidOfSync(compiled.bytes), wasmSize: compiled.bytes.length, exports: [...compiled.exports], imports: [...compiled.imports], ...(compiled.specialisation ? { specialisation: compiled.specialisation } : {}) };
}

function stopped(request: AnalysisRequest): FileError | undefined {
  if (request.cancellation?.isCancellationRequested) return { code: 'cancelled', message: 'The analysis was cancelled (a newer one replaced it).' };
  if (request.deadline !== undefined && Date.now() > request.deadline) return { code: 'budget-exceeded', message: 'The analysis ran out of its time budget; the genes found so far are shown.' };
  return undefined;
}

/** `executor` runs the compiled genes for verification; default: in this thread (the worker's), see verify.ts. */
export async function analyzeFile(request: AnalysisRequest, executor?: GeneExecutor): Promise<FileAnalysis> {
  const timings: AnalysisTimings = { extractMs: 0, compileMs: 0, verifyMs: 0, hashMs: 0 };
  let started = performance.now();
  let extracted: ReturnType<typeof extractGenesWithSource>['genes'];
  let sourceFile: ts.SourceFile | undefined;
  let dependencies: FileAnalysis['dependencies'];
  if (request.workspace !== undefined) {
    const analysed = workspacePurity(request).analyse(request.fileName, request.text, {
      ...(request.deadline !== undefined ? { deadline: request.deadline } : {}),
      ...(request.cancellation ? { cancellation: request.cancellation } : {}),
    });
    extracted = analysed.genes;
    dependencies = analysed.dependencies;
  } else {
    ({ genes: extracted, sourceFile } = extractGenesWithSource(request.fileName, request.text, {
      ...(request.maxBytes !== undefined ? { maxBytes: request.maxBytes } : {}),
      ...(request.deadline !== undefined ? { deadline: request.deadline } : {}),
      ...(request.cancellation ? { cancellation: request.cancellation } : {}),
    }));
  }
  timings.extractMs = performance.now() - started;
  const result: FileAnalysis = { file: request.fileName, genes: extracted.genes.map((gene) => ({ gene })), skipped: extracted.skipped, errors: [...extracted.errors], timings, ...(dependencies ? { dependencies } : {}) };
  const { features } = request;
  if (extracted.errors.length > 0 || !(features.compile || features.verify || features.proteinHash) || result.genes.length === 0) return result;
  // The later stages find each gene's node in a parse of the same text.
  sourceFile ??= parseSource(request.fileName, request.text);
  for (const entry of result.genes) {
    const halt = stopped(request);
    if (halt) {
      result.errors.push(halt);
      break;
    }
    const node = findFunctionNode(sourceFile, entry.gene);
    if (!node) continue;
    if ((features.compile || features.verify) && isCompilable(entry.gene)) {
      started = performance.now();
      const compiled = compileGene(sourceFile, node, { name: entry.gene.name });
      timings.compileMs += performance.now() - started;
      entry.compile = compileOutcome(compiled);
      if (features.verify && compiled.verdict === 'ok') {
        started = performance.now();
        entry.verify = await verify(sourceFile, compiled, request, executor);
        timings.verifyMs += performance.now() - started;
      }
    }
    if (features.proteinHash) {
      started = performance.now();
      const protein = proteinHash(sourceFile, node, { selfName: entry.gene.name.split('.').pop()! });
      timings.hashMs += performance.now() - started;
      entry.protein = { digest: protein.digest, vector: Array.from(protein.vector), ...(protein.behaviour ? { behaviour: protein.behaviour } : {}), size: protein.size };
    }
  }
  return result;
}

/**
 * Fuel per verification input, at most: an input that needs more is inconclusive. Without the cap every input that
 * loops (`count(s, '')`) burns the whole WASM_MAX_GAS (10,000,000 by default), about 0.1 s each, in every check.
 */
const VERIFY_MAX_FUEL = 1_000_000;

async function verify(sourceFile: ts.SourceFile, compiled: CompiledGene, request: AnalysisRequest, executor: GeneExecutor | undefined): Promise<VerifyOutcome> {
  const report = await verifyCompiledGene(sourceFile, compiled, {
    name: compiled.name,
    ...(executor ? { executor } : {}),
    ...(request.maxFuel !== undefined ? { fuel: Math.min(request.maxFuel, VERIFY_MAX_FUEL) } : {}),
    ...(request.maxTimeMs !== undefined ? { timeoutMs: request.maxTimeMs } : {}),
    ...(request.randomInputs !== undefined ? { randomInputs: request.randomInputs } : {}),
  });
  return { verdict: report.verdict, compared: report.compared, inconclusive: report.inconclusive, mismatches: report.mismatches.map((m) => ({ input: m.input, wasm: m.wasm, js: m.js })) };
}
