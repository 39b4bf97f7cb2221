/** Messages between the extension host (or CLI) and the analysis worker; plain data only. */
export type WorkerRequest = { id: number; op: 'describe' };

export type WorkerResponse =
  | { id: number; ok: true; result: WorkerDescription }
  | { id: number; ok: false; error: string };

/** What the worker runtime can do; the pipeline checks this before sending work. */
export interface WorkerDescription {
  node: string;
  webAssembly: boolean;
  threadId: number;
}
