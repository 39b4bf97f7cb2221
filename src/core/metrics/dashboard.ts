// A Grafana dashboard (import JSON, datasource chosen on import) for the plan's four queries,
// the canary share and adoption, and the secondary metrics, generated from plan.ts.
import { METRIC, type PlanQuery, ROLLBACK_TRIGGERS, planQueries, secondaryQueries } from './plan';

export interface DashboardOptions {
  window?: string;
  securityWindow?: string;
}

interface Target {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  type: 'timeseries' | 'stat';
  unit: string;
  targets: Target[];
  /** Red from this value up: the rollback trigger. */
  redFrom?: number;
  description?: string;
}

const DATASOURCE = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
const UNITS: Record<PlanQuery, string> = { errorRate: 'percentunit', p95Latency: 's', memoryRatio: 'percentunit', securityViolations: 'short' };
const TITLES: Record<PlanQuery, string> = { errorRate: 'Error rate', p95Latency: 'P95 latency', memoryRatio: 'Memory usage', securityViolations: 'Security violations (1h)' };

function panel(spec: PanelSpec, id: number, x: number, y: number, w: number, h: number): Record<string, unknown> {
  const steps: { color: string; value: number | null }[] = [{ color: 'green', value: null }];
  if (spec.redFrom !== undefined) steps.push({ color: 'red', value: spec.redFrom });
  return {
    id,
    type: spec.type,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: DATASOURCE,
    gridPos: { x, y, w, h },
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        thresholds: { mode: 'absolute', steps },
        ...(spec.type === 'timeseries' && spec.redFrom !== undefined ? { custom: { thresholdsStyle: { mode: 'line' } } } : {}),
      },
      overrides: [],
    },
    options: spec.type === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value' } : { legend: { displayMode: 'list', placement: 'bottom' } },
    targets: spec.targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: target.expr, legendFormat: target.legend })),
  };
}

export function grafanaDashboard(options: DashboardOptions = {}): Record<string, unknown> {
  const window = options.window ?? '5m';
  const queries = planQueries({ window, securityWindow: options.securityWindow ?? '1h' });
  const secondary = secondaryQueries(window);
  const limit = (query: PlanQuery) => ROLLBACK_TRIGGERS.find((t) => t.query === query)?.limit;
  const plan: PanelSpec[] = (Object.keys(queries) as PlanQuery[]).map((query) => ({
    title: TITLES[query],
    type: 'timeseries',
    unit: UNITS[query],
    targets: [{ expr: queries[query], legend: 'fleet' }],
    redFrom: query === 'securityViolations' ? 1 : limit(query),
    description: `Rollout plan query; the red line is the automatic rollback trigger. ${queries[query]}`,
  }));
  const rollout: PanelSpec[] = [
    { title: 'Adoption (machines with Chimera enabled)', type: 'stat', unit: 'percentunit', targets: [{ expr: secondary.adoption, legend: 'enabled' }] },
    { title: 'Canary share', type: 'stat', unit: 'percentunit', targets: [{ expr: secondary.canaryFraction, legend: 'CHIMERA_CANARY' }] },
    { title: 'Machines reporting', type: 'stat', unit: 'short', targets: [{ expr: `count(${METRIC.featuresEnabled}{feature="chimera"})`, legend: 'machines' }] },
    { title: 'Requests by operation', type: 'timeseries', unit: 'reqps', targets: [{ expr: `sum by (op) (rate(${METRIC.requests}[${window}]))`, legend: '{{op}}' }] },
  ];
  const secondaryPanels: PanelSpec[] = [
    { title: 'Gene extraction success', type: 'timeseries', unit: 'percentunit', targets: [{ expr: secondary.geneExtractionSuccess, legend: 'success' }] },
    { title: 'WASM compilation time', type: 'timeseries', unit: 's', targets: [{ expr: secondary.wasmCompileP50, legend: 'P50' }, { expr: secondary.wasmCompileMean, legend: 'mean' }] },
    { title: 'IPFS (cache) hit rate', type: 'timeseries', unit: 'percentunit', targets: [{ expr: secondary.cacheHitRatio, legend: 'hits' }] },
    { title: 'IPFS gateway availability', type: 'timeseries', unit: 'percentunit', targets: [{ expr: secondary.gatewayAvailability, legend: 'available' }] },
    { title: 'Protein hash computation time', type: 'timeseries', unit: 's', targets: [{ expr: secondary.proteinHashP50, legend: 'P50' }, { expr: secondary.proteinHashMean, legend: 'mean' }] },
    { title: 'Error rate by operation', type: 'timeseries', unit: 'percentunit', targets: [{ expr: `sum by (op) (rate(${METRIC.errors}[${window}])) / sum by (op) (rate(${METRIC.requests}[${window}]))`, legend: '{{op}}' }] },
  ];
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  const row = (title: string, y: number) => panels.push({ id: id++, type: 'row', title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
  // Rows of fixed heights on Grafana's 24-column grid, so no two panels overlap.
  row('Rollback triggers (plan queries)', 0);
  plan.forEach((spec, i) => panels.push(panel(spec, id++, (i % 2) * 12, 1 + Math.floor(i / 2) * 8, 12, 8)));
  row('Rollout', 17);
  rollout.forEach((spec, i) => panels.push(panel(spec, id++, i * 6, 18, 6, 8)));
  row('Secondary metrics', 26);
  secondaryPanels.forEach((spec, i) => panels.push(panel(spec, id++, (i % 3) * 8, 27 + Math.floor(i / 3) * 8, 8, 8)));
  return {
    __inputs: [{ name: 'DS_PROMETHEUS', label: 'Prometheus', description: 'The Prometheus that scrapes or receives chimera_* metrics', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' }],
    uid: 'chimera-rollout',
    title: 'Chimera rollout',
    description: `The rollout plan's monitoring queries over a ${window} window, the canary and the secondary metrics.`,
    tags: ['chimera', 'rollout'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'browser',
    templating: { list: [] },
    annotations: { list: [] },
    panels,
  };
}
