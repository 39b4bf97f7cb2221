import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readGenomeCar } from '../../../src/core/store/car';
import { cliPath, repoRoot } from '../../support/repo';

const sample = join(repoRoot, 'test', 'fixtures', 'void-sample');

test('chimera export --car writes a genome whose every block verifies and whose manifest names the compiled genes', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'chimera-car-')), 'genome.car');
  const run = spawnSync(process.execPath, [cliPath, '--json', 'export', '--car', out, 'src/vs/base/common/numbers.ts', 'src/vs/base/common/hash.ts'], { cwd: sample, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  const car = await readGenomeCar(readFileSync(out));
  assert.ok(car.ok, JSON.stringify(car));
  assert.equal(car.root, doc.root);
  const names = car.manifest.genes.map((g: { name: string }) => g.name).sort();
  assert.deepEqual(names, ['Counter.sum', 'clamp', 'clampValue', 'combineHash', 'doHash', 'isPointWithinTriangle', 'numberHash', 'rot']);
  assert.equal(doc.genes, names.length);
});

test('an export with no compilable gene is a finding (exit 1), never an empty genome', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-car-'));
  writeFileSync(join(dir, 'impure.ts'), 'export function now(): number { return Date.now(); }\n');
  const run = spawnSync(process.execPath, [cliPath, '--json', 'export', '--car', 'out.car', 'impure.ts'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 1);
  assert.match(JSON.parse(run.stdout).error, /empty/);
});
