/**
 * A small, exact subset of `.gitignore`: comments, escapes, `!` negation, a trailing `/` for directories only,
 * patterns with a slash anchored to their file's folder, `*`, `?`, `[…]` and `**`. The last matching rule wins,
 * and a nested `.gitignore` comes after its parents, as in git.
 */

export interface IgnoreRule {
  /** Workspace-relative folder of the `.gitignore` ('' for the root). */
  base: string;
  negate: boolean;
  directoryOnly: boolean;
  /** Matched against the path relative to `base` (anchored) or against the last segment (unanchored). */
  anchored: boolean;
  regex: RegExp;
  source: string;
}

/** Translates one glob (gitignore syntax, no leading `!`) into a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      const double = glob[i + 1] === '*';
      const atSegmentStart = i === 0 || glob[i - 1] === '/';
      if (double && atSegmentStart && (i + 2 === glob.length || glob[i + 2] === '/')) {
        if (i + 2 === glob.length) out += '.*';
        else out += '(?:.*/)?';
        i += 2;
        continue;
      }
      while (glob[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) out += escapeRegExp(glob[++i]!);
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) out += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `(?!/)[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Parses one `.gitignore` file's text; `base` is its folder relative to the workspace. */
export function parseIgnoreFile(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const rule = parseIgnoreLine(raw, base);
    if (rule) rules.push(rule);
  }
  return rules;
}

export function parseIgnoreLine(raw: string, base: string): IgnoreRule | undefined {
  // Trailing spaces are dropped unless escaped with a backslash.
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
  let directoryOnly = false;
  if (line.endsWith('/') && !line.endsWith('\\/')) {
    directoryOnly = true;
    line = line.slice(0, -1);
  }
  if (line === '') return undefined;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  return { base, negate, directoryOnly, anchored, regex: globToRegExp(line), source: raw };
}

/** Whether one rule matches `path` (workspace-relative, `/`-separated); undefined when the path is outside its folder. */
function ruleMatches(rule: IgnoreRule, path: string, isDirectory: boolean): boolean {
  if (rule.directoryOnly && !isDirectory) return false;
  let relative = path;
  if (rule.base !== '') {
    if (!path.startsWith(`${rule.base}/`)) return false;
    relative = path.slice(rule.base.length + 1);
  }
  if (rule.anchored) return rule.regex.test(relative);
  return rule.regex.test(relative.slice(relative.lastIndexOf('/') + 1));
}

/** The verdict of an ordered rule list for one path itself (not its parents): the last match wins. */
export function matchRules(rules: readonly IgnoreRule[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) if (ruleMatches(rule, path, isDirectory)) ignored = !rule.negate;
  return ignored;
}

/** Folders no check ever enters, whatever the ignore files say. */
export const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);
