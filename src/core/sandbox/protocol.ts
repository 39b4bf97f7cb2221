import type { SandboxResult, WasmArgument, WasmValue } from './verdict';
import type { ElementKind } from '../wasm-array-abi';

/**
 * The argument tuples of a batch. Plain numbers for number-typed parameters travel as one Float64Array
 * (row after row, transferred rather than cloned); anything else (bigints, i64, a wrong arity) as the tuples themselves.
 */
export type BatchArguments = { count: number; arity: number; packed: Float64Array } | { count: number; tuples: WasmArgument[][] };

/** Parent → executor (child process or pool worker): one run, a batch of argument tuples. */
export interface ExecuteRequest {
  id: number;
  module: Uint8Array;
  exportName: string;
  /** Parameter and result types of the export, from inspectModule, so values are converted the same way everywhere. */
  params: string[];
  results: string[];
  /** No calls (count 0): instantiate only (the start function runs), answering one result. */
  args: BatchArguments;
  maxFuel: number;
  metered: boolean;
  /** The export returns a string pointer: the executor reads the string from the module's memory. */
  stringResult?: boolean;
  /** The export returns an array pointer: the executor answers the array's JSON text (src/core/wasm-array-abi.ts). */
  arrayResult?: ElementKind;
  /** Initial bytes of the memories the module does not export (the executor cannot see them; they may only be larger). */
  hiddenMemoryBytes: number;
}

/**
 * The results of consecutive calls of a batch, column by column: an `ok` call is a row of the columns, any other
 * outcome (and the instantiate-only answer) is given in full in `explicit`. Columns are transferred, not cloned.
 */
export interface ResultChunk {
  /** Calls answered by this chunk; they follow those of the previous chunks. */
  count: number;
  /** Values of ok calls: packed for one f32/f64/i32 result, a plain array for i64 or multi-value results, absent for none. */
  values?: Float64Array | WasmValue[];
  /** Fuel used by each call, when the module is fuel-metered. */
  fuel?: Float64Array;
  /** Milliseconds spent on each call. */
  ms: Float64Array;
  /** Calls whose result is not a plain ok row, by index within the chunk, ascending. */
  explicit: { index: number; result: SandboxResult }[];
}

/** Executor → parent. Progress lets the parent give every call of a long batch its own time limit. */
export type ExecutorMessage =
  | { type: 'online' }
  /** With the memory the instance holds from the start, so a long first call is counted in the pool's memory in use. */
  | { id: number; type: 'instantiated'; memoryBytes: number }
  | { id: number; type: 'progress'; chunk: ResultChunk; memoryBytes: number }
  | { id: number; type: 'done'; chunk: ResultChunk; failure?: SandboxResult; memoryBytes: number };

/** Executors report progress at most this often; the parent adds it to the time limit so no call gets less than the limit. */
export const PROGRESS_INTERVAL_MS = 25;

/** The buffers of a message that can be moved to the receiver instead of copied. */
export function transferables(message: ExecutorMessage | ExecuteRequest): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (array: Float64Array | unknown[] | undefined) => {
    if (array instanceof Float64Array && array.buffer instanceof ArrayBuffer && array.byteLength === array.buffer.byteLength) out.push(array.buffer);
  };
  if ('chunk' in message) {
    add(message.chunk.values);
    add(message.chunk.fuel);
    add(message.chunk.ms);
  } else if ('args' in message && 'packed' in message.args) add(message.args.packed);
  return out;
}
