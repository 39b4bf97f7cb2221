import { resolve } from 'node:path';

/** Repository root: unit tests run from out/test/unit/. */
export const repoRoot = resolve(__dirname, '..', '..', '..');
export const cliPath = resolve(repoRoot, 'dist', 'cli.js');
