/** A benchmark measures our code and a baseline in the same run; the report is their ratio. */
export interface Benchmark {
  name: string;
  /** What is measured, and what the baseline is, in one sentence for bench/results.md. */
  description: string;
  unit: string;
  runs: number;
  baseline(): Promise<number>;
  subject(): Promise<number>;
  /** Run once before measuring, for steady-state numbers (e.g. a worker started and its code compiled). */
  warmup?(): Promise<void>;
}

/** A benchmark that measures both sides in one session of its own (e.g. alternating rounds in one workbench) and
 *  returns every sample; `runs` counts rounds, and `ratio` says which statistic the ratio column compares. */
export interface SessionBenchmark {
  name: string;
  description: string;
  unit: string;
  runs: number;
  ratio: 'median' | 'p95';
  session(): Promise<{ baseline: number[]; subject: number[]; description?: string }>;
}

export interface Summary {
  min: number;
  median: number;
  p95: number;
  max: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
  return { min: sorted[0]!, median, p95, max: sorted[sorted.length - 1]! };
}

/** Milliseconds one synchronous piece of work takes. */
export function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}
