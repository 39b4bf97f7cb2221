import type { ScalarType } from '../genes/type-inference';
/** What the gene compiler returns: plain, serializable data (no syntax nodes), so it can cross a worker boundary. */

/**
 * `number` is compiled to f64 and `boolean` to i32 (0 or 1), as in src/core/wasm-abi.ts; `string` to an i32 pointer
 * into the module's memory (src/core/wasm-string-abi.ts).
 */
export type ElementType = 'number' | 'boolean' | 'string';
/** An array of one element type: an i32 pointer to its header in the module's memory (src/core/wasm-array-abi.ts). */
export type ArrayType = `${ElementType}[]`;
export type GeneType = ElementType | ArrayType;

export const isArrayType = (type: GeneType | ResultType): type is ArrayType => type.endsWith('[]');
export const elementTypeOf = (type: ArrayType): ElementType => type.slice(0, -2) as ElementType;

/**
 * What a gene returns: a value type, or nothing at all (`undefined`: no `return`, `return;`, `return undefined`) or
 * `null`. Both are an i32 0 in WebAssembly and never flow into expressions; a `string` result also returns undefined
 * as pointer 0.
 */
export type ResultType = GeneType | 'undefined' | 'null';

export interface GeneParameter {
  name: string;
  type: GeneType;
  /** Has a default value, so a call may leave it out. */
  hasDefault: boolean;
}

export interface GeneSignature {
  params: readonly GeneParameter[];
  result: ResultType;
}

/** One compiled function (the gene or a gene it calls) and the source lines it came from, 1-based. */
export interface FunctionSourceMap {
  name: string;
  /** Index in the module's function index space (imports first). */
  wasmIndex: number;
  startLine: number;
  endLine: number;
}

/** A module-level declaration the gene depends on, as a source range; verification rebuilds the JavaScript from these. */
export interface GeneDependency {
  /** `enum`: the enum's constant members, as `source` (the enum may live in another file: start and end are then 0). */
  kind: 'function' | 'const' | 'enum';
  name: string;
  /** Offsets in the source text: a function declaration without its modifiers, or a `name = init` const declarator. */
  start: number;
  end: number;
  source?: string;
}

/** How to rebuild the gene itself as a JavaScript value: a declared name, or an expression / object-literal method. */
export type GeneEntry =
  | { form: 'declared'; name: string }
  | { form: 'expression'; start: number; end: number }
  | { form: 'method'; name: string; start: number; end: number }
  | { form: 'getter'; name: string; start: number; end: number };

export interface CompiledGene {
  verdict: 'ok';
  /** Export name of the gene's full-arity function: its qualified name. */
  name: string;
  bytes: Uint8Array;
  signature: GeneSignature;
  /** Export name per argument count: the full arity is `name`; fewer arguments (defaults) are `name/COUNT`. */
  arityExports: Readonly<Record<number, string>>;
  /** Every export of the module: functions, then the fuel and status globals. */
  exports: readonly string[];
  /** Host imports used, as `Math.NAME`. */
  imports: readonly string[];
  sourceMap: readonly FunctionSourceMap[];
  dependencies: readonly GeneDependency[];
  entry: GeneEntry;
  /** The string literals of the gene's code: edge inputs for verification. */
  literals?: readonly string[];
  /** Present when a parameter's type was inferred (JSDoc or use), not declared: the module is exact for those types. */
  specialisation?: Specialisation;
}

/** A gene compiled for inferred argument types, e.g. plain JavaScript `function lerp(a, b, t)` for numbers. */
export interface Specialisation {
  /** For people: `compiled for number arguments`. */
  note: string;
  /** Each parameter whose type was inferred, and from what: its JSDoc tag, or how the gene uses it. */
  inferred: readonly { name: string; type: ScalarType; from: 'jsdoc' | 'use' }[];
}

export interface UnsupportedGene {
  verdict: 'unsupported';
  /** The construct refused, e.g. `string literal`, `call of console.log`. */
  construct: string;
  /** One sentence for people: what and why. */
  reason: string;
  /** 1-based position of the construct. */
  line: number;
  column: number;
}

export type CompileResult = CompiledGene | UnsupportedGene;
