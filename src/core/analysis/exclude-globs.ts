/**
 * VS Code's exclude settings (`files.exclude`, `search.exclude`: glob → true) as the gitignore-syntax globs the
 * workspace walk understands. VS Code globs are relative to the workspace folder, so each is anchored with `/`;
 * `{a,b}` alternatives, which gitignore lacks, are expanded. Conditional entries (`{ when: … }`) are left out.
 */
export function excludeGlobs(...settings: (Record<string, unknown> | undefined)[]): string[] {
  const globs = new Set<string>();
  for (const setting of settings) {
    for (const [glob, value] of Object.entries(setting ?? {})) {
      if (value !== true) continue;
      for (const expanded of expandBraces(glob)) globs.add(expanded.startsWith('/') ? expanded : `/${expanded}`);
    }
  }
  return [...globs];
}

/** `a/{b,c}/*.{ts,js}` → the four globs it stands for (nested braces included). */
export function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open < 0) return [glob];
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) {
      close = i;
      break;
    } else if (glob[i] === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) return [glob];
  const bounds = [open, ...commas, close];
  const head = glob.slice(0, open);
  const tails = expandBraces(glob.slice(close + 1));
  return bounds.slice(1).flatMap((end, i) => expandBraces(glob.slice(bounds[i]! + 1, end)).flatMap((alt) => tails.map((tail) => `${head}${alt}${tail}`)));
}
