// Which files `chimera check` analyses: TS/JS sources under the given paths, minus .gitignore'd and excluded ones.
import type { Dirent } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ALWAYS_SKIPPED, type IgnoreRule, matchRules, parseIgnoreFile, parseIgnoreLine } from './ignore';

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
// Declaration files hold no function bodies, so they hold no genes.
const DECLARATION_FILE = /\.d\.[cm]?ts$/i;

export function isSourceFile(name: string): boolean {
  return SOURCE_FILE.test(name) && !DECLARATION_FILE.test(name);
}

export interface FileSelection {
  /** Workspace-relative, `/`-separated, sorted. */
  files: string[];
  /** Paths left out by .gitignore or --exclude (directories count once). */
  ignored: number;
}

export type SelectionError = { error: string };

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

async function ignoreRulesIn(workspace: string, folder: string): Promise<IgnoreRule[]> {
  try {
    return parseIgnoreFile(await readFile(join(workspace, folder, '.gitignore'), 'utf8'), folder);
  } catch {
    return [];
  }
}

/** The rules of every .gitignore from the workspace root down to `folder` (inclusive), in git's order. */
async function inheritedRules(workspace: string, folder: string): Promise<IgnoreRule[]> {
  const rules = await ignoreRulesIn(workspace, '');
  const parts = folder === '' ? [] : folder.split('/');
  for (let i = 1; i <= parts.length; i++) rules.push(...(await ignoreRulesIn(workspace, parts.slice(0, i).join('/'))));
  return rules;
}

/**
 * Lists the files to check. Directories are walked (iteratively, symlinks not followed) with .gitignore rules and
 * the `excludes` globs; a file named explicitly is checked unless an exclude glob names it.
 */
export async function selectFiles(workspace: string, paths: readonly string[], excludes: readonly string[]): Promise<FileSelection | SelectionError> {
  const excludeRules = excludes.map((glob) => parseIgnoreLine(glob, '')).filter((rule): rule is IgnoreRule => rule !== undefined);
  const roots = paths.length === 0 ? [''] : [];
  for (const path of paths) {
    const rel = toPosix(relative(workspace, path));
    if (rel.startsWith('..') || isAbsolute(rel)) return { error: `${path} is outside the workspace ${workspace}` };
    roots.push(rel);
  }
  const files = new Set<string>();
  let ignored = 0;
  for (const root of roots) {
    let info;
    try {
      info = await stat(join(workspace, root));
    } catch {
      return { error: `${root || '.'} does not exist` };
    }
    if (info.isFile()) {
      if (matchRules(excludeRules, root, false)) ignored++;
      else if (isSourceFile(root)) files.add(root);
      continue;
    }
    // Breadth first, a whole level of folders read at once: the walk waits on the disk once per depth, not per folder.
    let level: { folder: string; rules: IgnoreRule[] }[] = [{ folder: root, rules: await inheritedRules(workspace, root) }];
    while (level.length > 0) {
      const listed = await Promise.all(level.map(({ folder }) => readdir(join(workspace, folder), { withFileTypes: true }).catch((): Dirent[] => [])));
      const subfolders: string[] = [];
      const parentRules: IgnoreRule[][] = [];
      level.forEach(({ folder, rules }, index) => {
        for (const entry of listed[index]!) {
          const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
          if (entry.isDirectory()) {
            if (ALWAYS_SKIPPED.has(entry.name) || matchRules(rules, path, true) || matchRules(excludeRules, path, true)) {
              ignored++;
              continue;
            }
            subfolders.push(path);
            parentRules.push(rules);
          } else if (entry.isFile() && isSourceFile(entry.name)) {
            if (matchRules(rules, path, false) || matchRules(excludeRules, path, false)) ignored++;
            else files.add(path);
          }
        }
      });
      const ownRules = await Promise.all(subfolders.map((folder) => ignoreRulesIn(workspace, folder)));
      level = subfolders.map((folder, index) => ({ folder, rules: ownRules[index]!.length > 0 ? [...parentRules[index]!, ...ownRules[index]!] : parentRules[index]! }));
    }
  }
  return { files: [...files].sort(), ignored };
}
