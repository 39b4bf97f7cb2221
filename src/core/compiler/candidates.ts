import type { Gene } from '../genes/types';

const SCALAR_TYPES = new Set(['number', 'boolean', 'string']);
/** Results without a value (`void`, `undefined`, `null`) and a string that may be undefined (pointer 0). */
const RESULT_TYPES = new Set([...SCALAR_TYPES, 'void', 'undefined', 'null', 'string | undefined', 'undefined | string']);
/** `number[]`, `readonly string[]`, `Array<boolean>`, `ReadonlyArray<string>`. */
const ARRAY_TYPE = /^(?:(?:readonly\s+)?(?:number|boolean|string)\[\]|(?:Readonly)?Array<(?:number|boolean|string)>)$/;

const isValueType = (text: string) => SCALAR_TYPES.has(text) || ARRAY_TYPE.test(text);

/**
 * Whether the compiler should try a gene: unconditionally pure, unable to throw, no receiver, standing alone (not a
 * closure, not a constructor), every parameter a number, boolean, string or array of one of those (declared, or
 * inferred for numeric genes), the result one of those or none (`void`, `undefined`, `null`, `string | undefined`).
 * An unannotated result is tried too: the compiler infers it from the returns and refuses what it cannot type.
 */
export function isCompileCandidate(gene: Gene): boolean {
  // Closures need their enclosing function's values, constructors their new object: neither stands alone.
  if (gene.purity !== 'pure' || gene.mayThrow || gene.receiver || gene.standalone === false || gene.initializesThis || gene.kind === 'constructor') return false;
  if (gene.numeric) return true;
  return gene.params.every((p) => p.type !== null && isValueType(p.type)) && (gene.returns === null || RESULT_TYPES.has(gene.returns) || ARRAY_TYPE.test(gene.returns));
}
