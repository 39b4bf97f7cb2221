/**
 * `chimera check`: the plan's smoke test of a whole Void workspace — flags, genes (compiled and verified),
 * protein hashes, monitoring rules and a rollback drill — in parallel, incremental, as one plain-data report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { GeneExecutor } from '../compiler';
import { DEFAULT_MAX_BYTES } from '../genes';
import { chimeraDir } from '../rollout/state';
import { type WorkspaceOptions, loadRolloutSnapshot } from '../rollout/workspace';
import { CheckCache } from './cache';
import { checkFlags } from './flags-check';
import { checkGenes } from './genes-check';
import { checkMonitoring, findOnPath } from './monitoring-check';
import { AnalysisPool } from './pool';
import { checkRollback } from './rollback-check';
import type { CheckItem, CheckReport, Finding } from './types';
import { selectFiles } from './walk';

export const DEFAULT_FILE_TIMEOUT_MS = 30_000;

export interface CheckOptions {
  workspace: string;
  workspaceOptions: WorkspaceOptions;
  /** Absolute paths inside the workspace; none: the whole workspace. */
  paths?: readonly string[];
  /** Gitignore-style globs, relative to the workspace. */
  excludes?: readonly string[];
  /** Workers; default one per core. */
  jobs?: number;
  /** The cache folder; null: no cache. */
  cacheDir: string | null;
  /**
   * The worker bundle: dist/check-worker.js verifies in the sandbox and keeps modules by CID (with `modulesDir`);
   * dist/analysis-worker.js verifies in its own thread.
   */
  workerScript: string;
  /** `<cache>/modules`, where the check worker keeps every compiled module by CID; null or absent: nowhere. */
  modulesDir?: string | null;
  maxFileBytes?: number;
  fileTimeoutMs?: number;
  /** Check protein hashes; default: when PROTEIN_HASH_ENABLED or WASM_EXEC_ENABLED is set, as the extension would hash. */
  proteinHash?: boolean;
  /** The promtool executable; undefined: look it up on PATH; null: not available. */
  promtool?: string | null;
  randomInputs?: number;
  /** Write `.chimera/check.json` for the pre-flight checklist ("All tests passing"). */
  record?: boolean;
  /**
   * Runs the compiled genes for verification instead of the sandbox in each worker (tests inject one); the files are
   * then analysed in this process, and the cache is neither read nor written: its results are not facts about the files.
   */
  executor?: GeneExecutor;
  onProgress?(done: number, total: number, file: string): void;
}

export type CheckOutcome = { ok: true; report: CheckReport } | { ok: false; error: string };

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export async function runCheck(options: CheckOptions): Promise<CheckOutcome> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const jobsWanted = Math.max(1, options.jobs ?? availableParallelism());
  // The monitoring export and the rollback drill depend on nothing else: they run alongside everything from the start.
  const monitoring = checkMonitoring(options.workspace, options.promtool === null ? undefined : (options.promtool ?? findOnPath('promtool')));
  const rollback = checkRollback(options.workspace, options.workspaceOptions);
  const cacheOpening = options.cacheDir !== null && !options.executor ? CheckCache.open(options.cacheDir, options.workspace) : Promise.resolve(undefined);
  // Without a cache, or with an empty one, every file will need a worker: the workers load while the files are
  // listed and the flags read, instead of after. A run with a cache starts them only on its first miss.
  let pool: AnalysisPool | undefined;
  const startedEarly = cacheOpening.then((cache) => {
    if ((cache && !cache.isEmpty) || options.executor) return;
    pool = new AnalysisPool(options.workerScript, jobsWanted);
    pool.start().catch(() => undefined);
  });
  const [selection, snapshot, cache] = await Promise.all([selectFiles(options.workspace, options.paths ?? [], options.excludes ?? []), loadRolloutSnapshot(options.workspace, options.workspaceOptions), cacheOpening, startedEarly]);
  if ('error' in selection) {
    await Promise.allSettled([pool?.dispose(), monitoring, rollback]);
    return { ok: false, error: selection.error };
  }
  const flags = snapshot.resolution.flags;
  const proteinHash = options.proteinHash ?? (flags.PROTEIN_HASH_ENABLED.value === true || flags.WASM_EXEC_ENABLED.value === true);
  pool ??= new AnalysisPool(options.workerScript, Math.min(jobsWanted, Math.max(1, selection.files.length)));
  const genePool = pool;

  const [flagItems, genes, monitoringItems, rollbackItems] = await Promise.all([
    checkFlags(snapshot),
    (async () => {
      try {
        if (selection.files.length === 0) return undefined;
        return await checkGenes({
          workspace: options.workspace,
          files: selection.files,
          pool: genePool,
          ...(cache ? { cache } : {}),
          proteinHash,
          maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_BYTES,
          fileTimeoutMs: options.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,
          maxFuel: flags.WASM_MAX_GAS.value as number,
          maxTimeMs: flags.WASM_MAX_TIME.value as number,
          ...(options.randomInputs !== undefined ? { randomInputs: options.randomInputs } : {}),
          ...(options.executor ? { executor: options.executor } : {}),
          sandboxed: { modulesDir: options.modulesDir ?? null },
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
      } finally {
        await genePool.dispose();
      }
    })(),
    monitoring,
    rollback,
  ]);

  const items: CheckItem[] = [...flagItems, ...(genes?.items ?? []), ...(genes?.proteinItems ?? []), ...monitoringItems, ...rollbackItems];
  const findings = sortFindings(items.flatMap((item) => item.findings));
  const counts = { errors: 0, warnings: 0, notices: 0 };
  for (const finding of findings) counts[finding.severity === 'error' ? 'errors' : finding.severity === 'warning' ? 'warnings' : 'notices']++;
  const report: CheckReport = {
    ok: counts.errors === 0,
    workspace: options.workspace,
    startedAt,
    durationMs: performance.now() - started,
    jobs: genePool.size,
    phase: snapshot.phase.id,
    features: { ...snapshot.features, blockedBy: snapshot.features.blockedBy ?? null },
    proteinHashChecked: proteinHash,
    stats: genes?.stats ?? { files: 0, analysed: 0, cached: 0, genes: 0, pure: 0, conditional: 0, compiled: 0, verified: 0, mismatches: 0, proteinHashed: 0 },
    counts,
    items,
    findings,
    ...(proteinHash && genes ? { proteinHashes: genes.proteinHashes } : {}),
    ...(genes?.sandbox ? { sandbox: genes.sandbox } : {}),
  };
  if (options.record) await recordResult(options.workspace, report);
  return { ok: true, report };
}

/** What the pre-flight checklist reads for "All tests passing"; written only when asked (--record). */
export async function recordResult(workspace: string, report: CheckReport): Promise<void> {
  await mkdir(chimeraDir(workspace), { recursive: true });
  await writeFile(join(chimeraDir(workspace), 'check.json'), `${JSON.stringify({ ok: report.ok, at: new Date().toISOString(), errors: report.counts.errors })}\n`);
}
