import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CheckReport, AnalysisPool, annotation, escapeData, escapeProperty, findOnPath, globToRegExp, matchRules, parseIgnoreFile, selectFiles, toJUnitXml } from '../../../../src/core/check';
import { checkMonitoring } from '../../../../src/core/check/monitoring-check';
import { parseXml, workerScript } from '../../../fixtures/check/helpers';

test('globs follow gitignore: * and ? stay within a segment, ** crosses folders, classes and escapes work', () => {
  assert.ok(globToRegExp('*.ts').test('a.ts'));
  assert.ok(!globToRegExp('*.ts').test('dir/a.ts'));
  assert.ok(globToRegExp('src/**/*.ts').test('src/a.ts'));
  assert.ok(globToRegExp('src/**/*.ts').test('src/x/y/a.ts'));
  assert.ok(globToRegExp('**/gen/*.js').test('gen/a.js'));
  assert.ok(globToRegExp('**/gen/*.js').test('a/b/gen/a.js'));
  assert.ok(globToRegExp('out/**').test('out/a/b'));
  assert.ok(!globToRegExp('out/**').test('out'));
  assert.ok(globToRegExp('file?.[jt]s').test('file1.ts'));
  assert.ok(!globToRegExp('file?.[!j]s').test('file1.js'));
  assert.ok(globToRegExp('\\*literal').test('*literal'));
  assert.ok(!globToRegExp('\\*literal').test('xliteral'));
  assert.ok(globToRegExp('a.b').test('a.b') && !globToRegExp('a.b').test('axb'), 'dots are literal');
});

test('gitignore rules: anchoring, directory-only, negation and the last match winning', () => {
  const rules = parseIgnoreFile(['# comment', '', '*.log', '!keep.log', '/build', 'cache/', 'docs/*.md', '\\#hash', 'trailing   '].join('\n'), '');
  assert.ok(matchRules(rules, 'x/y/error.log', false));
  assert.ok(!matchRules(rules, 'x/keep.log', false), 'negation re-includes');
  assert.ok(matchRules(rules, 'build', true));
  assert.ok(!matchRules(rules, 'src/build', true), '/build is anchored to the root');
  assert.ok(matchRules(rules, 'src/cache', true));
  assert.ok(!matchRules(rules, 'src/cache', false), 'cache/ matches directories only');
  assert.ok(matchRules(rules, 'docs/a.md', false));
  assert.ok(!matchRules(rules, 'src/docs/a.md', false), 'a middle slash anchors too');
  assert.ok(matchRules(rules, '#hash', false));
  assert.ok(matchRules(rules, 'trailing', false), 'trailing spaces are dropped');
  const nested = [...rules, ...parseIgnoreFile('*.tmp\n/local.ts\n', 'pkg')];
  assert.ok(matchRules(nested, 'pkg/a/x.tmp', false));
  assert.ok(!matchRules(nested, 'other/x.tmp', false), 'a nested .gitignore applies under its own folder only');
  assert.ok(matchRules(nested, 'pkg/local.ts', false));
  assert.ok(!matchRules(nested, 'pkg/a/local.ts', false));
});

test('selectFiles walks sources with nested .gitignore files, skips node_modules, .git and declaration files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'chimera-walk-'));
  const write = (path: string, text = 'export const x = 1;\n') => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('.gitignore', 'dist/\n*.gen.ts\n!keep.gen.ts\n');
  write('src/a.ts');
  write('src/b.js');
  write('src/c.mts');
  write('src/types.d.ts');
  write('src/x.gen.ts');
  write('src/keep.gen.ts');
  write('src/readme.md');
  write('dist/out.js');
  write('node_modules/dep/index.js');
  write('.git/hooks/pre-commit.js');
  write('pkg/.gitignore', 'local/\n/top.ts\n');
  write('pkg/local/a.ts');
  write('pkg/top.ts');
  write('pkg/deep/top.ts');
  const all = await selectFiles(root, [], []);
  assert.ok(!('error' in all));
  assert.deepEqual(all.files, ['pkg/deep/top.ts', 'src/a.ts', 'src/b.js', 'src/c.mts', 'src/keep.gen.ts']);
  const under = await selectFiles(root, [join(root, 'pkg')], []);
  assert.ok(!('error' in under));
  assert.deepEqual(under.files, ['pkg/deep/top.ts'], 'walking a subfolder still applies the .gitignore files above it');
  const excluded = await selectFiles(root, [], ['src/*.js', 'deep']);
  assert.ok(!('error' in excluded));
  assert.deepEqual(excluded.files, ['src/a.ts', 'src/c.mts', 'src/keep.gen.ts']);
  assert.deepEqual(await selectFiles(root, [tmpdir()], []), { error: `${tmpdir()} is outside the workspace ${root}` });
});

const finding = { area: 'genes' as const, severity: 'error' as const, code: 'wasm-mismatch', message: '100% wrong:\r\nsee <here> & "there"', file: 'src/a,b:c.ts', line: 3, column: 7 };

test('GitHub annotations escape %, CR and LF in messages, and also : and , in properties', () => {
  assert.equal(escapeData('50% \r\n'), '50%25 %0D%0A');
  assert.equal(escapeProperty('a:b,c%'), 'a%3Ab%2Cc%25');
  assert.equal(annotation(finding), '::error file=src/a%2Cb%3Ac.ts,line=3,col=7,title=chimera genes%3A wasm-mismatch::100%25 wrong:%0D%0Asee <here> & "there"');
  assert.equal(annotation({ ...finding, severity: 'warning', file: undefined, line: undefined, column: undefined }).split('::')[1], 'warning title=chimera genes%3A wasm-mismatch');
});

test('JUnit XML escapes markup and drops characters XML cannot hold; a reader gets the text back', () => {
  const report: CheckReport = {
    ok: false,
    workspace: '/w',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 12,
    jobs: 1,
    phase: 1,
    features: { analysis: true, execution: false, proteinHash: false, publish: false, blockedBy: null },
    proteinHashChecked: false,
    stats: { files: 1, analysed: 1, cached: 0, genes: 1, pure: 1, conditional: 0, compiled: 1, verified: 0, mismatches: 1, proteinHashed: 0 },
    counts: { errors: 1, warnings: 0, notices: 0 },
    items: [
      { area: 'genes', name: 'src/a<b>&"c".ts', status: 'failed', findings: [{ ...finding, message: `bad \u0001 byte <x> & 'y'` }], durationMs: 5 },
      { area: 'monitoring', name: 'promtool check rules', status: 'skipped', findings: [], durationMs: 0, detail: 'skipped: promtool not found' },
    ],
    findings: [],
  };
  const root = parseXml(toJUnitXml(report));
  assert.equal(root.attributes.tests, '2');
  assert.equal(root.attributes.failures, '1');
  assert.equal(root.attributes.skipped, '1');
  const genes = root.children.find((s) => s.attributes.name === 'genes')!;
  const testcase = genes.children[0]!;
  assert.equal(testcase.attributes.name, 'src/a<b>&"c".ts');
  const failure = testcase.children[0]!;
  assert.equal(failure.name, 'failure');
  assert.equal(failure.attributes.message, "bad \uFFFD byte <x> & 'y'");
  assert.equal(failure.text, "src/a,b:c.ts:3:7: wasm-mismatch: bad \uFFFD byte <x> & 'y'");
  const skipped = root.children.find((s) => s.attributes.name === 'monitoring')!.children[0]!.children[0]!;
  assert.deepEqual([skipped.name, skipped.attributes.message], ['skipped', 'skipped: promtool not found']);
});

test('a worker that stops answering is a timeout for that file; it is replaced and the next file is analysed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-pool-'));
  const hanging = join(dir, 'hang.js');
  // Answers describe like the real worker, then never answers one file: a hung analysis.
  writeFileSync(hanging, `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.op === 'describe') return parentPort.postMessage({ id: m.id, ok: true, result: {} });
  if (m.payload.fileName === 'hang.ts') for (;;) {}
  parentPort.postMessage({ id: m.id, ok: true, result: { file: m.payload.fileName, genes: [], skipped: [], errors: [], timings: {} } });
});`);
  const pool = new AnalysisPool(hanging, 1);
  try {
    const features = { compile: false, verify: false, proteinHash: false };
    const hung = await pool.analyze({ fileName: 'hang.ts', text: '', features }, 50);
    assert.deepEqual(hung.ok ? 'answered' : hung.kind, 'timeout');
    assert.equal(pool.replaced, 1);
    const next = await pool.analyze({ fileName: 'fine.ts', text: '', features }, 5000);
    assert.ok(next.ok);
    assert.equal(next.result.file, 'fine.ts');
  } finally {
    await pool.dispose();
  }
});

test('a worker that crashes is a crash finding for that file, and the pool goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-pool-'));
  const crashing = join(dir, 'crash.js');
  writeFileSync(crashing, `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.op === 'describe') return parentPort.postMessage({ id: m.id, ok: true, result: {} });
  if (m.payload.fileName === 'crash.ts') process.exit(7);
  parentPort.postMessage({ id: m.id, ok: true, result: { file: m.payload.fileName, genes: [], skipped: [], errors: [], timings: {} } });
});`);
  const pool = new AnalysisPool(crashing, 1);
  try {
    const features = { compile: false, verify: false, proteinHash: false };
    const crashed = await pool.analyze({ fileName: 'crash.ts', text: '', features }, 5000);
    assert.ok(!crashed.ok && crashed.kind === 'crash' && /code 7/.test(crashed.message));
    assert.ok((await pool.analyze({ fileName: 'fine.ts', text: '', features }, 5000)).ok);
  } finally {
    await pool.dispose();
  }
});

test('the real worker pool analyses a file in parallel workers', async () => {
  const pool = new AnalysisPool(workerScript, 2);
  try {
    const text = 'export function twice(x: number): number { return x * 2; }\n';
    const outcomes = await Promise.all([1, 2, 3].map((i) => pool.analyze({ fileName: `f${i}.ts`, text, features: { compile: true, verify: true, proteinHash: false } }, 10_000)));
    for (const outcome of outcomes) {
      assert.ok(outcome.ok);
      assert.equal(outcome.result.genes[0]?.verify?.verdict, 'ok');
    }
  } finally {
    await pool.dispose();
  }
});

test('monitoring: promtool missing is reported as skipped, not as a pass or a failure', async () => {
  const items = await checkMonitoring(mkdtempSync(join(tmpdir(), 'chimera-mon-')), findOnPath('promtool', '/nonexistent'));
  assert.deepEqual(items.map((i) => [i.name, i.status]), [['rules exported', 'passed'], ['promtool check rules', 'skipped'], ['promtool test rules', 'skipped']]);
  assert.equal(items[1]!.detail, 'skipped: promtool not found');
});

test('monitoring: the exported rules pass promtool check and test when promtool is installed', async (t) => {
  const promtool = findOnPath('promtool');
  if (!promtool) return t.skip('promtool not found');
  const items = await checkMonitoring(mkdtempSync(join(tmpdir(), 'chimera-mon-')), promtool);
  assert.deepEqual(items.map((i) => [i.name, i.status]), [['rules exported', 'passed'], ['promtool check rules', 'passed'], ['promtool test rules', 'passed']]);
});
