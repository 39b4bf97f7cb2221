// What `chimera check` adds to a file's analysis when its genes are verified in the sandbox: the modules it stored by
// CID and what the runs cost. Shared by the check worker (check-worker-main.ts) and the report (genes-check.ts).
import type { AnalysisRequest, FileAnalysis } from '../analysis/pipeline';

/** How the check worker runs and keeps the compiled genes; travels beside the analysis request. */
export interface SandboxedSettings {
  /** `<cache>/modules`: every compiled module is kept there by CID; null: kept nowhere (--no-cache). */
  modulesDir: string | null;
}

export type SandboxedRequest = AnalysisRequest & { sandboxed?: SandboxedSettings };

/** Per analysed file: modules stored (miss) or already there (hit), sandbox runs and their peak WebAssembly memory. */
export interface SandboxedUse {
  modules: { hits: number; misses: number };
  runs: number;
  memoryBytes: number;
}

export type SandboxedAnalysis = FileAnalysis & { sandboxed?: SandboxedUse };

/** The totals over a check: what `chimera check --json` reports as `sandbox`. */
export interface SandboxSummary {
  /** Where the modules are kept; null with --no-cache. */
  modulesDir: string | null;
  modules: { hits: number; misses: number };
  runs: number;
  /** The largest WebAssembly memory any verification run reached. */
  memoryBytes: number;
}

export function addSandboxedUse(total: SandboxSummary, use: SandboxedUse | undefined): void {
  if (!use) return;
  total.modules.hits += use.modules.hits;
  total.modules.misses += use.modules.misses;
  total.runs += use.runs;
  total.memoryBytes = Math.max(total.memoryBytes, use.memoryBytes);
}
