import type { ImportOracle } from './module-summary';

/** The shapes gene extraction returns: plain data, so they cross a worker boundary with structured clone. */

export type GeneKind =
  | 'function'
  | 'function-expression'
  | 'arrow'
  | 'method'
  | 'static-method'
  | 'object-method'
  | 'getter'
  | 'setter'
  | 'constructor';

/** `conditional`: pure only if the functions it receives (or captures from an enclosing function's parameters) are. */
export type Purity = 'pure' | 'conditional' | 'impure';

/** Why a gene is impure, or (for `calls-parameter`) the condition under which a conditional gene is pure. */
export type ReasonCode =
  | 'random'
  | 'date'
  | 'performance'
  | 'crypto'
  | 'console'
  | 'process'
  | 'io'
  | 'timer'
  | 'locale'
  | 'this'
  | 'arguments'
  | 'eval'
  | 'async'
  | 'await'
  | 'generator'
  | 'with'
  | 'jsx'
  | 'meta-property'
  | 'reads-outer-mutable'
  | 'writes-outer'
  | 'writes-global'
  | 'mutates-parameter'
  | 'writes-outer-property'
  | 'delete-non-local'
  | 'calls-impure'
  | 'calls-unknown'
  | 'import'
  | 'unknown-global'
  | 'new'
  | 'syntax-error'
  | 'calls-parameter'
  | 'imported-pure';

/** Reason codes that do not make a gene impure: they state what its purity depends on. */
/** How a receiver-pure gene is described everywhere: `pure · reads only readonly fields`. */
export const RECEIVER_MARK = 'reads only readonly fields';
/** The marks of the debatable cases reported pure, in lenses, hovers, the tree and the CLI. */
export const CLOSURE_MARK = "closure over its enclosing function's values";
export const INITIALIZES_MARK = 'only initialises this';
export const MODULE_LET_MARK = 'reads module lets never reassigned';
export const VALUE_CLASS_MARK = 'constructs value classes';

/** What a pure or conditional verdict rests on beyond its arguments, as marks after the verdict. */
export function verdictMarks(gene: Pick<Gene, 'receiver' | 'standalone' | 'initializesThis' | 'readsModuleLet' | 'constructsValue'>): string[] {
  const marks: string[] = [];
  if (gene.receiver) marks.push(RECEIVER_MARK);
  if (gene.standalone === false) marks.push(CLOSURE_MARK);
  if (gene.initializesThis) marks.push(INITIALIZES_MARK);
  if (gene.readsModuleLet) marks.push(MODULE_LET_MARK);
  if (gene.constructsValue) marks.push(VALUE_CLASS_MARK);
  return marks;
}

export const CONDITIONAL_CODES: ReadonlySet<ReasonCode> = new Set<ReasonCode>(['calls-parameter']);

/** A function or constant of another file a verdict rests on: where the hover links. */
export interface ReasonTarget {
  /** Absolute path (or, for a known-pure library function, the module it comes from). */
  file: string;
  /** 1-based; 0 when unknown (a library function). */
  line: number;
  name: string;
}

export interface Reason {
  code: ReasonCode;
  message: string;
  line: number;
  column: number;
  /** Set when the reason is about another file's function or constant. */
  target?: ReasonTarget;
}

export interface GeneParam {
  name: string;
  /** The declared type's text; for plain JS numeric genes the inferred `number`; otherwise null. */
  type: string | null;
}

/** Where a function is and what it is called: shared by analysed and skipped genes. */
export interface GeneLocation {
  /** Qualified as people write it: `clamp`, `Range.contains`, `Easing.Quadratic.In`, `outer.inner`. */
  name: string;
  kind: GeneKind;
  /** 1-based; columns count UTF-16 code units, as editors do; end is exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** UTF-16 offsets into the analysed text: text.slice(start, end) is the function's source. */
  start: number;
  end: number;
}

export interface Gene extends GeneLocation {
  /** Stable across edits elsewhere in the file: a hash of the qualified name and the normalized text. */
  id: string;
  purity: Purity;
  /** Pure with respect to its receiver: it reads only readonly fields of `this` and calls only such methods. */
  receiver: boolean;
  /** False for a closure: it uses bindings of an enclosing function (never-reassigned constants, lets and parameters), so it is pure only together with them and cannot stand alone. */
  standalone: boolean;
  /** A constructor that only initialises its new object (`this.x = …` of its parameters and constants): pure, but not a function to compile. */
  initializesThis: boolean;
  /** Pure reading module `let`s that nothing reassigns, as constants. */
  readsModuleLet: boolean;
  /** Pure constructing instances of value classes (`new Range(…)`: readonly fields, a constructor that only initialises). */
  constructsValue: boolean;
  mayThrow: boolean;
  /** Unconditionally pure without a receiver, and every parameter and the result are number or boolean: what the WASM compiler takes. */
  numeric: boolean;
  params: GeneParam[];
  /** The declared return type's text; for numeric genes without one, the inferred `number` or `boolean`. */
  returns: string | null;
  reasons: Reason[];
}

/** A function found in a region with syntax errors: located, but not analysed. */
export interface SkippedGene extends GeneLocation {
  reason: Reason;
}

export type FileErrorCode = 'too-large' | 'too-deep' | 'not-utf8' | 'unreadable' | 'budget-exceeded' | 'cancelled';

/** A file that could not be analysed (or not completely): one clear message instead of an analysis. */
export interface FileError {
  code: FileErrorCode;
  message: string;
}

export interface FileGenes {
  file: string;
  genes: Gene[];
  skipped: SkippedGene[];
  errors: FileError[];
}

/** Checked cooperatively during the walk; back it with a SharedArrayBuffer to cancel from another thread. */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
}

export interface ExtractOptions {
  /** Decides imported names from the summaries of other files; without it, every imported name is unknown (impure). */
  imports?: ImportOracle;
  /** Files larger than this (UTF-8 bytes) get a `too-large` error instead of an analysis; default 2 MiB. */
  maxBytes?: number;
  /** Epoch milliseconds (Date.now()) after which the analysis gives up with `budget-exceeded`. */
  deadline?: number;
  cancellation?: CancellationToken;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
