// Offline checks with the real promtool: the exported rules load and their unit tests pass, and the
// local evaluator computes what Prometheus's own engine computes on awkward series (gaps, resets, late starts).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { type Point, extrapolatedIncrease, histogramQuantile } from '../../src/core/metrics/evaluate';
import { MONITORING_FILES, exportMonitoring } from '../../src/core/metrics/export';
import { toYaml } from '../../src/core/metrics/yaml';
import { INSTALL_HINT, findBinary } from './harness';

const promtool = findBinary('promtool');

function skipLoudly(t: TestContext): void {
  const message = `skipped: promtool not installed (${INSTALL_HINT})`;
  process.stderr.write(`\n*** ${message} ***\n\n`);
  t.skip(message);
}

function run(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(promtool!, args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

for (const window of ['5m', '30s']) {
  test(`exported rules (window ${window}) pass promtool check rules and their promtool unit tests`, async (t) => {
    if (!promtool) return skipLoudly(t);
    const dir = mkdtempSync(join(tmpdir(), 'chimera-promtool-'));
    try {
      await exportMonitoring(dir, { window });
      const check = run(['check', 'rules', MONITORING_FILES.rules], dir);
      assert.equal(check.status, 0, check.output);
      assert.match(check.output, /SUCCESS: 9 rules found/);
      const tests = run(['test', 'rules', MONITORING_FILES.ruleTests], dir);
      assert.equal(tests.status, 0, tests.output);
      assert.match(tests.output, /SUCCESS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('promtool really fails a wrong expectation in the exported rule tests (the check can fail)', async (t) => {
  if (!promtool) return skipLoudly(t);
  const dir = mkdtempSync(join(tmpdir(), 'chimera-promtool-'));
  try {
    await exportMonitoring(dir);
    const path = join(dir, MONITORING_FILES.ruleTests);
    writeFileSync(path, readFileSync(path, 'utf8').replace('value: 0.02', 'value: 0.03'));
    const tests = run(['test', 'rules', MONITORING_FILES.ruleTests], dir);
    assert.equal(tests.status, 1, tests.output);
    assert.match(tests.output, /FAILED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Prometheus's round(v, 1e-6), bit for bit, so exact promtool comparisons can hold local results. */
function promRound(value: number): number {
  const inverse = 1 / 0.000001;
  return Math.floor(value * inverse + 0.5) / inverse;
}

const STEP = 15;
/** promtool series notation with `_` for a missing sample. */
const notation = (values: (number | undefined)[]) => values.map((v) => (v === undefined ? '_' : String(v))).join(' ');
const pointsOf = (values: (number | undefined)[]): Point[] => values.flatMap((v, i) => (v === undefined ? [] : [{ t: i * STEP, v }]));

test('local increase(), rate() and histogram_quantile() equal promtool’s engine on gaps, resets and late starts', (t) => {
  if (!promtool) return skipLoudly(t);
  const counters: Record<string, (number | undefined)[]> = {
    steady: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120],
    gaps: [0, 3, 7, undefined, 20, 25, undefined, undefined, 40, 41, 47, undefined, 60],
    reset: [5, 9, 14, 20, 2, 8, 15, 1, 4, 9, 12, 18, 30],
    late: [undefined, undefined, undefined, undefined, undefined, 100, 101, 103, 103, 110, 111, 111, 120],
  };
  const evalTimes = [60, 75, 100, 130, 165, 180];
  const windows: [string, number][] = [['30s', 30], ['1m', 60], ['2m', 120]];
  const exprTests: unknown[] = [];
  for (const [name, values] of Object.entries(counters)) {
    for (const at of evalTimes) {
      for (const [text, seconds] of windows) {
        for (const [fn, perSecond] of [['increase', false], ['rate', true]] as const) {
          const local = extrapolatedIncrease(pointsOf(values), at - seconds, at, perSecond);
          exprTests.push({ expr: `round(${fn}(c_${name}[${text}]), 0.000001)`, eval_time: `${at}s`, exp_samples: local === null ? [] : [{ labels: `{}`, value: promRound(local) }] });
        }
      }
    }
  }
  // Buckets of an irregularly scraped histogram; the quantile runs over their rates, summed per le.
  const bounds = [0.1, 0.3, 0.5, Infinity];
  const bucketSeries: (number | undefined)[][] = [
    [0, 5, 9, 12, undefined, 20, 26, 30, 31, 40, 44, 50, 55],
    [0, 8, 15, 20, undefined, 33, 41, 47, 50, 61, 70, 80, 88],
    [0, 9, 18, 26, undefined, 40, 50, 60, 66, 80, 90, 101, 110],
    [0, 10, 20, 30, undefined, 45, 56, 67, 75, 90, 101, 113, 125],
  ];
  const le = (bound: number) => (bound === Infinity ? '+Inf' : String(bound));
  for (const at of evalTimes) {
    for (const q of [0.5, 0.9, 0.95]) {
      const rates = bounds.map((bound, i) => ({ le: bound, count: extrapolatedIncrease(pointsOf(bucketSeries[i]!), at - 60, at, true) }));
      const local = rates.some((r) => r.count === null) ? null : histogramQuantile(q, rates.map((r) => ({ le: r.le, count: r.count! })));
      exprTests.push({ expr: `round(histogram_quantile(${q}, sum by (le) (rate(h_bucket[1m]))), 0.000001)`, eval_time: `${at}s`, exp_samples: local === null ? [] : [{ labels: '{}', value: promRound(local) }] });
    }
  }
  const input = [
    ...Object.entries(counters).map(([name, values]) => ({ series: `c_${name}`, values: notation(values) })),
    ...bounds.map((bound, i) => ({ series: `h_bucket{le="${le(bound)}"}`, values: notation(bucketSeries[i]!) })),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'chimera-promtool-'));
  try {
    writeFileSync(join(dir, 'semantics.test.yml'), toYaml({ evaluation_interval: `${STEP}s`, tests: [{ interval: `${STEP}s`, input_series: input, promql_expr_test: exprTests as never }] }));
    const result = run(['test', 'rules', 'semantics.test.yml'], dir);
    assert.equal(result.status, 0, result.output.slice(0, 4000));
    assert.equal(exprTests.length, 4 * 6 * 3 * 2 + 6 * 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
