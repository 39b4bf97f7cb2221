import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Tests are bundled into out/test/…/<name>.js at various depths: find the repository by its manifest. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository above ${start}`);
  }
}

export const repoRoot = findRepoRoot(__dirname);
/** The build this test runs from: out/ or a parallel out-NAME/, the folder right under the repository root. */
const buildRoot = (() => {
  let dir = __dirname;
  while (dirname(dir) !== repoRoot && dirname(dir) !== dir) dir = dirname(dir);
  return basename(dir).startsWith('out') ? dir : join(repoRoot, 'out');
})();

/** A shipped bundle: the one of this test build (out-NAME/dist/) when there is one, else dist/. */
export function distFile(name: string): string {
  const local = join(buildRoot, 'dist', name);
  return existsSync(local) ? local : join(repoRoot, 'dist', name);
}

export const cliPath = resolve(repoRoot, 'dist', 'cli.js');
