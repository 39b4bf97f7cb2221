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

function isOperator(label: string): boolean {
  return OPERATOR_PREFIXES.some((prefix) => label.startsWith(prefix));
}

function isLeafToken(label: string): boolean {
  return LEAF_LABELS.has(label) || LEAF_PREFIXES.some((prefix) => label.startsWith(prefix));
}

/** `op(shape, shape)` with locals written `L<rank>`; iterative and bounded by OPERAND_DEPTH. */
function operatorToken(node: number, labels: readonly string[], children: readonly number[][]): string {
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
    const kids = children[item.node]!;
    parts.push(label);
    if (item.depth === 0 || kids.length === 0) continue;
    stack.push(')');
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ node: kids[i]!, depth: item.depth - 1 });
      if (i > 0) stack.push(',');
    }
    stack.push('(');
  }
  const ranks = new Map([...new Set(locals)].sort((a, b) => a - b).map((index, rank) => [index, rank]));
  return parts.map((part) => (typeof part === 'number' ? `L${ranks.get(part)}` : part)).join('');
}

/** The multiset of logic tokens (token → count). */
export function logicTokens(tree: LabelledTree, children: readonly number[][]): Map<string, number> {
  const tokens = new Map<string, number>();
  const { labels } = tree;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const token = isOperator(label) ? operatorToken(i, labels, children) : isLeafToken(label) ? label : undefined;
    if (token !== undefined) tokens.set(token, (tokens.get(token) ?? 0) + 1);
  }
  return tokens;
}
