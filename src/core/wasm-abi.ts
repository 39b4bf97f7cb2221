/**
 * The contract between the gene compiler (src/core/compiler) and the sandbox (src/core/sandbox):
 * what a compiled gene module may import, how fuel is passed in and how running out of it is told apart from a trap.
 * One place, so the compiler cannot emit what the sandbox would refuse.
 */

/** WebAssembly value types used by genes: `number` is f64, `boolean` is i32 (0 or 1). */
export type GeneValueType = 'f64' | 'i32';

export interface HostImport {
  /** Always "Math": the host provides the function from its own `Math`, so results are bit-identical to JavaScript. */
  module: 'Math';
  name: string;
  params: readonly 'f64'[];
  results: readonly ['f64'];
}

const unary = (name: string): HostImport => ({ module: 'Math', name, params: ['f64'], results: ['f64'] });
const binary = (name: string): HostImport => ({ module: 'Math', name, params: ['f64', 'f64'], results: ['f64'] });

/** The whitelist: every import a gene module may declare, with its exact signature. Anything else is `forbidden-import`. */
export const HOST_IMPORTS: readonly HostImport[] = [
  ...['acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cbrt', 'cos', 'cosh', 'exp', 'expm1', 'log', 'log1p', 'log10', 'log2', 'sin', 'sinh', 'tan', 'tanh'].map(unary),
  ...['atan2', 'pow'].map(binary),
  // Variadic in JavaScript; genes call them with exactly two arguments (more are folded pairwise by the compiler).
  binary('hypot'),
];

export function findHostImport(module: string, name: string): HostImport | undefined {
  return HOST_IMPORTS.find((entry) => entry.module === module && entry.name === name);
}

/**
 * Fuel: a compiled module exports a mutable i64 global with this name. The host sets it to the budget
 * (WASM_MAX_GAS) before each call; the code decrements it on every function entry and loop back-edge.
 */
export const FUEL_GLOBAL = 'chimera_fuel';

/**
 * When fuel runs out the code sets this exported mutable i32 global to OUT_OF_FUEL and executes `unreachable`,
 * so the host can tell `out-of-fuel` from the guest's own traps. The host resets it to 0 before each call.
 */
export const STATUS_GLOBAL = 'chimera_status';
export const STATUS_OK = 0;
export const STATUS_OUT_OF_FUEL = 1;
/** The code threw a TypeError (a property of undefined): the status is set before `unreachable`. */
export const STATUS_TYPE_ERROR = 3;
/** How hosts report STATUS_TYPE_ERROR: a trap where JavaScript throws a TypeError. */
export const TYPE_ERROR_MESSAGE = 'TypeError: a property of undefined was read';
/** The arena could not grow within the memory maximum (WASM_MAX_MEMORY): the `memory-limit` verdict. */
export const STATUS_MEMORY_LIMIT = 2;
/**
 * The code met a value it cannot represent exactly: `undefined` past the end of a number or boolean array, or the text
 * of a number that is not a safe integer (its shortest round-trip digits are not implemented). The run stops and is
 * `unsupported` (verification counts it inconclusive, never a result).
 */
export const STATUS_UNREPRESENTABLE = 4;
export const UNREPRESENTABLE_MESSAGE = 'the compiled gene cannot represent this value or error exactly (undefined past the end of a number or boolean array or from codePointAt off the string, the text of a number that is not a safe integer, or the RangeError of repeat with a negative or infinite count)';
