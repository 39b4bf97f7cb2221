// The metrics module's public surface. Loaded lazily by the extension (it pulls in prom-client);
// plan.ts, rules.ts, dashboard.ts and export.ts are prom-client-free and may be imported directly.
export * from './plan';
export type { MetricsSample } from './sample';
export { type ChimeraMetrics, type EnabledFeatures, type MetricsOptions, type ObserveOptions, createChimeraMetrics } from './registry';
export { type Bucket, type EvaluateOptions, type Point, type QueryValue, evaluatePlanQueries, extrapolatedIncrease, histogramQuantile } from './evaluate';
export { LocalSampler, type SamplerOptions } from './sampler';
export { METRICS_HOST, type MetricsServer, type Outcome, startMetricsServer } from './exporter';
export { PUSH_JOB, type Pusher, createPusher, hashedMachineId } from './push';
export { type PromSample, type QueryOptions, parseSampleValue, queryPrometheus } from './prometheus-client';
export { RULE_GROUPS, type RuleOptions, alertRuleTests, alertRules } from './rules';
export { type DashboardOptions, grafanaDashboard } from './dashboard';
export { MONITORING_FILES, type MonitoringExport, exportMonitoring } from './export';
export { type YamlValue, toYaml } from './yaml';
