import type { Op, ViolationKind } from './plan';

/**
 * One reading of every counter and gauge the plan's queries use, as Prometheus would scrape it.
 * The local evaluator computes the plan's queries over a series of these.
 */
export interface MetricsSample {
  /** Unix time in seconds, like Prometheus sample timestamps. */
  t: number;
  requests: Record<Op, number>;
  errors: Record<Op, number>;
  /** Cumulative counts per op, one per DURATION_BUCKETS boundary, then +Inf. */
  buckets: Record<Op, number[]>;
  memoryBytes: number;
  memoryLimitBytes: number;
  violations: Record<ViolationKind, number>;
  /** Gateway fetches by CID so far (chimera_gateway_requests_total by result): the plan's IPFS availability. */
  gatewayFetches?: { success: number; failure: number };
}
