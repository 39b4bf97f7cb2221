import type { FlagName } from '../flags/catalog';

/**
 * The plan's phase table as data, in one place. The plan's literal flag sets define the phases; where the plan
 * contradicts itself, the reading below changes only what runs in a phase, never which phase a flag set is.
 *
 * Readings:
 * - Phase 2 "tests actual WASM execution in sandbox" but sets no WASM_EXEC_ENABLED: verification runs (generated
 *   inputs, WASM result compared with JavaScript, dry run) need only CHIMERA_ENABLED; WASM_EXEC_ENABLED governs runs
 *   on request.
 * - Phase 3 "enables protein hash computation" but sets only WASM_EXEC_ENABLED: protein hashes are computed when
 *   either PROTEIN_HASH_ENABLED or WASM_EXEC_ENABLED is on, so Phase 3 hashes and Phase 4 keeps hashing.
 * - DRY_RUN_MODE is on in Phase 1 only; everything the extension does locally is a dry run anyway, and with it on
 *   nothing is published (no CAR export to a gateway, no push of results).
 */
export type PhaseId = 0 | 1 | 2 | 3 | 4;

/** The flags that define a phase; CHIMERA_CANARY is a fraction (1 = unset = everyone). */
export interface PhaseFlags {
  CHIMERA_ENABLED: boolean;
  DRY_RUN_MODE: boolean;
  CHIMERA_CANARY: number;
  WASM_EXEC_ENABLED: boolean;
  PROTEIN_HASH_ENABLED: boolean;
}

export type CriterionKind = 'metric' | 'person' | 'automatic';

/** What a metric criterion reads; guard.ts evaluates each, metrics/rules.ts exports those Prometheus can compute. */
export const CRITERION_MEASURES = ['errorRate', 'p95Latency', 'securityViolations', 'gatewayAvailability', 'feedbackPositive', 'memoryStable', 'performanceRatio'] as const;
export type CriterionMeasure = (typeof CRITERION_MEASURES)[number];

/** The condition that passes: value `op` bound. Its negation is the condition an alert rule fires on. */
export type PassOp = '<' | '<=' | '>' | '>=';

/** Every criterion id of the plan; one id may recur in several phases with other bounds (error-rate in 2 and 3). */
export const CRITERION_IDS = ['zero-impact', 'smoke-tests', 'performance', 'error-rate', 'p95-latency', 'security', 'feedback', 'ipfs-availability', 'resources', 'docs'] as const;
export type CriterionId = (typeof CRITERION_IDS)[number];

export interface Criterion {
  /** Also the `criterion` label of its alert rule, so the same id everywhere. */
  id: CriterionId;
  text: string;
  kind: CriterionKind;
  /** For metrics: which value, the bound it must stay under/over to pass, and the unit it is shown in. */
  metric?: { name: CriterionMeasure; op: PassOp; bound: number; unit: 'ratio' | 'seconds' | 'count' };
  /** The Prometheus alert that fires while the criterion fails (metric criteria Prometheus can compute). */
  alert?: { name: string; summary: string };
}

export interface Phase {
  id: PhaseId;
  name: string;
  timeline: string;
  flags: PhaseFlags;
  goals: string[];
  criteria: Criterion[];
}

export const PHASE_FLAG_NAMES: readonly (keyof PhaseFlags & FlagName)[] = ['CHIMERA_ENABLED', 'DRY_RUN_MODE', 'CHIMERA_CANARY', 'WASM_EXEC_ENABLED', 'PROTEIN_HASH_ENABLED'];

const off: PhaseFlags = { CHIMERA_ENABLED: false, DRY_RUN_MODE: false, CHIMERA_CANARY: 1, WASM_EXEC_ENABLED: false, PROTEIN_HASH_ENABLED: false };

export const PHASES: readonly Phase[] = [
  {
    id: 0,
    name: 'Infrastructure Setup',
    timeline: 'done',
    flags: off,
    goals: ['Add environment variables', 'Create feature flags', 'Document safety measures', 'Set up CI smoke tests', 'Configure monitoring dashboards'],
    criteria: [],
  },
  {
    id: 1,
    name: 'Development Testing',
    timeline: 'Week 1-2',
    flags: { ...off, CHIMERA_ENABLED: true, DRY_RUN_MODE: true },
    goals: ['Test gene extraction without execution', 'Validate WASM compilation pipeline', 'Ensure no impact on existing features', 'Collect performance metrics'],
    criteria: [
      { id: 'zero-impact', text: 'Zero impact on existing functionality', kind: 'automatic' },
      { id: 'smoke-tests', text: 'All smoke tests passing', kind: 'automatic' },
      { id: 'performance', text: 'Performance within 5% of baseline', kind: 'metric', metric: { name: 'performanceRatio', op: '<', bound: 1.05, unit: 'ratio' } },
    ],
  },
  {
    id: 2,
    name: 'Alpha Testing',
    timeline: 'Week 3-4',
    flags: { ...off, CHIMERA_ENABLED: true, CHIMERA_CANARY: 0.01 },
    goals: ['Enable for 1% of development traffic', 'Test actual WASM execution in sandbox', 'Monitor resource usage and errors', 'Gather developer feedback'],
    criteria: [
      {
        id: 'error-rate',
        text: 'Error rate < 0.1%',
        kind: 'metric',
        metric: { name: 'errorRate', op: '<', bound: 0.001, unit: 'ratio' },
        alert: { name: 'ChimeraPhase2ErrorRate', summary: 'Phase 2 needs an error rate below 0.1%' },
      },
      {
        id: 'p95-latency',
        text: 'P95 latency < 300ms',
        kind: 'metric',
        metric: { name: 'p95Latency', op: '<', bound: 0.3, unit: 'seconds' },
        alert: { name: 'ChimeraPhase2P95Latency', summary: 'Phase 2 needs a P95 latency below 300 ms' },
      },
      {
        id: 'security',
        text: 'No security incidents',
        kind: 'metric',
        metric: { name: 'securityViolations', op: '<=', bound: 0, unit: 'count' },
        alert: { name: 'ChimeraPhase2SecurityIncident', summary: 'Phase 2 needs no security incidents' },
      },
      { id: 'feedback', text: 'Positive developer feedback (≥ 80% positive, ≥ 10 responses)', kind: 'metric', metric: { name: 'feedbackPositive', op: '>=', bound: 0.8, unit: 'ratio' } },
    ],
  },
  {
    id: 3,
    name: 'Beta Rollout',
    timeline: 'Week 5-6',
    flags: { ...off, CHIMERA_ENABLED: true, CHIMERA_CANARY: 0.1, WASM_EXEC_ENABLED: true },
    goals: ['Increase to 10% of traffic', 'Enable protein hash computation', 'Test IPFS integration at scale', 'Document edge cases'],
    criteria: [
      {
        id: 'error-rate',
        text: 'Error rate < 0.05%',
        kind: 'metric',
        metric: { name: 'errorRate', op: '<', bound: 0.0005, unit: 'ratio' },
        alert: { name: 'ChimeraPhase3ErrorRate', summary: 'Phase 3 needs an error rate below 0.05%' },
      },
      {
        // Measured on gateway fetches: the CIDs Chimera fetches are IPFS content.
        id: 'ipfs-availability',
        text: 'IPFS availability > 99%',
        kind: 'metric',
        metric: { name: 'gatewayAvailability', op: '>', bound: 0.99, unit: 'ratio' },
        alert: { name: 'ChimeraPhase3GatewayAvailability', summary: 'Phase 3 needs IPFS (gateway) availability above 99%' },
      },
      { id: 'resources', text: 'Resource usage stable (memory ratio moved < 10 points, never triggered)', kind: 'metric', metric: { name: 'memoryStable', op: '<', bound: 0.1, unit: 'ratio' } },
      { id: 'docs', text: 'Documentation complete', kind: 'person' },
    ],
  },
  {
    id: 4,
    name: 'General Availability',
    timeline: 'Week 7+',
    flags: { ...off, CHIMERA_ENABLED: true, WASM_EXEC_ENABLED: true, PROTEIN_HASH_ENABLED: true },
    goals: ['Enable for all users', 'Keep canary for future features', 'Maintain monitoring', 'Plan next features'],
    criteria: [],
  },
];

export function phaseById(id: PhaseId): Phase {
  return PHASES[id]!;
}

/** Every phase's criteria with the phase they belong to: the one table the evaluator, the view and the alert rules read. */
export function phaseCriteria(): { phase: PhaseId; criterion: Criterion }[] {
  return PHASES.flatMap((phase) => phase.criteria.map((criterion) => ({ phase: phase.id, criterion })));
}

/** The condition under which a criterion fails (the alert rule's comparison): the negation of its pass condition. */
export const FAIL_OP: Readonly<Record<PassOp, '>=' | '>' | '<=' | '<'>> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** A row of the Rollout view's criteria list. */
export interface CriterionRow {
  id: string;
  text: string;
  status: 'pass' | 'fail' | 'no-data' | 'person';
}

/** What an evaluation says about one criterion (guard.ts CriterionResult), as far as the view needs it. */
export interface CriterionReading {
  id: string;
  status: 'pass' | 'fail' | 'not-enough-data';
  detail?: string;
}

/**
 * The view's rows: every criterion of the phase, in table order, with its evaluated status when there is one; until
 * there is enough data a criterion says so rather than passing, and one a person confirms says that.
 */
export function criterionRows(phase: Phase, readings: readonly CriterionReading[]): CriterionRow[] {
  return phase.criteria.map((criterion) => {
    const reading = readings.find((r) => r.id === criterion.id);
    const text = reading?.detail ? `${criterion.text} — ${reading.detail}` : criterion.text;
    if (reading?.status === 'pass' || reading?.status === 'fail') return { id: criterion.id, text, status: reading.status };
    return { id: criterion.id, text, status: criterion.kind === 'person' ? 'person' : 'no-data' };
  });
}

/** The pre-flight checklist before every phase move; the first four are checked automatically where possible. */
export const PREFLIGHT = [
  { id: 'tests-passing', text: 'All tests passing', kind: 'automatic' },
  { id: 'monitoring-configured', text: 'Monitoring configured', kind: 'automatic' },
  { id: 'rollback-tested', text: 'Rollback tested', kind: 'automatic' },
  { id: 'example-updated', text: '.env.example updated', kind: 'automatic' },
  { id: 'team-briefed', text: 'Team briefed', kind: 'person' },
  { id: 'support-ready', text: 'Support ready', kind: 'person' },
] as const;
