import type { SandboxResult, WasmScalar } from './verdict';

/** Parent → executor (child process or pool worker): one run, a batch of argument tuples. */
export interface ExecuteRequest {
  id: number;
  module: Uint8Array;
  exportName: string;
  /** Parameter types of the export, from inspectModule, so arguments are converted the same way everywhere. */
  params: string[];
  /** Empty: instantiate only (the start function runs), answering one result. */
  args: WasmScalar[][];
  maxFuel: number;
  metered: boolean;
}

/** Executor → parent. Progress lets the parent give every call of a long batch its own time limit. */
export type ExecutorMessage =
  | { type: 'online' }
  | { id: number; type: 'instantiated' }
  | { id: number; type: 'progress'; results: SandboxResult[] }
  | { id: number; type: 'done'; results: SandboxResult[]; failure?: SandboxResult };

/** Executors report progress at most this often; the parent adds it to the time limit so no call gets less than the limit. */
export const PROGRESS_INTERVAL_MS = 25;
