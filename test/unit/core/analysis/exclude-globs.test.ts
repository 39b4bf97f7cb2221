import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { excludeGlobs, expandBraces } from '../../../../src/core/analysis/exclude-globs';
import { selectFiles } from '../../../../src/core/check/walk';

test('braces expand to every alternative, nested ones too', () => {
  assert.deepEqual(expandBraces('**/*.{ts,js}'), ['**/*.ts', '**/*.js']);
  assert.deepEqual(expandBraces('{a,b/{c,d}}/x'), ['a/x', 'b/c/x', 'b/d/x']);
  assert.deepEqual(expandBraces('no-braces'), ['no-braces']);
  assert.deepEqual(expandBraces('{unclosed'), ['{unclosed']);
});

test('files.exclude and search.exclude leave their files out of the walk, relative to the workspace folder; conditional and false entries do not', async () => {
  const root = mkdtempSync(join(tmpdir(), 'chimera-exclude-'));
  for (const file of ['src/a.ts', 'src/gen/b.ts', 'out/c.js', 'lib/out/d.js', 'e.test.ts', 'f.ts']) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), 'export function f(a: number) { return a; }\n');
  }
  const globs = excludeGlobs({ out: true, '**/*.test.{ts,tsx}': true, 'f.ts': false }, { 'src/gen': true, 'lib/**': { when: '$(basename).ts' } }, undefined);
  const selection = await selectFiles(root, [], globs);
  assert.ok(!('error' in selection));
  assert.deepEqual(selection.files, ['f.ts', 'lib/out/d.js', 'src/a.ts']);
});
