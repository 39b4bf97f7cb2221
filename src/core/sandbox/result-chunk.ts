import type { ResultChunk } from './protocol';
import type { SandboxResult, WasmValue } from './verdict';

const PACKED_RESULT_TYPES = new Set(['i32', 'f32', 'f64']);

/**
 * Executor side: collects the results of a batch's calls into columns and cuts them into chunks.
 * A batch answered in one message sends its columns as they are; a progress report sends a copy of the rows so far.
 */
export class ResultChunkWriter {
  private readonly values: Float64Array | WasmValue[] | undefined;
  private readonly fuel: Float64Array | undefined;
  private readonly ms: Float64Array;
  private explicit: ResultChunk['explicit'] = [];
  /** Rows [from, to) are filled and not yet sent. */
  private from = 0;
  private to = 0;

  constructor(count: number, resultTypes: readonly string[], metered: boolean) {
    this.values = resultTypes.length === 0 ? undefined : resultTypes.length === 1 && PACKED_RESULT_TYPES.has(resultTypes[0]!) ? new Float64Array(count) : [];
    this.fuel = metered ? new Float64Array(count) : undefined;
    this.ms = new Float64Array(count);
  }

  /** The value columns of an ok call; `value` must be a number when the result is packed. */
  ok(value: WasmValue, fuelUsed: number | null, ms: number): void {
    const row = this.to++;
    if (this.values instanceof Float64Array) this.values[row] = value as number;
    else if (this.values) this.values[row] = value;
    if (this.fuel) this.fuel[row] = fuelUsed ?? 0;
    this.ms[row] = ms;
  }

  /** Fast path of `ok` for a packed number result: no boxing of the value on the way. */
  okNumber(value: number, fuelUsed: number, ms: number): void {
    const row = this.to++;
    (this.values as Float64Array)[row] = value;
    if (this.fuel) this.fuel[row] = fuelUsed;
    this.ms[row] = ms;
  }

  get packsNumbers(): boolean {
    return this.values instanceof Float64Array;
  }

  other(result: SandboxResult): void {
    const row = this.to++;
    // Keeps a plain value column dense (no holes) for its trip through structured clone.
    if (Array.isArray(this.values)) this.values[row] = null;
    this.explicit.push({ index: row - this.from, result });
  }

  /** The rows filled since the last chunk. */
  take(): ResultChunk {
    const { from, to } = this;
    const whole = from === 0 && to === this.ms.length;
    // Once the columns went whole (and were transferred, detached), only empty chunks may follow: never slice them.
    const cut = <T extends Float64Array | WasmValue[]>(column: T | undefined): T | undefined => {
      if (column === undefined || whole) return column;
      if (from === to) return (column instanceof Float64Array ? new Float64Array(0) : []) as T;
      return column.slice(from, to) as T;
    };
    const chunk: ResultChunk = { count: to - from, ms: cut(this.ms)!, explicit: this.explicit };
    const values = cut(this.values);
    if (values) chunk.values = values;
    const fuel = cut(this.fuel);
    if (fuel) chunk.fuel = fuel;
    this.from = to;
    this.explicit = [];
    return chunk;
  }
}

/** Host side: turns a chunk back into one SandboxResult per call, appended to `into`. */
export function appendChunk(chunk: ResultChunk, into: SandboxResult[]): void {
  const { values, fuel, ms, explicit } = chunk;
  let next = 0;
  for (let row = 0; row < chunk.count; row++) {
    if (next < explicit.length && explicit[next]!.index === row) {
      into.push(explicit[next++]!.result);
      continue;
    }
    into.push({ verdict: 'ok', value: values === undefined ? null : values[row]!, fuelUsed: fuel === undefined ? null : fuel[row]!, message: 'ok', ms: ms[row]! });
  }
}
