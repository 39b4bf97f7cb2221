import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../../../src/cli/command';
import { createCheckCommand } from '../../../../src/cli/commands/check';
import { createRunCommand } from '../../../../src/cli/commands/run';
import { ExitCode } from '../../../../src/cli/exit-codes';
import type { CheckReport } from '../../../../src/core/check';
import { type GeneExecutor, createInProcessExecutor } from '../../../../src/core/compiler';
import { ModuleCache } from '../../../../src/core/store';
import { parseXml, sampleCopy, workerScript, type XmlElement } from '../../../fixtures/check/helpers';
import { distFile } from '../../../support/repo';

const command = createCheckCommand({ workerScript });

async function check(workspace: string, options: Record<string, unknown> = {}, positionals: string[] = []) {
  const logged: string[] = [];
  const result = await command.run({ workspace, respectFlags: false, log: (m) => logged.push(m) }, { json: true, 'no-cache': true, ...options }, positionals);
  return { ...result, report: result.data as CheckReport, logged };
}

function snapshotOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else out.push(`${path}:${readFileSync(join(dir, path), 'utf8')}`);
    }
  };
  walk('');
  return out.sort();
}

const suites = (xml: string) => parseXml(xml).children.filter((c) => c.name === 'testsuite');
const cases = (suite: XmlElement) => suite.children.filter((c) => c.name === 'testcase');

test('the sample workspace passes: exit 0, every area checked, genes compiled and verified, and nothing written to the workspace', async () => {
  const workspace = sampleCopy();
  const before = snapshotOf(workspace);
  const junit = join(mkdtempSync(join(tmpdir(), 'chimera-junit-')), 'reports', 'check.xml');
  const { exitCode, report } = await check(workspace, { junit, 'protein-hash': true, jobs: '2' });
  assert.equal(exitCode, ExitCode.Ok, JSON.stringify(report.findings));
  assert.equal(report.ok, true);
  assert.deepEqual(report.findings.filter((f) => f.severity === 'error'), []);
  assert.equal(report.stats.files, 3);
  assert.equal(report.stats.genes, 19);
  assert.equal(report.stats.compiled, 13);
  assert.equal(report.stats.verified, 13);
  assert.equal(report.stats.mismatches, 0);
  assert.equal(report.phase, 1);
  assert.deepEqual([...new Set(report.items.map((i) => i.area))], ['flags', 'genes', 'protein', 'monitoring', 'rollback']);
  assert.equal(report.proteinHashes?.['src/vs/base/common/numbers.ts#clamp'], report.proteinHashes?.['src/vs/base/common/numbers.ts#clampValue'], 'the renamed clone hashes the same, and both were reproduced');
  assert.ok(report.items.filter((i) => i.area === 'rollback').length >= 4);
  assert.ok(report.items.filter((i) => i.area === 'rollback').every((i) => i.status === 'passed'));
  assert.deepEqual(snapshotOf(workspace), before, 'no .chimera/, no rollout log entry, no check.json without --record');
  // Every compiled gene was verified in the sandbox; with --no-cache no module is kept anywhere.
  assert.equal(report.sandbox?.modulesDir, null);
  assert.ok((report.sandbox?.runs ?? 0) >= 13, JSON.stringify(report.sandbox));
  assert.deepEqual(report.sandbox?.modules, { hits: 0, misses: 0 });

  const xml = readFileSync(junit, 'utf8');
  const root = parseXml(xml);
  assert.equal(root.name, 'testsuites');
  assert.deepEqual(suites(xml).map((s) => s.attributes.name), ['flags', 'genes', 'protein', 'monitoring', 'rollback']);
  const genes = suites(xml).find((s) => s.attributes.name === 'genes')!;
  assert.deepEqual(cases(genes).map((c) => c.attributes.name), ['src/vs/base/common/hash.ts', 'src/vs/base/common/numbers.ts', 'src/vs/editor/common/easing.ts']);
  assert.equal(root.attributes.failures, '0');
  assert.equal(root.attributes.errors, '0');
  assert.equal(Number(root.attributes.tests), report.items.length);
});

test('a second run over an unchanged tree answers from the cache; a changed file is analysed again', async () => {
  const workspace = sampleCopy();
  const before = snapshotOf(workspace);
  const cache = mkdtempSync(join(tmpdir(), 'chimera-check-cache-'));
  const cold = await check(workspace, { cache, 'no-cache': undefined });
  assert.equal(cold.report.stats.analysed, 3);
  assert.equal(cold.report.stats.cached, 0);
  // Each compiled gene is kept by CID in <cache>/modules, like `chimera run` keeps its module; identical bytes once.
  const modules = join(cache, 'modules');
  const sandbox = cold.report.sandbox!;
  assert.equal(sandbox.modulesDir, modules);
  assert.equal(sandbox.modules.hits + sandbox.modules.misses, cold.report.stats.compiled);
  const blocks = readdirSync(join(modules, 'blocks'));
  assert.equal(blocks.length, sandbox.modules.misses);
  const store = await ModuleCache.open(modules);
  for (const cid of blocks) assert.equal((await store.get(cid)).hit, true, `${cid} is not a verified block`);
  assert.deepEqual(snapshotOf(workspace), before, 'the cache and the modules live outside the workspace');
  const warm = await check(workspace, { cache, 'no-cache': undefined });
  assert.equal(warm.report.stats.analysed, 0, 'nothing is analysed twice');
  assert.equal(warm.report.stats.cached, 3);
  assert.deepEqual(warm.report.stats.genes, cold.report.stats.genes);
  appendFileSync(join(workspace, 'src/vs/base/common/hash.ts'), '\nexport function twice(x: number): number { return x * 2; }\n');
  const edited = await check(workspace, { cache, 'no-cache': undefined });
  assert.equal(edited.report.stats.analysed, 1);
  // Recompiling the unchanged genes of the edited file is a hit; only the new gene is stored.
  assert.equal(edited.report.sandbox!.modules.misses, 1);
  assert.equal(readdirSync(join(modules, 'blocks')).length, sandbox.modules.misses + 1);
  assert.equal(edited.report.stats.cached, 2);
  assert.equal(edited.report.stats.genes, cold.report.stats.genes + 1);
});

test('a cached file is analysed again when a file it imports from changes: the verdict that rested on it follows', async () => {
  const workspace = sampleCopy();
  const cache = mkdtempSync(join(tmpdir(), 'chimera-check-cache-'));
  mkdirSync(join(workspace, 'src/lib'), { recursive: true });
  writeFileSync(join(workspace, 'src/lib/strings.ts'), 'export function isBlank(s: string): boolean {\n  return s.trim().length === 0;\n}\n');
  writeFileSync(join(workspace, 'src/lib/app.ts'), `import { isBlank } from './strings.js';\nexport function isFilled(s: string): boolean {\n  return !isBlank(s);\n}\n`);
  const cold = await check(workspace, { cache, 'no-cache': undefined }, [join(workspace, 'src/lib')]);
  assert.equal(cold.report.stats.pure, 2, 'isFilled is pure through isBlank, in the other file');
  const warm = await check(workspace, { cache, 'no-cache': undefined }, [join(workspace, 'src/lib')]);
  assert.deepEqual([warm.report.stats.analysed, warm.report.stats.cached], [0, 2]);
  writeFileSync(join(workspace, 'src/lib/strings.ts'), 'export function isBlank(s: string): boolean {\n  return s.trim().length === Date.now();\n}\n');
  const edited = await check(workspace, { cache, 'no-cache': undefined }, [join(workspace, 'src/lib')]);
  assert.deepEqual([edited.report.stats.analysed, edited.report.stats.cached], [2, 0], 'app.ts did not change, but what it imports did');
  assert.equal(edited.report.stats.pure, 0);
});

test('a bad .env fails the check with the file and line, in JSON, JUnit XML and GitHub annotations', async () => {
  const workspace = sampleCopy();
  writeFileSync(join(workspace, '.env'), '# Local flags\nCHIMERA_ENABLED=maybe\nDRY_RUN_MODE=1\n');
  const junit = join(mkdtempSync(join(tmpdir(), 'chimera-junit-')), 'check.xml');
  const { exitCode, report } = await check(workspace, { junit });
  assert.equal(exitCode, ExitCode.Findings);
  const finding = report.findings.find((f) => f.code === 'invalid-boolean');
  assert.ok(finding, JSON.stringify(report.findings));
  assert.equal(finding.file, '.env');
  assert.equal(finding.line, 2);
  assert.equal(finding.severity, 'error');

  const flags = suites(readFileSync(junit, 'utf8')).find((s) => s.attributes.name === 'flags')!;
  assert.ok(Number(flags.attributes.failures) >= 1);
  const env = cases(flags).find((c) => c.attributes.name === '.env')!;
  const failure = env.children.find((c) => c.name === 'failure')!;
  assert.equal(failure.attributes.type, 'invalid-boolean');
  assert.match(failure.text, /^\.env:2:\d+: invalid-boolean: /);

  const github = await check(workspace, { json: undefined, format: 'github' });
  assert.equal(github.exitCode, ExitCode.Findings);
  assert.match(github.text, /^::error file=\.env,line=2,col=\d+,title=chimera flags%3A invalid-boolean::.+$/m);
});

/** A compiler bug's stand-in: the real executor, with every WebAssembly result of one gene perturbed (x → x + 1, booleans negated). */
function corruptingExecutor(geneName: string): GeneExecutor {
  const real = createInProcessExecutor();
  return {
    async runBatch(gene, inputs, limits) {
      const outcomes = await real.runBatch(gene, inputs, limits);
      if (gene.name !== geneName) return outcomes;
      return outcomes.map((outcome) => (outcome.verdict === 'ok' ? { ...outcome, value: typeof outcome.value === 'boolean' ? !outcome.value : typeof outcome.value === 'number' ? outcome.value + 1 : `${outcome.value}!` } : outcome));
    },
  };
}

test('a gene whose WebAssembly differs from its JavaScript is a mismatch finding with the input, the gene and its line', async () => {
  const workspace = sampleCopy();
  const corrupted = createCheckCommand({ workerScript, executor: corruptingExecutor('clamp') });
  const junit = join(mkdtempSync(join(tmpdir(), 'chimera-junit-')), 'check.xml');
  const result = await corrupted.run({ workspace, respectFlags: false, log: () => undefined }, { json: true, 'no-cache': true, junit }, []);
  const report = result.data as CheckReport;
  assert.equal(result.exitCode, ExitCode.Findings);
  const mismatches = report.findings.filter((f) => f.code === 'wasm-mismatch');
  assert.equal(mismatches.length, 1);
  const [mismatch] = mismatches;
  assert.equal(mismatch!.file, 'src/vs/base/common/numbers.ts');
  assert.equal(mismatch!.gene, 'clamp');
  assert.equal(mismatch!.line, 6);
  assert.ok(Array.isArray(mismatch!.input) && mismatch!.input.length === 3);
  assert.match(mismatch!.message, /clamp\(.+\) is .+ in WebAssembly but .+ in JavaScript/);
  assert.equal(report.stats.mismatches, 1);
  assert.ok(report.stats.verified > 0, 'the other genes still verify with the same executor');
  const genes = suites(readFileSync(junit, 'utf8')).find((s) => s.attributes.name === 'genes')!;
  const failed = cases(genes).filter((c) => c.children.some((x) => x.name === 'failure'));
  assert.deepEqual(failed.map((c) => c.attributes.name), ['src/vs/base/common/numbers.ts']);
  assert.equal(failed[0]!.attributes.file, 'src/vs/base/common/numbers.ts');
});

test('a file that runs out of time is a finding for that file, and the run goes on with the others', async () => {
  const workspace = sampleCopy();
  // Far more work than the limit allows, while the limit stays generous for the small files on a loaded machine
  // (a shared CI machine at a load of 7 on 2 cores took over 4 s for one of them).
  const body = Array.from({ length: 40000 }, (_, i) => `export function g${i}(a: number, b: number): number {\n\treturn ((a * ${i + 1}) ^ (b + ${i})) | 0;\n}\n`).join('');
  writeFileSync(join(workspace, 'src/vs/base/common/generated.ts'), body);
  const junit = join(mkdtempSync(join(tmpdir(), 'chimera-junit-')), 'check.xml');
  const { exitCode, report } = await check(workspace, { junit, 'file-timeout': '10000', 'max-file-bytes': String(8 * 1024 * 1024), jobs: '2' });
  assert.equal(exitCode, ExitCode.Findings);
  const timeouts = report.findings.filter((f) => f.code === 'file-timeout');
  assert.deepEqual(timeouts.map((f) => f.file), ['src/vs/base/common/generated.ts']);
  const others = report.items.filter((i) => i.area === 'genes' && i.name !== 'src/vs/base/common/generated.ts');
  assert.equal(others.length, 3);
  assert.ok(others.every((i) => i.status === 'passed'), 'the other files were still analysed');
  const genes = suites(readFileSync(junit, 'utf8')).find((s) => s.attributes.name === 'genes')!;
  const generated = cases(genes).find((c) => c.attributes.name === 'src/vs/base/common/generated.ts')!;
  assert.ok(generated.children.some((c) => c.name === 'failure' || c.name === 'error'));
});

test('a file over --max-file-bytes is a clear finding and is not analysed', async () => {
  const workspace = sampleCopy();
  const { exitCode, report } = await check(workspace, { 'max-file-bytes': '1200' });
  assert.equal(exitCode, ExitCode.Findings);
  const tooLarge = report.findings.filter((f) => f.code === 'file-too-large').map((f) => f.file);
  assert.deepEqual(tooLarge, ['src/vs/base/common/numbers.ts', 'src/vs/editor/common/easing.ts']);
  assert.match(report.findings.find((f) => f.code === 'file-too-large')!.message, /--max-file-bytes/);
});

test('.env.example must list every flag, disabled; the phase must agree with the rollout log', async () => {
  const workspace = sampleCopy();
  writeFileSync(join(workspace, '.env.example'), 'CHIMERA_ENABLED=1\nDRY_RUN_MODE=0\n');
  mkdirSync(join(workspace, '.chimera'));
  writeFileSync(join(workspace, '.chimera', 'rollout-log.jsonl'), `${JSON.stringify({ time: '2025-01-01T00:00:00.000Z', action: 'phase-move', from: 1, to: 2, who: 'someone' })}\n`);
  const { exitCode, report } = await check(workspace);
  assert.equal(exitCode, ExitCode.Findings);
  const codes = report.findings.filter((f) => f.severity === 'error').map((f) => f.code).sort();
  assert.deepEqual(codes, ['example-enables-feature', 'example-incomplete', 'phase-differs-from-log']);
  assert.match(report.findings.find((f) => f.code === 'phase-differs-from-log')!.message, /phase 1.*phase 2/);
  assert.equal(readFileSync(join(workspace, '.chimera', 'rollout-log.jsonl'), 'utf8').split('\n').filter(Boolean).length, 1, 'the drill did not write into the rollout log');
});

test('--record writes .chimera/check.json for the pre-flight checklist; without it nothing is written', async () => {
  const workspace = sampleCopy();
  await check(workspace);
  assert.equal(existsSync(join(workspace, '.chimera', 'check.json')), false);
  await check(workspace, { record: true });
  const recorded = JSON.parse(readFileSync(join(workspace, '.chimera', 'check.json'), 'utf8')) as { ok: boolean; at: string };
  assert.equal(recorded.ok, true);
  assert.ok(!Number.isNaN(Date.parse(recorded.at)));
});

test('paths narrow the check, --exclude and .gitignore leave files out', async () => {
  const workspace = sampleCopy();
  const only = await check(workspace, {}, [join(workspace, 'src/vs/base')]);
  assert.deepEqual(only.report.items.filter((i) => i.area === 'genes').map((i) => i.name), ['src/vs/base/common/hash.ts', 'src/vs/base/common/numbers.ts']);
  const excluded = await check(workspace, { exclude: ['**/hash.ts'] });
  assert.deepEqual(excluded.report.items.filter((i) => i.area === 'genes').map((i) => i.name), ['src/vs/base/common/numbers.ts', 'src/vs/editor/common/easing.ts']);
  writeFileSync(join(workspace, '.gitignore'), 'src/vs/editor/\n');
  mkdirSync(join(workspace, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(workspace, 'node_modules', 'dep', 'index.js'), 'function f(x) { return x + 1; }\n');
  const ignored = await check(workspace);
  assert.deepEqual(ignored.report.items.filter((i) => i.area === 'genes').map((i) => i.name), ['src/vs/base/common/hash.ts', 'src/vs/base/common/numbers.ts']);
});

test('usage mistakes are usage errors (exit 2), not findings', async () => {
  const workspace = sampleCopy();
  await assert.rejects(check(workspace, { format: 'xml' }), UsageError);
  await assert.rejects(check(workspace, { format: 'github' }), UsageError, '--format github with --json');
  await assert.rejects(check(workspace, { jobs: '0' }), UsageError);
  await assert.rejects(check(workspace, { 'file-timeout': 'soon' }), UsageError);
  await assert.rejects(check(workspace, {}, [tmpdir()]), UsageError, 'a path outside the workspace');
  await assert.rejects(check(workspace, {}, [join(workspace, 'missing')]), UsageError);
});

test('the human report lists findings as file:line:col and has no colour without a terminal', async () => {
  const workspace = sampleCopy();
  writeFileSync(join(workspace, '.env'), 'CHIMERA_ENABLED=maybe\n');
  const { text, exitCode } = await check(workspace, { json: undefined });
  assert.equal(exitCode, ExitCode.Findings);
  assert.match(text, /^\.env:1:\d+ {2}error {2}invalid-boolean {2}/m);
  assert.match(text, /chimera check failed: \d+ errors/);
  assert.ok(!text.includes('\u001b['), 'no ANSI colour codes');
});

test('check and run share <cache>/modules: a gene check compiled is a cache hit for chimera run with the same --cache', async () => {
  const workspace = sampleCopy();
  const cache = mkdtempSync(join(tmpdir(), 'chimera-check-shared-'));
  const checked = await check(workspace, { cache, 'no-cache': undefined }, [join(workspace, 'src/vs/base/common/numbers.ts')]);
  assert.ok((checked.report.sandbox?.modules.misses ?? 0) > 0, JSON.stringify(checked.report.sandbox));
  const run = createRunCommand({ workerScript: distFile('sandbox-worker.js'), childScript: distFile('sandbox-child.js') });
  const result = await run.run({ workspace, respectFlags: false, log: () => {} }, { cache }, ['src/vs/base/common/numbers.ts', 'clamp', '5', '0', '3']);
  const data = result.data as { value: number; cache: string; cid: string };
  assert.equal(data.value, 3);
  assert.equal(data.cache, 'hit');
  assert.ok(readdirSync(join(cache, 'modules', 'blocks')).includes(data.cid));
});
