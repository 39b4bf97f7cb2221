// Areas 2 and 3 of `chimera check`: every source file's genes extracted, compiled, verified; protein hashes twice.
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type AnalysisFeatures, type FileAnalysis, analyzeFile } from '../analysis/pipeline';
import type { GeneExecutor } from '../compiler';
import { decodeSource } from '../genes';
import type { FileError } from '../genes';
import { type CheckCache, type FileSummary, cacheKey, contentDigest, settingsKey, statSignature } from './cache';
import { DependencyCheck } from './dependencies';
import type { AnalysisPool, PoolOutcome } from './pool';
import { type SandboxSummary, type SandboxedAnalysis, type SandboxedRequest, type SandboxedSettings, type SandboxedUse, addSandboxedUse } from './sandboxed-analysis';
import { type CheckItem, type Finding, type GeneStats, itemOf } from './types';

export interface GeneCheckOptions {
  workspace: string;
  /** Workspace-relative, `/`-separated. */
  files: readonly string[];
  pool: AnalysisPool;
  cache?: CheckCache;
  proteinHash: boolean;
  maxFileBytes: number;
  fileTimeoutMs: number;
  maxFuel?: number;
  maxTimeMs?: number;
  randomInputs?: number;
  /** Runs the compiled genes for verification instead of the workers' own executor; the files are then analysed here. */
  executor?: GeneExecutor;
  /** For the check worker (dist/check-worker.js): where it keeps the compiled modules by CID. */
  sandboxed?: SandboxedSettings;
  onProgress?(done: number, total: number, file: string): void;
}

export interface GeneCheckResult {
  items: CheckItem[];
  proteinItems: CheckItem[];
  stats: GeneStats;
  proteinHashes: Record<string, string>;
  /** The sandbox's work over the files analysed by check workers: modules kept by CID, runs, peak memory. */
  sandbox?: SandboxSummary;
}

type FileOutcome =
  | { kind: 'analyzed'; summary: FileSummary; fromCache: boolean; sandboxed?: SandboxedUse }
  | { kind: 'failed'; findings: Finding[]; broken: boolean };

const FILE_ERROR_CODES: Record<FileError['code'], string> = {
  'too-large': 'file-too-large',
  'too-deep': 'file-too-deep',
  'not-utf8': 'file-not-utf8',
  unreadable: 'file-unreadable',
  'budget-exceeded': 'file-timeout',
  cancelled: 'file-timeout',
};

function fileFinding(file: string, code: string, message: string, area: Finding['area'] = 'genes'): Finding {
  return { area, severity: 'error', code, message, file, line: 1, column: 1 };
}

const show = (input: unknown[]) => input.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');

/** What one analysed file means for CI: analysis errors, genes skipped for syntax errors, verification mismatches. */
export function geneFindings(analysis: FileAnalysis): Finding[] {
  const file = analysis.file;
  const findings: Finding[] = analysis.errors.map((error) => fileFinding(file, FILE_ERROR_CODES[error.code], error.message));
  for (const skipped of analysis.skipped) {
    findings.push({ area: 'genes', severity: 'warning', code: 'gene-not-analysed', message: `${skipped.name} was not analysed: ${skipped.reason.message}`, file, line: skipped.line, column: skipped.column, gene: skipped.name });
  }
  for (const { gene, verify } of analysis.genes) {
    if (verify?.verdict !== 'mismatch') continue;
    const first = verify.mismatches[0]!;
    const more = verify.mismatches.length > 1 ? ` (and ${verify.mismatches.length - 1} more of ${verify.compared} inputs)` : '';
    findings.push({
      area: 'genes',
      severity: 'error',
      code: 'wasm-mismatch',
      message: `the WebAssembly of ${gene.name} differs from its JavaScript: ${gene.name}(${show(first.input)}) is ${first.wasm} in WebAssembly but ${first.js} in JavaScript${more}`,
      file,
      line: gene.line,
      column: gene.column,
      gene: gene.name,
      input: first.input,
    });
  }
  return findings;
}

function outcomeFailure(file: string, outcome: Exclude<PoolOutcome, { ok: true }>, area: Finding['area']): Finding {
  return outcome.kind === 'timeout' ? fileFinding(file, 'file-timeout', outcome.message, area) : fileFinding(file, 'analysis-crash', `the analysis crashed: ${outcome.message}`, area);
}

type AnalyzePayload = Parameters<AnalysisPool['analyze']>[0];

/**
 * One file's analysis on a pool worker; with an injected executor in this process (a worker cannot take a function),
 * with the same cooperative deadline and failures as values.
 */
function analyze(options: GeneCheckOptions, payload: AnalyzePayload, timeoutMs: number): Promise<PoolOutcome> {
  if (!options.executor) return options.pool.analyze(payload, timeoutMs);
  return analyzeFile({ ...payload, deadline: Date.now() + timeoutMs }, options.executor).then(
    (result): PoolOutcome => ({ ok: true, result }),
    (error: unknown): PoolOutcome => ({ ok: false, kind: 'crash', message: error instanceof Error ? error.message : String(error) }),
  );
}

/** The protein digests of a second, independent analysis (another call, possibly another worker), by gene id. */
async function rehash(options: GeneCheckOptions, file: string, text: string): Promise<{ ok: true; digests: Record<string, string> } | { ok: false; finding: Finding }> {
  const outcome = await analyze(options, { fileName: file, text, features: { compile: false, verify: false, proteinHash: true }, maxBytes: options.maxFileBytes }, options.fileTimeoutMs);
  if (!outcome.ok) return { ok: false, finding: outcomeFailure(file, outcome, 'protein') };
  return { ok: true, digests: Object.fromEntries(outcome.result.genes.flatMap((g) => (g.protein ? [[g.gene.id, g.protein.digest]] : []))) };
}

type Limits = { maxFuel?: number; maxTimeMs?: number; randomInputs?: number };

/** A file's stat, or why it cannot be read. */
type StatOutcome = { ok: true; info: Stats } | { ok: false; code: string };

/** What one run shares: the settings' key, the check of cached entries' dependencies, the session of the workers' summaries. */
interface RunContext {
  settings: string;
  dependencies: DependencyCheck | undefined;
  session: string;
}

async function checkFile(options: GeneCheckOptions, file: string, statted: StatOutcome, features: AnalysisFeatures, limits: Limits, run: RunContext): Promise<FileOutcome> {
  const { settings } = run;
  const stands = (summary: FileSummary | undefined): summary is FileSummary => summary !== undefined && (!run.dependencies || run.dependencies.unchanged(summary));
  if (!statted.ok) return { kind: 'failed', broken: true, findings: [fileFinding(file, 'file-unreadable', `cannot read the file (${statted.code})`)] };
  const { info } = statted;
  if (info.size > options.maxFileBytes) {
    return { kind: 'failed', broken: false, findings: [fileFinding(file, 'file-too-large', `the file has ${info.size} bytes, more than the ${options.maxFileBytes}-byte limit (--max-file-bytes): it was not analysed`)] };
  }
  // An unchanged stat signature stands for unchanged bytes (see cache.ts): the file is not even read.
  const known = options.cache?.knownDigest(file, statSignature(info));
  if (known !== undefined) {
    const cached = options.cache?.get(cacheKey(file, known, settings), file);
    if (stands(cached)) return { kind: 'analyzed', summary: cached, fromCache: true };
  }
  let bytes: Uint8Array;
  const readAt = Date.now();
  try {
    bytes = await readFile(join(options.workspace, file));
  } catch (error) {
    return { kind: 'failed', broken: true, findings: [fileFinding(file, 'file-unreadable', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`)] };
  }
  const decoded = decodeSource(bytes);
  if (!decoded.ok) return { kind: 'failed', broken: false, findings: [fileFinding(file, FILE_ERROR_CODES[decoded.error.code], decoded.error.message)] };
  const text = decoded.text;
  const digest = contentDigest(bytes);
  options.cache?.rememberDigest(file, info, digest, readAt);
  const key = cacheKey(file, digest, settings);
  const cached = options.cache?.get(key, file);
  if (stands(cached)) return { kind: 'analyzed', summary: cached, fromCache: true };

  // Imports are decided from the summaries of the workspace's files (computed by the worker, kept for the run);
  // extra fields of the payload reach the check worker through the structured clone; the analysis worker ignores them.
  const workspace = resolve(options.workspace);
  const payload: Omit<SandboxedRequest, 'deadline'> = {
    fileName: join(workspace, file),
    text,
    features,
    maxBytes: options.maxFileBytes,
    ...limits,
    workspace,
    session: run.session,
    ...(options.sandboxed ? { sandboxed: options.sandboxed } : {}),
  };
  const outcome = await analyze(options, payload, options.fileTimeoutMs);
  if (!outcome.ok) return { kind: 'failed', broken: true, findings: [outcomeFailure(file, outcome, 'genes')] };
  const analysis: SandboxedAnalysis = { ...outcome.result, file };
  let rehashed: Record<string, string> | undefined;
  if (options.proteinHash && analysis.genes.some((g) => g.protein)) {
    const second = await rehash(options, file, text);
    if (!second.ok) return { kind: 'failed', broken: true, findings: [...geneFindings(analysis), second.finding] };
    rehashed = second.digests;
  }
  const summary = summarize(analysis, rehashed);
  if (run.dependencies && analysis.dependencies) summary.dependencies = Object.fromEntries(analysis.dependencies.map((d) => [run.dependencies!.name(d.file), d.digest]));
  // Time-dependent outcomes are not facts about the file: they are analysed again next time.
  const timedOut = analysis.errors.some((e) => e.code === 'budget-exceeded' || e.code === 'cancelled');
  if (options.cache && !timedOut) options.cache.set(key, summary);
  return { kind: 'analyzed', summary, fromCache: false, ...(analysis.sandboxed ? { sandboxed: analysis.sandboxed } : {}) };
}

/** What the report needs of one analysed file, and all the cache keeps: counts, findings and protein digests. */
export function summarize(analysis: FileAnalysis, rehashed: Record<string, string> | undefined): FileSummary {
  const counts = { genes: analysis.genes.length, pure: 0, conditional: 0, compiled: 0, verified: 0, mismatches: 0, proteinHashed: 0 };
  const protein: FileSummary['protein'] = [];
  for (const g of analysis.genes) {
    if (g.gene.purity === 'pure') counts.pure++;
    else if (g.gene.purity === 'conditional') counts.conditional++;
    if (g.compile?.verdict === 'ok') counts.compiled++;
    if (g.verify?.verdict === 'ok') counts.verified++;
    if (g.verify?.verdict === 'mismatch') counts.mismatches++;
    if (g.protein) {
      counts.proteinHashed++;
      protein.push({ gene: g.gene.name, line: g.gene.line, column: g.gene.column, digest: g.protein.digest, again: rehashed?.[g.gene.id] ?? null });
    }
  }
  return { file: analysis.file, counts, findings: geneFindings(analysis), protein };
}

function proteinItem(summary: FileSummary, hashes: Record<string, string>, durationMs: number): CheckItem | undefined {
  if (summary.protein.length === 0) return undefined;
  const findings: Finding[] = [];
  for (const { gene, line, column, digest, again } of summary.protein) {
    hashes[`${summary.file}#${gene}`] = digest;
    if (again !== digest) {
      findings.push({ area: 'protein', severity: 'error', code: 'protein-not-reproducible', message: `the protein hash of ${gene} is not reproducible: ${digest} then ${again ?? 'nothing'}`, file: summary.file, line, column, gene });
    }
  }
  return itemOf('protein', summary.file, findings, durationMs, `${summary.protein.length} genes hashed twice`);
}

export async function checkGenes(options: GeneCheckOptions): Promise<GeneCheckResult> {
  const features: AnalysisFeatures = { compile: true, verify: true, proteinHash: options.proteinHash };
  const limits: Limits = {
    ...(options.maxFuel !== undefined ? { maxFuel: options.maxFuel } : {}),
    ...(options.maxTimeMs !== undefined ? { maxTimeMs: options.maxTimeMs } : {}),
    ...(options.randomInputs !== undefined ? { randomInputs: options.randomInputs } : {}),
  };
  const settings = settingsKey({ features, maxBytes: options.maxFileBytes, ...limits });
  const run: RunContext = { settings, dependencies: options.cache ? new DependencyCheck(resolve(options.workspace), options.cache, settings) : undefined, session: `${process.pid}:${Date.now()}:${Math.random()}` };
  const stats: GeneStats = { files: options.files.length, analysed: 0, cached: 0, genes: 0, pure: 0, conditional: 0, compiled: 0, verified: 0, mismatches: 0, proteinHashed: 0 };
  const items: CheckItem[] = new Array(options.files.length);
  const proteinItems: (CheckItem | undefined)[] = new Array(options.files.length);
  const proteinHashes: Record<string, string> = {};
  const sandbox: SandboxSummary | undefined = options.sandboxed && !options.executor ? { modulesDir: options.sandboxed.modulesDir, modules: { hits: 0, misses: 0 }, runs: 0, memoryBytes: 0 } : undefined;
  // Every file stat'ed at once (cheap): the cache is looked up by signature, and the largest files go first, so no
  // worker is left with a big file at the end while the others idle.
  const statted = await Promise.all(
    options.files.map((file): Promise<StatOutcome> => stat(join(options.workspace, file)).then((info) => ({ ok: true, info }), (error: NodeJS.ErrnoException) => ({ ok: false, code: error.code ?? String(error) }))),
  );
  const sizeOf = (index: number) => {
    const outcome = statted[index]!;
    return outcome.ok ? outcome.info.size : 0;
  };
  const order = options.files.map((_, index) => index).sort((a, b) => sizeOf(b) - sizeOf(a) || a - b);
  let next = 0;
  let done = 0;
  // More runners than workers: some read and look up the cache while others wait on a worker.
  const runners = Array.from({ length: Math.min(options.files.length, 64) }, async () => {
    while (next < order.length) {
      const index = order[next++]!;
      const file = options.files[index]!;
      const started = performance.now();
      const outcome = await checkFile(options, file, statted[index]!, features, limits, run);
      const durationMs = performance.now() - started;
      if (outcome.kind === 'failed') {
        const genes = outcome.findings.filter((f) => f.area === 'genes');
        items[index] = { ...itemOf('genes', file, genes, durationMs), ...(outcome.broken ? { broken: true } : {}) };
        const protein = outcome.findings.filter((f) => f.area === 'protein');
        if (protein.length > 0) proteinItems[index] = { ...itemOf('protein', file, protein, durationMs), broken: true };
        if (outcome.broken) stats.analysed++;
      } else {
        const { summary } = outcome;
        if (outcome.fromCache) stats.cached++;
        else stats.analysed++;
        if (sandbox) addSandboxedUse(sandbox, outcome.sandboxed);
        for (const name of ['genes', 'pure', 'conditional', 'compiled', 'verified', 'mismatches', 'proteinHashed'] as const) stats[name] += summary.counts[name];
        items[index] = itemOf('genes', file, summary.findings, durationMs, `${summary.counts.genes} genes, ${summary.counts.compiled} compiled and verified${outcome.fromCache ? ' (cached)' : ''}`);
        if (options.proteinHash) proteinItems[index] = proteinItem(summary, proteinHashes, durationMs);
      }
      options.onProgress?.(++done, options.files.length, file);
    }
  });
  await Promise.all(runners);
  await options.cache?.save();
  return { items, proteinItems: proteinItems.filter((item): item is CheckItem => item !== undefined), stats, proteinHashes, ...(sandbox ? { sandbox } : {}) };
}
