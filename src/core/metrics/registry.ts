import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS, METRIC, OPS, type Op, VIOLATION_KINDS, type ViolationKind } from './plan';
import type { Features } from '../rollout/detect';
import type { MetricsSample } from './sample';

export interface ObserveOptions {
  /**
   * Chimera failed: an internal exception, a sandbox failure, a WASM result that differs from
   * JavaScript's, a timeout. A gene the compiler refuses is not an error.
   */
  error?: boolean;
}

/** The features as the rollout names them (rollout/detect.ts); exported as the plan's labels chimera, wasm_exec, protein_hash. */
export type EnabledFeatures = Pick<Features, 'analysis' | 'execution' | 'proteinHash'>;

/** What the rest of the code calls; nothing outside src/core/metrics touches prom-client. */
export interface ChimeraMetrics {
  /** Served by the exporters; a registry of its own, never prom-client's global one. */
  readonly registry: Registry;
  /** One finished operation: a request, an error if it failed, and its duration. */
  observe(op: Op, seconds: number, outcome?: ObserveOptions): void;
  securityViolation(kind: ViolationKind): void;
  setMemory(usedBytes: number, limitBytes: number): void;
  geneExtraction(succeeded: boolean): void;
  cacheLookup(hit: boolean): void;
  gatewayRequest(succeeded: boolean): void;
  /** This machine's effective features and canary fraction, for the adoption and canary panels. */
  setFeatures(features: EnabledFeatures, canaryFraction: number): void;
  /** Everything the plan's queries read, at `now` (Unix seconds). */
  sample(now?: number): Promise<MetricsSample>;
}

export interface MetricsOptions {
  /** Labels on every series, e.g. `{ instance: hashedMachineId }` for a push without a scrape target. */
  defaultLabels?: Record<string, string>;
}

type Children<K extends string, T> = Record<K, T>;

function childrenOf<K extends string, T>(keys: readonly K[], make: (key: K) => T): Children<K, T> {
  return Object.fromEntries(keys.map((key) => [key, make(key)])) as Children<K, T>;
}

/** Creates the chimera_* metrics, every labelled series pre-created at 0 (pitfall P1: Prometheus must see the 0 first). */
export function createChimeraMetrics(options: MetricsOptions = {}): ChimeraMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  const registers = [registry];

  const requests = new Counter({ name: METRIC.requests, help: 'Chimera operations started, by operation.', labelNames: ['op'], registers });
  const errors = new Counter({ name: METRIC.errors, help: 'Chimera operations that failed (internal error, sandbox failure, WASM/JS mismatch, timeout), by operation.', labelNames: ['op'], registers });
  const duration = new Histogram({ name: METRIC.duration, help: 'Duration of Chimera operations in seconds, by operation.', labelNames: ['op'], buckets: [...DURATION_BUCKETS], registers });
  const memory = new Gauge({ name: METRIC.memory, help: 'Memory used by Chimera (sandbox and analysis) in bytes.', registers });
  const memoryLimit = new Gauge({ name: METRIC.memoryLimit, help: 'Memory Chimera may use in bytes.', registers });
  const violations = new Counter({ name: METRIC.securityViolations, help: 'Security violations (forbidden imports, sandbox escapes, limit bypasses, CID mismatches), by kind.', labelNames: ['kind'], registers });
  const extractions = new Counter({ name: METRIC.geneExtractions, help: 'Gene extractions by result (success, failure).', labelNames: ['result'], registers });
  const cache = new Counter({ name: METRIC.cacheLookups, help: 'Content-addressed cache lookups by result (hit, miss).', labelNames: ['result'], registers });
  const gateway = new Counter({ name: METRIC.gatewayRequests, help: 'Gateway fetches by result (success, failure).', labelNames: ['result'], registers });
  const features = new Gauge({ name: METRIC.featuresEnabled, help: 'Whether a Chimera feature is enabled on this machine (1) or not (0).', labelNames: ['feature'], registers });
  const canary = new Gauge({ name: METRIC.canaryFraction, help: 'The configured canary fraction (0..1).', registers });

  // Children resolved once, so the hot path does no label-object building or validation per call.
  const requestsBy = childrenOf(OPS, (op) => requests.labels(op));
  const errorsBy = childrenOf(OPS, (op) => errors.labels(op));
  const durationBy = childrenOf(OPS, (op) => duration.labels(op));
  const violationsBy = childrenOf(VIOLATION_KINDS, (kind) => violations.labels(kind));
  const results = <K extends string>(counter: Counter<'result'>, keys: readonly K[]) => childrenOf(keys, (key) => counter.labels(key));
  const extractionsBy = results(extractions, ['success', 'failure']);
  const cacheBy = results(cache, ['hit', 'miss']);
  const gatewayBy = results(gateway, ['success', 'failure']);
  const featuresBy = childrenOf(['chimera', 'wasm_exec', 'protein_hash'] as const, (feature) => features.labels(feature));
  for (const child of [...Object.values(requestsBy), ...Object.values(errorsBy), ...Object.values(violationsBy), ...Object.values(extractionsBy), ...Object.values(cacheBy), ...Object.values(gatewayBy)]) child.inc(0);
  for (const op of OPS) duration.zero({ op });
  for (const child of Object.values(featuresBy)) child.set(0);

  return {
    registry,
    observe(op, seconds, outcome) {
      requestsBy[op].inc();
      if (outcome?.error) errorsBy[op].inc();
      // A broken clock must not throw on the hot path; the request still counts.
      if (Number.isFinite(seconds) && seconds >= 0) durationBy[op].observe(seconds);
    },
    securityViolation(kind) {
      violationsBy[kind].inc();
    },
    setMemory(usedBytes, limitBytes) {
      memory.set(usedBytes);
      memoryLimit.set(limitBytes);
    },
    geneExtraction(succeeded) {
      extractionsBy[succeeded ? 'success' : 'failure'].inc();
    },
    cacheLookup(hit) {
      cacheBy[hit ? 'hit' : 'miss'].inc();
    },
    gatewayRequest(succeeded) {
      gatewayBy[succeeded ? 'success' : 'failure'].inc();
    },
    setFeatures(enabled, canaryFraction) {
      featuresBy.chimera.set(enabled.analysis ? 1 : 0);
      featuresBy.wasm_exec.set(enabled.execution ? 1 : 0);
      featuresBy.protein_hash.set(enabled.proteinHash ? 1 : 0);
      canary.set(canaryFraction);
    },
    async sample(now = Date.now() / 1000) {
      const [req, err, dur, mem, lim, vio, fetches] = await Promise.all([requests.get(), errors.get(), duration.get(), memory.get(), memoryLimit.get(), violations.get(), gateway.get()]);
      const byOp = (values: { labels: Record<string, string | number>; value: number }[]) => {
        const out = childrenOf(OPS, () => 0);
        for (const v of values) if (isOp(v.labels.op)) out[v.labels.op] = v.value;
        return out;
      };
      const buckets = childrenOf(OPS, () => new Array<number>(DURATION_BUCKETS.length + 1).fill(0));
      for (const v of dur.values) {
        if (v.metricName !== `${METRIC.duration}_bucket` || !isOp(v.labels.op)) continue;
        const le = (v.labels as Record<string, string | number | undefined>).le;
        const index = le === '+Inf' ? DURATION_BUCKETS.length : DURATION_BUCKETS.indexOf(Number(le));
        if (index >= 0) buckets[v.labels.op][index] = v.value;
      }
      const kinds = childrenOf(VIOLATION_KINDS, () => 0);
      for (const v of vio.values) if (VIOLATION_KINDS.includes(v.labels.kind as ViolationKind)) kinds[v.labels.kind as ViolationKind] = v.value;
      const gatewayFetches = { success: 0, failure: 0 };
      for (const v of fetches.values) if (v.labels.result === 'success' || v.labels.result === 'failure') gatewayFetches[v.labels.result] = v.value;
      return { t: now, requests: byOp(req.values), errors: byOp(err.values), buckets, memoryBytes: mem.values[0]?.value ?? 0, memoryLimitBytes: lim.values[0]?.value ?? 0, violations: kinds, gatewayFetches };
    },
  };
}

function isOp(value: unknown): value is Op {
  return OPS.includes(value as Op);
}
