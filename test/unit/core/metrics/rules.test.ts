import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { monitoringCommand } from '../../../../src/cli/commands/monitoring';
import { UsageError } from '../../../../src/cli/command';
import { grafanaDashboard } from '../../../../src/core/metrics/dashboard';
import { MONITORING_FILES } from '../../../../src/core/metrics/export';
import { ROLLBACK_TRIGGERS, planQueries } from '../../../../src/core/metrics/plan';
import { alertRules } from '../../../../src/core/metrics/rules';
import { toYaml } from '../../../../src/core/metrics/yaml';
import { repoRoot } from '../../../support/repo';

const context = (workspace: string) => ({ workspace, respectFlags: false, log: () => undefined });

test('chimera monitoring export DIR writes rules, their promtool tests and a dashboard, with the window as a parameter', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'chimera-monitoring-'));
  try {
    const result = await monitoringCommand.run(context(workspace), { window: '30s' }, ['export', 'out']);
    assert.equal(result.exitCode, 0);
    const dir = join(workspace, 'out');
    const rules = readFileSync(join(dir, MONITORING_FILES.rules), 'utf8');
    for (const trigger of ROLLBACK_TRIGGERS) assert.ok(rules.includes(`alert: "${trigger.alert}"`), trigger.alert);
    assert.ok(rules.includes('sum(rate(chimera_errors_total[30s]))'));
    assert.ok(!rules.includes('[5m]'));
    const tests = readFileSync(join(dir, MONITORING_FILES.ruleTests), 'utf8');
    assert.ok(tests.includes(`- "${MONITORING_FILES.rules}"`));
    const dashboard = JSON.parse(readFileSync(join(dir, MONITORING_FILES.dashboard), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    for (const query of Object.values(planQueries({ window: '30s' }))) assert.ok(exprs.includes(query), query);
    assert.deepEqual((result.data as { monitoring: { files: string[] } }).monitoring.files.map((f) => dirname(f)), [dir, dir, dir]);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('monitoring usage mistakes are usage errors (exit 2), not crashes', async () => {
  const ctx = context(tmpdir());
  await assert.rejects(monitoringCommand.run(ctx, {}, []), UsageError);
  await assert.rejects(monitoringCommand.run(ctx, {}, ['import', 'x']), UsageError);
  await assert.rejects(monitoringCommand.run(ctx, {}, ['export']), UsageError);
  await assert.rejects(monitoringCommand.run(ctx, { window: '5' }, ['export', 'x']), UsageError);
  await assert.rejects(monitoringCommand.run(ctx, { 'min-requests': '-1' }, ['export', 'x']), UsageError);
});

test('the dashboard has the four plan queries with the triggers as red thresholds, the canary share and the secondary metrics, without overlaps', () => {
  const dashboard = grafanaDashboard() as { panels: { type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: { expr: string }[]; fieldConfig?: { defaults: { thresholds: { steps: { value: number | null }[] } } } }[] };
  const titles = dashboard.panels.map((p) => p.title);
  for (const title of ['Error rate', 'P95 latency', 'Memory usage', 'Canary share', 'Adoption (machines with Chimera enabled)', 'Gene extraction success', 'WASM compilation time', 'IPFS (cache) hit rate', 'IPFS gateway availability', 'Protein hash computation time']) {
    assert.ok(titles.includes(title), title);
  }
  const p95 = dashboard.panels.find((p) => p.title === 'P95 latency')!;
  assert.equal(p95.fieldConfig!.defaults.thresholds.steps[1]!.value, 0.5);
  const cells = new Set<string>();
  for (const { gridPos } of dashboard.panels) {
    assert.ok(gridPos.x + gridPos.w <= 24);
    for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
      assert.ok(!cells.has(`${x},${y}`), `overlap at ${x},${y}`);
      cells.add(`${x},${y}`);
    }
  }
  assert.equal(new Set(dashboard.panels.map((p) => (p as unknown as { id: number }).id)).size, dashboard.panels.length);
});

test('rate rules wait for enough requests; memory and security rules do not', () => {
  const rules = (alertRules({ minRequests: 50 }) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups[0]!.rules;
  const expr = (name: string) => rules.find((r) => r.alert === name)!.expr;
  assert.match(expr('ChimeraHighErrorRate'), /and sum\(increase\(chimera_requests_total\[5m\]\)\) >= 50$/);
  assert.match(expr('ChimeraHighP95Latency'), / > 0\.5 and /);
  assert.doesNotMatch(expr('ChimeraHighMemory'), /increase/);
  assert.equal(expr('ChimeraSecurityViolation'), '(sum(increase(chimera_security_violations_total[1h]))) > 0');
});

test('the YAML writer quotes every string as JSON, so PromQL and templates are never read as YAML syntax', () => {
  assert.equal(
    toYaml({ groups: [{ name: 'a: b', rules: [{ expr: 'x{a="b"} > 0 # not a comment', labels: {}, n: 1 }] }], empty: [] }, 'head'),
    ['# head', 'groups:', '- name: "a: b"', '  rules:', '  - expr: "x{a=\\"b\\"} > 0 # not a comment"', '    labels: {}', '    n: 1', 'empty: []', ''].join('\n'),
  );
});

test('the generators that the CLI and the rollout import never load prom-client (it stays off the activation path)', () => {
  const dir = join(repoRoot, 'src', 'core', 'metrics');
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    assert.doesNotMatch(source, /from 'prom-client'/, file);
    for (const [, spec] of source.matchAll(/from '(\.[^']+)'/g)) visit(`${resolve(dirname(file), spec!)}.ts`);
  };
  for (const entry of ['plan.ts', 'export.ts', 'evaluate.ts', 'rules.ts', 'dashboard.ts']) visit(join(dir, entry));
  visit(join(repoRoot, 'src', 'cli', 'commands', 'monitoring.ts'));
  assert.ok(seen.size >= 7);
});
