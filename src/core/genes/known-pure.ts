// The few library functions outside the workspace (packages, Node's built-in modules) that are known to be pure: the
// same result for the same arguments, nothing read or changed outside. Everything else from a package is unknown.
const PATH_FUNCTIONS = ['basename', 'dirname', 'extname', 'join', 'normalize', 'isAbsolute', 'parse', 'format', 'toNamespacedPath'];
// path.resolve and path.relative read the working directory: not listed.
const PATH = new Set([...PATH_FUNCTIONS, ...PATH_FUNCTIONS.map((f) => `posix.${f}`), ...PATH_FUNCTIONS.map((f) => `win32.${f}`)]);

// Node's assert: comparisons that only read their arguments and throw an AssertionError when they differ ('' is the
// module's default function, assert(value), the same as ok). The loose ones (equal, deepEqual) coerce with ==, which
// can run valueOf; match tests a RegExp, which can move its lastIndex; throws and rejects call what they are given.
const ASSERT_FUNCTIONS = ['', 'ok', 'strictEqual', 'notStrictEqual', 'deepStrictEqual', 'notDeepStrictEqual', 'fail'];
const ASSERT = new Set([...ASSERT_FUNCTIONS, ...ASSERT_FUNCTIONS.filter((f) => f !== '').map((f) => `strict.${f}`)]);

export const KNOWN_PURE: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['path', PATH],
  ['node:path', PATH],
  ['path/posix', new Set(PATH_FUNCTIONS)],
  ['node:path/posix', new Set(PATH_FUNCTIONS)],
  ['assert', ASSERT],
  ['node:assert', ASSERT],
  ['assert/strict', ASSERT],
  ['node:assert/strict', ASSERT],
]);

/** The member path of `import { a } from 'm'; a.b(…)` (`a.b`) or `import * as m from 'm'; m.a(…)` (`a`), when it is listed. */
export function knownPureName(specifier: string, imported: string, path: readonly string[]): string | undefined {
  const names = KNOWN_PURE.get(specifier);
  if (!names) return undefined;
  const name = [...(imported === '*' || imported === 'default' ? [] : [imported]), ...path].join('.');
  return names.has(name) ? name : undefined;
}
