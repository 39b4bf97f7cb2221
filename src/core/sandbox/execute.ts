import { FUEL_GLOBAL, findHostImport, STATUS_GLOBAL, STATUS_OUT_OF_FUEL } from '../wasm-abi';
import { classifyError } from './classify-error';
import { type ExecuteRequest, type ExecutorMessage, PROGRESS_INTERVAL_MS } from './protocol';
import type { SandboxResult, WasmScalar, WasmValue } from './verdict';

type Post = (message: ExecutorMessage) => void;

/**
 * Runs one request inside an executor (child process or pool worker): compile, instantiate with the host's own
 * Math functions, then call the export once per argument tuple. Never throws; the parent enforces the wall clock.
 */
export function executeRequest(request: ExecuteRequest, post: Post): void {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let instance: WebAssembly.Instance;
  try {
    const module = compileCached(request.module);
    instance = new WebAssembly.Instance(module, hostImports(module));
  } catch (error) {
    post({ id: request.id, type: 'done', results: [], failure: classifyError(error, elapsed()) });
    return;
  }
  post({ id: request.id, type: 'instantiated' });
  if (request.args.length === 0) {
    post({ id: request.id, type: 'done', results: [{ verdict: 'ok', value: null, fuelUsed: null, message: 'instantiated', ms: elapsed() }] });
    return;
  }
  const exported = instance.exports[request.exportName];
  if (typeof exported !== 'function') {
    post({ id: request.id, type: 'done', results: [], failure: { verdict: 'invalid-module', message: `the module exports no function named '${request.exportName}'`, ms: elapsed() } });
    return;
  }
  const meter = request.metered ? fuelMeter(instance, request.maxFuel) : undefined;
  let pending: SandboxResult[] = [];
  let lastPost = performance.now();
  for (const tuple of request.args) {
    pending.push(callOnce(exported as (...args: unknown[]) => unknown, request.params, tuple, meter));
    const now = performance.now();
    if (now - lastPost >= PROGRESS_INTERVAL_MS) {
      post({ id: request.id, type: 'progress', results: pending });
      pending = [];
      lastPost = now;
    }
  }
  post({ id: request.id, type: 'done', results: pending });
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

function callOnce(fn: (...args: unknown[]) => unknown, params: string[], tuple: WasmScalar[], meter: FuelMeter | undefined): SandboxResult {
  const converted = convertArguments(params, tuple);
  if (typeof converted === 'string') return { verdict: 'unsupported', message: converted, ms: 0 };
  meter?.reset();
  const start = performance.now();
  try {
    const value = fn(...converted);
    const ms = performance.now() - start;
    return { verdict: 'ok', value: toWasmValue(value), fuelUsed: meter ? meter.used() : null, message: 'ok', ms };
  } catch (error) {
    const ms = performance.now() - start;
    if (meter?.exhausted()) return { verdict: 'out-of-fuel', fuelUsed: meter.used(), message: 'the call ran out of fuel', ms };
    return classifyError(error, ms);
  }
}

/** i64 parameters take a bigint or an integral number; other types take numbers (NaN, Infinity and -0 included). */
function convertArguments(params: string[], tuple: WasmScalar[]): unknown[] | string {
  if (tuple.length !== params.length) return `the export takes ${params.length} argument(s), ${tuple.length} given`;
  // The common case (numbers for f64/i32 genes) needs no copy: this runs once per call of a batch.
  if (tuple.every((value, i) => typeof value === 'number' && params[i] !== 'i64')) return tuple;
  const out: unknown[] = [];
  for (let i = 0; i < params.length; i++) {
    const value = tuple[i]!;
    if (params[i] === 'i64') {
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
  if (value === undefined) return null;
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
