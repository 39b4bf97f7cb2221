// Prometheus alerting rules for the plan's rollback triggers and phase criteria, and promtool unit tests for
// them, generated from plan.ts and the phase table (rollout/phases.ts) so rules, dashboard and editor never disagree.
import { FAIL_OP, phaseCriteria } from '../rollout/phases';
import {
  DURATION_BUCKETS,
  METRIC,
  MIN_REQUESTS_IN_WINDOW,
  type PlanQuery,
  ROLLBACK_TRIGGERS,
  type Threshold,
  criterionQueries,
  parseDuration,
  planQueries,
  requestsInWindow,
} from './plan';
import type { YamlValue } from './yaml';

export interface RuleOptions {
  /** Rate window (plan: 5m). */
  window?: string;
  /** Increase window of security violations (plan: 1h). */
  securityWindow?: string;
  /** Requests needed in the window before a rate-based rule may fire. */
  minRequests?: number;
  /** Rule evaluation interval of the groups; unset = Prometheus's global one. */
  evaluationInterval?: string;
}

export const RULE_GROUPS = { triggers: 'chimera-rollback-triggers', criteria: 'chimera-phase-criteria' } as const;

const RATE_BASED: ReadonlySet<PlanQuery> = new Set(['errorRate', 'p95Latency']);

function condition(queries: Record<PlanQuery, string>, threshold: Threshold, window: string, minRequests: number): string {
  const base = `(${queries[threshold.query]}) ${threshold.op} ${threshold.limit}`;
  return RATE_BASED.has(threshold.query) && minRequests > 0 ? `${base} and ${requestsInWindow(window)} >= ${minRequests}` : base;
}

/** The rule file as data: rollback triggers (`severity: rollback`, fire at once) and failing phase criteria (`severity: criterion`). */
export function alertRules(options: RuleOptions = {}): YamlValue {
  const window = options.window ?? '5m';
  const securityWindow = options.securityWindow ?? '1h';
  const minRequests = options.minRequests ?? MIN_REQUESTS_IN_WINDOW;
  const queries = planQueries({ window, securityWindow });
  const interval = options.evaluationInterval ? { interval: options.evaluationInterval } : {};
  const measures = criterionQueries({ window, securityWindow });
  return {
    groups: [
      {
        name: RULE_GROUPS.triggers,
        ...interval,
        rules: ROLLBACK_TRIGGERS.map((trigger) => ({
          alert: trigger.alert,
          expr: condition(queries, trigger, window, minRequests),
          for: '0s',
          labels: { severity: 'rollback', trigger: trigger.id },
          annotations: { summary: `Chimera rollback: ${trigger.summary}`, description: `Automatic rollback trigger of the rollout plan. Query: ${queries[trigger.query]}` },
        })),
      },
      {
        name: RULE_GROUPS.criteria,
        ...interval,
        rules: phaseCriteria().flatMap(({ phase, criterion }) => {
          const query = criterion.metric && measures[criterion.metric.name];
          if (!criterion.alert || !criterion.metric || !query) return [];
          const failing = `(${query.expr}) ${FAIL_OP[criterion.metric.op]} ${criterion.metric.bound}`;
          return [
            {
              alert: criterion.alert.name,
              expr: query.volume && minRequests > 0 ? `${failing} and ${query.volume} >= ${minRequests}` : failing,
              for: '0s',
              labels: { severity: 'criterion', phase: String(phase), criterion: criterion.id },
              annotations: { summary: criterion.alert.summary, description: `Success criterion not met. Query: ${query.expr}` },
            },
          ];
        }),
      },
    ],
  };
}

interface Load {
  requests: number;
  errors: number;
  /** Cumulative share of each step's requests at or below each bucket bound (same order as DURATION_BUCKETS). */
  latencyShareAtOrBelow: (bound: number) => number;
  memoryRatio: number;
  /** Step at which one violation happens, or none. */
  violationAtStep?: number;
  gatewayFailuresPerStep: number;
}

const STEPS = 40;

function series(load: Load): YamlValue[] {
  const grow = (perStep: number) => `0+${perStep}x${STEPS}`;
  const job = 'job="chimera",op="exec"';
  const buckets = [...DURATION_BUCKETS, Infinity].map((bound) => ({
    series: `${METRIC.duration}_bucket{${job},le="${bound === Infinity ? '+Inf' : bound}"}`,
    values: grow(Math.round(load.requests * (bound === Infinity ? 1 : load.latencyShareAtOrBelow(bound)))),
  }));
  const violations =
    load.violationAtStep === undefined ? `0x${STEPS}` : `0x${load.violationAtStep - 1} 1x${STEPS - load.violationAtStep}`;
  return [
    { series: `${METRIC.requests}{${job}}`, values: grow(load.requests) },
    { series: `${METRIC.errors}{${job}}`, values: grow(load.errors) },
    ...buckets,
    { series: `${METRIC.memory}{job="chimera"}`, values: `${load.memoryRatio * 1000}x${STEPS}` },
    { series: `${METRIC.memoryLimit}{job="chimera"}`, values: `1000x${STEPS}` },
    { series: `${METRIC.securityViolations}{job="chimera",kind="forbidden-import"}`, values: violations },
    { series: `${METRIC.gatewayRequests}{job="chimera",result="success"}`, values: grow(100 - load.gatewayFailuresPerStep) },
    { series: `${METRIC.gatewayRequests}{job="chimera",result="failure"}`, values: grow(load.gatewayFailuresPerStep) },
  ];
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/**
 * promtool unit tests for `alertRules(options)`: an unhealthy rollout fires all four triggers, a healthy one
 * fires nothing, an idle one (NaN ratios) fires nothing, too few requests fire nothing, and a degraded one
 * fails the phase criteria without a rollback. Steps are a fifth of the window, so every window holds 6 samples.
 */
export function alertRuleTests(rulesFile: string, options: RuleOptions = {}): YamlValue {
  const window = options.window ?? '5m';
  const minRequests = options.minRequests ?? MIN_REQUESTS_IN_WINDOW;
  const windowSeconds = parseDuration(window);
  if (windowSeconds === undefined) throw new RangeError(`'${window}' is not a Prometheus duration`);
  const step = windowSeconds / 5;
  const securitySteps = Math.floor((parseDuration(options.securityWindow ?? '1h') ?? 0) / step);
  if (securitySteps < 1) throw new RangeError('the security window must be at least a fifth of the window for the rule tests');
  // The violation must fall inside the security window at the end, with a 0 sample before it (pitfall P1).
  const violationAtStep = Math.max(20, STEPS - securitySteps + 1);
  const interval = formatSeconds(step);
  const at = (n: number) => formatSeconds(step * n);
  const end = at(STEPS);
  const expectNone = (names: readonly string[], time = end) => names.map((name) => ({ eval_time: time, alertname: name, exp_alerts: [] }));
  const rules = alertRules(options) as { groups: { rules: { alert: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] };
  const all = rules.groups.flatMap((group) => group.rules);
  const byName = (name: string) => all.find((rule) => rule.alert === name)!;
  const fires = (names: readonly string[]) =>
    names.map((name) => {
      const rule = byName(name);
      return { eval_time: end, alertname: name, exp_alerts: [{ exp_labels: rule.labels, exp_annotations: rule.annotations }] };
    });
  const uniform = (from: number, to: number) => (bound: number) => Math.min(1, Math.max(0, (bound - from) / (to - from)));
  const allNames = all.map((rule) => rule.alert);
  const triggers = ROLLBACK_TRIGGERS.map((t) => t.alert);
  const unhealthy: Load = { requests: 100, errors: 2, latencyShareAtOrBelow: uniform(0.4, 0.6), memoryRatio: 0.85, violationAtStep, gatewayFailuresPerStep: 0 };
  const healthy: Load = { requests: 100, errors: 0, latencyShareAtOrBelow: (b) => (b >= 0.1 ? 1 : 0), memoryRatio: 0.5, gatewayFailuresPerStep: 0 };
  const queries = planQueries({ window, securityWindow: options.securityWindow ?? '1h' });
  return {
    rule_files: [rulesFile],
    evaluation_interval: interval,
    tests: [
      {
        name: 'unhealthy rollout (2% errors, P95 0.59 s, memory 85%, one violation) fires all four rollback triggers',
        interval,
        input_series: series(unhealthy),
        promql_expr_test: [
          // promtool compares exactly (pitfall P9); rounding to 1e-4 keeps the check independent of the window's float noise.
          { expr: `round(${queries.errorRate}, 0.0001)`, eval_time: end, exp_samples: [{ labels: '{}', value: 0.02 }] },
          { expr: `round(${queries.p95Latency}, 0.0001)`, eval_time: end, exp_samples: [{ labels: '{}', value: 0.59 }] },
          { expr: `round(${queries.memoryRatio}, 0.0001)`, eval_time: end, exp_samples: [{ labels: '{}', value: 0.85 }] },
          { expr: queries.securityViolations, eval_time: end, exp_samples: [{ labels: '{}', value: 1 }] },
        ],
        alert_rule_test: [
          ...expectNone(['ChimeraSecurityViolation'], at(violationAtStep - 1)),
          ...fires([...triggers, 'ChimeraPhase2ErrorRate', 'ChimeraPhase2P95Latency', 'ChimeraPhase2SecurityIncident', 'ChimeraPhase3ErrorRate']),
          ...expectNone(['ChimeraPhase3GatewayAvailability']),
        ],
      },
      {
        name: 'healthy rollout (no errors, 0.1 s, memory 50%, gateway up) fires nothing',
        interval,
        input_series: series(healthy),
        alert_rule_test: expectNone(allNames),
      },
      {
        name: 'idle rollout (no requests: NaN ratios) fires nothing',
        interval,
        input_series: series({ ...healthy, requests: 0 }),
        alert_rule_test: expectNone(allNames),
      },
      {
        name: `fewer than ${minRequests} requests in the window cannot trigger a rate rollback`,
        interval,
        input_series: series({ ...unhealthy, requests: 1, errors: 1, violationAtStep: undefined, memoryRatio: 0.5 }),
        alert_rule_test: expectNone(allNames),
      },
      {
        name: 'degraded rollout (0.2% errors, P95 0.35 s, gateway 97%) fails the phase criteria without a rollback',
        interval,
        input_series: series({ requests: 1000, errors: 2, latencyShareAtOrBelow: uniform(0.2, 0.4), memoryRatio: 0.5, gatewayFailuresPerStep: 3 }),
        alert_rule_test: [...fires(['ChimeraPhase2ErrorRate', 'ChimeraPhase2P95Latency', 'ChimeraPhase3ErrorRate', 'ChimeraPhase3GatewayAvailability']), ...expectNone(triggers)],
      },
    ],
  };
}
