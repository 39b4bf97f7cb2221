import type { Gene } from '../genes/types';

const SCALAR_TYPES = new Set(['number', 'boolean', 'string']);

/**
 * Whether the compiler should try a gene: unconditionally pure, unable to throw, no receiver, standing alone (not a
 * closure, not a constructor), and every parameter
 * and the result number, boolean or string (declared, or inferred for numeric genes). An unannotated result is
 * tried too: the compiler infers it from the returns and refuses what it cannot type.
 */
export function isCompileCandidate(gene: Gene): boolean {
  // Closures need their enclosing function's values, constructors their new object: neither stands alone.
  if (gene.purity !== 'pure' || gene.mayThrow || gene.receiver || gene.standalone === false || gene.initializesThis || gene.kind === 'constructor') return false;
  if (gene.numeric) return true;
  return gene.params.every((p) => p.type !== null && SCALAR_TYPES.has(p.type)) && (gene.returns === null || SCALAR_TYPES.has(gene.returns));
}
