import type { TreeChildren } from './fingerprint';
import type { LabelledTree } from './normalize';

/**
 * The logic tokens of a gene: the multiset of what its code *does* rather than how it is
 * arranged — every operator with the shape of its operands (two levels deep, so
 * `x - y` ≠ `y - x` and `a.start - b.start` ≠ `b.start - a.start`), every literal, free name
 * and property name.
 *
 * Why: structure alone cannot tell "one operator changed" from "one statement added"; the
 * direction of the change can. Adding a statement only ADDS tokens, removing one only
 * REMOVES tokens, reordering keeps them; changing an operator, an operand order, a literal
 * or a called name removes one token AND adds another. So a pair whose token multisets
 * differ on both sides is a change of logic (similarity.ts caps it at `similar`).
 *
 * Locals inside an operand shape are written by their rank among the locals of that shape
 * (declaration order), not by their binding index: adding or removing a declaration
 * elsewhere renumbers locals (`local:3` → `local:2`) but keeps their relative order, so a
 * T3 edit stays one-sided while `l0 - l1` → `l1 - l0` is still a replacement.
 */
export const OPERAND_DEPTH = 2;

const OPERATOR_PREFIXES = ['BinaryExpression:', 'PrefixUnaryExpression:', 'PostfixUnaryExpression:'];
const LEAF_PREFIXES = ['num:', 'bigint:', 'str:', 'tpl:', 'regex:', 'free:', 'prop:', 'ShorthandPropertyAssignment:'];
const LEAF_LABELS = new Set(['TrueKeyword', 'FalseKeyword', 'NullKeyword']);

// The first character rules most labels out (kind names, `param:`, `local:`) before any prefix is compared: this runs for every node.
function isOperator(label: string): boolean {
  const first = label.charCodeAt(0);
  return (first === 66 /* B */ || first === 80 /* P */) && OPERATOR_PREFIXES.some((prefix) => label.startsWith(prefix));
}

const LEAF_FIRST_CHARACTERS = new Set([...LEAF_PREFIXES, ...LEAF_LABELS].map((text) => text.charCodeAt(0)));
function isLeafToken(label: string): boolean {
  return LEAF_FIRST_CHARACTERS.has(label.charCodeAt(0)) && (LEAF_LABELS.has(label) || LEAF_PREFIXES.some((prefix) => label.startsWith(prefix)));
}

/** `op(shape, shape)` with locals written `L<rank>`; iterative and bounded by OPERAND_DEPTH. */
function operatorToken(node: number, labels: readonly string[], children: TreeChildren): string {
  const locals: number[] = [];
  const parts: (string | number)[] = [];
  // A stack of either a node to open (with its remaining depth) or a literal piece of text.
  const stack: ({ node: number; depth: number } | string)[] = [{ node, depth: OPERAND_DEPTH + 1 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      parts.push(item);
      continue;
    }
    const label = labels[item.node]!;
    if (label.startsWith('local:')) {
      const index = Number(label.slice(6));
      locals.push(index);
      parts.push(index);
      continue;
    }
    const start = children.offsets[item.node]!;
    const end = children.offsets[item.node + 1]!;
    parts.push(label);
    if (item.depth === 0 || end === start) continue;
    stack.push(')');
    for (let c = end - 1; c >= start; c--) {
      stack.push({ node: children.list[c]!, depth: item.depth - 1 });
      if (c > start) stack.push(',');
    }
    stack.push('(');
  }
  const ranks = new Map([...new Set(locals)].sort((a, b) => a - b).map((index, rank) => [index, rank]));
  return parts.map((part) => (typeof part === 'number' ? `L${ranks.get(part)}` : part)).join('');
}

/** The multiset of logic tokens (token → count). */
export function logicTokens(tree: LabelledTree, children: TreeChildren): Map<string, number> {
  const tokens = new Map<string, number>();
  const { labels } = tree;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const token = isOperator(label) ? operatorToken(i, labels, children) : isLeafToken(label) ? label : undefined;
    if (token !== undefined) tokens.set(token, (tokens.get(token) ?? 0) + 1);
  }
  return tokens;
}
