import { FUEL_GLOBAL, findHostImport, STATUS_GLOBAL, STATUS_MEMORY_LIMIT, STATUS_OUT_OF_FUEL, STATUS_TYPE_ERROR, STATUS_UNREPRESENTABLE, TYPE_ERROR_MESSAGE, UNREPRESENTABLE_MESSAGE } from '../wasm-abi';
import { type ElementKind, arrayJson, isArrayArgument, readArray, writeArray } from '../wasm-array-abi';
import { ArenaFull, readString, resetArena, type StringAbi, stringAbiOf, writeString } from '../wasm-string-abi';
import { classifyError } from './classify-error';
import { type BatchArguments, type ExecuteRequest, type ExecutorMessage, PROGRESS_INTERVAL_MS } from './protocol';
import { ResultChunkWriter } from './result-chunk';
import type { SandboxResult, WasmArgument, WasmValue } from './verdict';

type Post = (message: ExecutorMessage) => void;
type Exported = (...args: unknown[]) => unknown;

/**
 * Runs one request inside an executor (child process or pool worker): compile, instantiate with the host's own
 * Math functions, then call the export once per argument tuple. Never throws; the parent enforces the wall clock.
 */
export function executeRequest(request: ExecuteRequest, post: Post): void {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const { id } = request;
  let instance: WebAssembly.Instance;
  try {
    const module = compileCached(request.module);
    instance = new WebAssembly.Instance(module, hostImports(module));
  } catch (error) {
    post({ id, type: 'done', chunk: noResults(), failure: classifyError(error, elapsed()), memoryBytes: 0 });
    return;
  }
  // Memories only grow, so what is in use after a call is the peak so far.
  const memoryBytes = () => request.hiddenMemoryBytes + exportedMemoryBytes(instance);
  post({ id, type: 'instantiated', memoryBytes: memoryBytes() });
  if (request.args.count === 0) {
    const only = new ResultChunkWriter(1, [], false);
    only.other({ verdict: 'ok', value: null, fuelUsed: null, message: 'instantiated', ms: elapsed() });
    post({ id, type: 'done', chunk: only.take(), memoryBytes: memoryBytes() });
    return;
  }
  const exported = instance.exports[request.exportName];
  if (typeof exported !== 'function') {
    post({ id, type: 'done', chunk: noResults(), failure: { verdict: 'invalid-module', message: `the module exports no function named '${request.exportName}'`, ms: elapsed() }, memoryBytes: memoryBytes() });
    return;
  }
  const meter = request.metered ? fuelMeter(instance, request.maxFuel) : undefined;
  const strings = stringAbiOf(instance.exports);
  const writer = new ResultChunkWriter(request.args.count, request.stringResult || request.arrayResult ? ['string'] : request.results, meter !== undefined);
  const direct = writer.packsNumbers && 'packed' in request.args ? packedCall(exported as Exported, request.args) : tupleCall(exported as Exported, request.params, request.args, strings);
  const call = strings ? withArena(strings, direct, request.stringResult === true, request.arrayResult) : direct;
  runCalls(request.args.count, call, meter, writer, () => post({ id, type: 'progress', chunk: writer.take(), memoryBytes: memoryBytes() }), status(instance));
  post({ id, type: 'done', chunk: writer.take(), memoryBytes: memoryBytes() });
}

function exportedMemoryBytes(instance: WebAssembly.Instance): number {
  let bytes = 0;
  const seen = new Set<WebAssembly.Memory>();
  for (const value of Object.values(instance.exports)) {
    if (value instanceof WebAssembly.Memory && !seen.has(value)) {
      seen.add(value);
      bytes += value.buffer.byteLength;
    }
  }
  return bytes;
}

const noResults = () => new ResultChunkWriter(0, [], false).take();

/** Arguments the export cannot take: the call is `unsupported` and never made. */
class UnsupportedArguments extends Error {}

/**
 * The batch loop: one clock reading per call serves both the call's time and the progress reports;
 * results go straight into the writer's columns, so an ok call allocates nothing.
 */
function runCalls(count: number, call: (row: number) => unknown, meter: FuelMeter | undefined, writer: ResultChunkWriter, progress: () => void, statusOf: () => number): void {
  let before = performance.now();
  let lastPost = before;
  for (let row = 0; row < count; row++) {
    meter?.reset();
    let value: unknown;
    let failure: unknown = undefined;
    let failed = false;
    try {
      value = call(row);
    } catch (error) {
      failed = true;
      failure = error;
    }
    const now = performance.now();
    const ms = now - before;
    if (!failed) {
      if (writer.packsNumbers) writer.okNumber(value as number, meter ? meter.used() : 0, ms);
      else writer.ok(toWasmValue(value), meter ? meter.used() : null, ms);
    } else writer.other(failedCall(failure, meter, ms, statusOf()));
    before = now;
    if (now - lastPost >= PROGRESS_INTERVAL_MS) {
      progress();
      // Posting is not the next call's time.
      before = lastPost = performance.now();
    }
  }
}

function failedCall(error: unknown, meter: FuelMeter | undefined, ms: number, status: number): SandboxResult {
  if (error instanceof UnsupportedArguments) return { verdict: 'unsupported', message: error.message, ms: 0 };
  if (error instanceof ArenaFull) return { verdict: 'memory-limit', message: error.message, ms };
  if (status === STATUS_MEMORY_LIMIT) return { verdict: 'memory-limit', message: 'the arena outgrew the memory limit', ms };
  if (status === STATUS_UNREPRESENTABLE) return { verdict: 'unsupported', message: UNREPRESENTABLE_MESSAGE, ms };
  if (status === STATUS_TYPE_ERROR) return { verdict: 'trap', trap: 'unreachable', message: TYPE_ERROR_MESSAGE, ms };
  if (meter?.exhausted()) return { verdict: 'out-of-fuel', fuelUsed: meter.used(), message: 'the call ran out of fuel', ms };
  return classifyError(error, ms);
}

/** Calls on rows of one Float64Array; the common arities call directly instead of spreading. */
function packedCall(fn: Exported, args: Extract<BatchArguments, { packed: Float64Array }>): (row: number) => unknown {
  const { arity, packed } = args;
  if (arity === 0) return () => fn();
  if (arity === 1) return (row) => fn(packed[row]);
  if (arity === 2) return (row) => fn(packed[2 * row], packed[2 * row + 1]);
  if (arity === 3) return (row) => fn(packed[3 * row], packed[3 * row + 1], packed[3 * row + 2]);
  return (row) => fn(...packed.subarray(arity * row, arity * (row + 1)));
}

/** The status global of a fuel-metered module (0 without one): why its last call trapped. */
function status(instance: WebAssembly.Instance): () => number {
  const global = instance.exports[STATUS_GLOBAL];
  return global instanceof WebAssembly.Global ? () => global.value as number : () => 0;
}

/** A compiled gene with strings: each call starts with an empty arena, and a string result is read before the next. */
function withArena(strings: StringAbi, call: (row: number) => unknown, stringResult: boolean, arrayResult: ElementKind | undefined): (row: number) => unknown {
  return (row) => {
    resetArena(strings);
    const value = call(row);
    if (arrayResult) return arrayJson(readArray(strings, arrayResult, value as number));
    return stringResult ? (readString(strings, value as number) ?? null) : value;
  };
}

/** Calls on argument tuples (bigints, i64 parameters, strings, a wrong arity), each converted by the export's signature. */
function tupleCall(fn: Exported, params: string[], args: BatchArguments, strings: StringAbi | undefined): (row: number) => unknown {
  const tupleAt = 'tuples' in args ? (row: number) => args.tuples[row]! : (row: number) => Array.from(args.packed.subarray(args.arity * row, args.arity * (row + 1)));
  return (row) => {
    const converted = convertArguments(params, tupleAt(row), strings);
    if (typeof converted === 'string') throw new UnsupportedArguments(converted);
    return fn(...converted);
  };
}

/** Compiled modules of the last few runs: a gene verified batch after batch keeps its optimized code. Instances are always fresh. */
const compiled: { bytes: Uint8Array; module: WebAssembly.Module }[] = [];
const COMPILED_CACHE_SIZE = 8;

function compileCached(bytes: Uint8Array): WebAssembly.Module {
  const hit = compiled.find((entry) => entry.bytes.length === bytes.length && Buffer.compare(entry.bytes, bytes) === 0);
  if (hit) return hit.module;
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  compiled.unshift({ bytes: Uint8Array.from(bytes), module });
  compiled.length = Math.min(compiled.length, COMPILED_CACHE_SIZE);
  return module;
}

interface FuelMeter {
  reset(): void;
  used(): number;
  exhausted(): boolean;
}

function fuelMeter(instance: WebAssembly.Instance, maxFuel: number): FuelMeter | undefined {
  const fuel = instance.exports[FUEL_GLOBAL];
  const status = instance.exports[STATUS_GLOBAL];
  if (!(fuel instanceof WebAssembly.Global) || !(status instanceof WebAssembly.Global)) return undefined;
  const budget = BigInt(Math.max(0, Math.floor(maxFuel)));
  return {
    reset() {
      fuel.value = budget;
      status.value = 0;
    },
    used: () => Number(budget - (fuel.value as bigint)),
    exhausted: () => status.value === STATUS_OUT_OF_FUEL,
  };
}

/** i64 parameters take a bigint or an integral number; other types take numbers (NaN, Infinity and -0 included). */
function convertArguments(params: string[], tuple: WasmArgument[], strings: StringAbi | undefined): unknown[] | string {
  if (tuple.length !== params.length) return `the export takes ${params.length} argument(s), ${tuple.length} given`;
  // The common case (numbers for f64/i32 genes) needs no copy: this runs once per call of a batch.
  if (tuple.every((value, i) => typeof value === 'number' && params[i] !== 'i64')) return tuple;
  const out: unknown[] = [];
  for (let i = 0; i < params.length; i++) {
    const value = tuple[i]!;
    if (typeof value === 'string') {
      if (params[i] !== 'i32' || !strings) return `argument ${i + 1} is a string, but the module takes no strings there`;
      out.push(writeString(strings, value));
    } else if (isArrayArgument(value)) {
      if (params[i] !== 'i32' || !strings) return `argument ${i + 1} is an array, but the module takes no arrays there`;
      out.push(writeArray(strings, value.elements, value.items));
    } else if (params[i] === 'i64') {
      if (typeof value === 'bigint') out.push(value);
      else if (Number.isInteger(value)) out.push(BigInt(value));
      else return `argument ${i + 1} (${String(value)}) is not an integer, but the parameter is i64`;
    } else if (params[i] === 'i32' || params[i] === 'f32' || params[i] === 'f64') {
      out.push(typeof value === 'bigint' ? Number(value) : value);
    } else return `parameter ${i + 1} has type ${params[i]}, which cannot be passed from the host`;
  }
  return out;
}

function toWasmValue(value: unknown): WasmValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'bigint' ? v : Number(v)));
  return typeof value === 'bigint' ? value : Number(value);
}

/** The only host functions a module gets: the whitelisted ones, taken from this realm's own Math. */
function hostImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  const math = Math as unknown as Record<string, (...args: number[]) => number>;
  for (const entry of WebAssembly.Module.imports(module)) {
    // The parent checked imports already; anything else is left out, so instantiation fails rather than links.
    if (entry.kind !== 'function' || !findHostImport(entry.module, entry.name)) continue;
    (imports[entry.module] ??= {})[entry.name] = math[entry.name]!;
  }
  return imports;
}
