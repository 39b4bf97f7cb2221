import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { listFunctions, proteinHash } from '../../../../src/core/protein';
import { repoRoot } from '../../../support/repo';

/**
 * Every protein of a real corpus slice, byte for byte: sha-256 over one line per function
 * (file, name, line, digest, sha-256 of the vector's bytes, behaviour, size), recorded with
 * the code before the speed work of issue 14. A faster hash must give exactly these.
 */
const SLICE = join(repoRoot, 'node_modules', 'monaco-editor', 'esm', 'vs');
const GOLDEN = { functions: 1637, sha256: 'f474fcb09336f278d0963053421174d607b1b3b97f1a28c19bb6a7ecb76e078d' };

function files(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path));
    else if (/\.[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

test('the digest, vector and behaviour of every function in monaco base/common are unchanged', () => {
  const lines: string[] = [];
  for (const file of files(join(SLICE, 'base', 'common')).sort()) {
    const sourceFile = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const fn of listFunctions(sourceFile)) {
      const p = proteinHash(sourceFile, fn.node, { selfName: fn.selfName });
      const vector = createHash('sha256').update(new Uint8Array(p.vector.buffer)).digest('hex').slice(0, 20);
      lines.push(`${file.slice(SLICE.length)}#${fn.name}@${fn.line} ${p.digest} ${vector} ${p.behaviour ?? '-'} ${p.size}`);
    }
  }
  assert.deepEqual({ functions: lines.length, sha256: createHash('sha256').update(`${lines.join('\n')}\n`).digest('hex') }, GOLDEN);
});
