import ts from 'typescript';

/**
 * SyntaxKind number → its own name, built once from the enum of the TypeScript in use.
 * The enum numbers change between TypeScript versions, and `ts.SyntaxKind[n]` returns the
 * last alias declared for n (e.g. `FirstAssignment` for `EqualsToken`), so neither can
 * label a hash. The first non-alias name per number (aliases are First*, Last*, Count) is
 * the kind's real name and stays the same across versions.
 */
// An array indexed by kind rather than a Map: it is read for nearly every node of every gene.
const KIND_NAMES: readonly (string | undefined)[] = (() => {
  const names: (string | undefined)[] = [];
  for (const [name, value] of Object.entries(ts.SyntaxKind)) {
    if (typeof value !== 'number' || /^(First|Last)[A-Z]/.test(name) || name === 'Count') continue;
    names[value] ??= name;
  }
  return names;
})();

export function syntaxKindName(kind: ts.SyntaxKind): string {
  return KIND_NAMES[kind] ?? `Kind${kind}`;
}
