/** The report of `chimera check`: plain data, rendered as text, JSON, JUnit XML or GitHub annotations. */
import type { SandboxSummary } from './sandboxed-analysis';

/** The five areas of the plan's smoke test; each becomes one JUnit test suite. */
export type CheckArea = 'flags' | 'genes' | 'protein' | 'monitoring' | 'rollback';

export const CHECK_AREAS: readonly CheckArea[] = ['flags', 'genes', 'protein', 'monitoring', 'rollback'];

/** Only `error` fails the run; `warning` and `notice` are shown and annotated. */
export type FindingSeverity = 'error' | 'warning' | 'notice';

export interface Finding {
  area: CheckArea;
  severity: FindingSeverity;
  /** Stable: part of the JSON and of CI filters. */
  code: string;
  message: string;
  /** Workspace-relative, with `/` separators. */
  file?: string;
  /** 1-based. */
  line?: number;
  column?: number;
  gene?: string;
  /** The arguments of a verification mismatch, as JSON gene values. */
  input?: unknown[];
}

/** One checked thing (a file, a flags file, a drill step): one JUnit test case. */
export interface CheckItem {
  area: CheckArea;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Failed because the check itself broke (crash, timeout), not because it found something. */
  broken?: boolean;
  findings: Finding[];
  durationMs: number;
  detail?: string;
}

export interface GeneStats {
  files: number;
  /** Files sent to a worker in this run (cache misses). */
  analysed: number;
  /** Files answered from the cache. */
  cached: number;
  genes: number;
  /** Unconditionally pure genes, receiver-pure ones included. */
  pure: number;
  /** Genes pure only if the functions they call through parameters are. */
  conditional: number;
  compiled: number;
  verified: number;
  mismatches: number;
  proteinHashed: number;
}

export interface CheckReport {
  ok: boolean;
  workspace: string;
  startedAt: string;
  durationMs: number;
  jobs: number;
  phase: number | 'custom';
  /** The flags as resolved for the workspace; the check runs as a dry run whatever they say. */
  features: { analysis: boolean; execution: boolean; proteinHash: boolean; publish: boolean; blockedBy: string | null };
  proteinHashChecked: boolean;
  stats: GeneStats;
  counts: { errors: number; warnings: number; notices: number };
  items: CheckItem[];
  findings: Finding[];
  /** Gene digests by `file#gene`, when protein hashes are checked. */
  proteinHashes?: Record<string, string>;
  /**
   * The verification runs in the sandbox (check worker): modules kept by CID in `modulesDir` (hits: already there),
   * sandbox runs and their peak WebAssembly memory in bytes. Absent when nothing was analysed by a check worker.
   */
  sandbox?: SandboxSummary;
}

export type { SandboxSummary } from './sandboxed-analysis';

export function itemOf(area: CheckArea, name: string, findings: Finding[], durationMs: number, detail?: string): CheckItem {
  return { area, name, status: findings.some((f) => f.severity === 'error') ? 'failed' : 'passed', findings, durationMs, ...(detail !== undefined ? { detail } : {}) };
}
