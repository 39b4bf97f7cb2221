import { createHash } from 'node:crypto';
import { OPS, ROLLBACK_TRIGGERS, VIOLATION_KINDS, type ViolationKind } from '../metrics/plan';
import type { DetectedPhaseId } from '../rollout/detect';
import { PHASES } from '../rollout/phases';
import { MANUAL_ROLLBACK } from '../rollout/state';
import { VERDICTS, verdictOfViolation } from '../sandbox/verdict';

/**
 * The telemetry event schema, as code: every event Chimera may send, each field with its kind.
 * Anything not described here never leaves the machine: unknown events are refused, unknown
 * fields and values of the wrong kind are stripped. Strings only ever leave as members of a
 * fixed set, as a salted hash, or (feedback only) as the person's own capped text. The sets are the domain's own
 * constants (ops, verdicts, violation kinds, phases, rollback triggers), so the schema cannot drift from them.
 */

/** Values of the `phase` field as sent: the plan's phase ids, or `custom`. */
export const PHASE_VALUES = [...PHASES.map((phase) => String(phase.id)), 'custom'] as const;
export const ERROR_KINDS = ['internal', 'sandbox-failure', 'mismatch', 'timeout'] as const;
/** Error class names that are safe to send; anything else becomes 'other' (messages and stacks never leave). */
export const ERROR_NAMES = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'AbortError', 'TimeoutError', 'other'] as const;
/** What may cause a rollback: one of the plan's triggers, or a person. */
export const ROLLBACK_CAUSES = [...ROLLBACK_TRIGGERS.map((trigger) => trigger.id), MANUAL_ROLLBACK] as const;
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export const SENTIMENTS = ['positive', 'negative'] as const;
export const FEEDBACK_SOURCES = ['view', 'command', 'cli'] as const;
export const ENGINES = ['worker', 'wasmtime'] as const;

export type Phase = DetectedPhaseId;
export type Sentiment = (typeof SENTIMENTS)[number];
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** Length of a hashed id: the first 16 hex digits (64 bits) of sha-256(salt + id). */
export const HASHED_ID_LENGTH = 16;
/** The person's own feedback text is capped at this many characters (code points). */
export const FEEDBACK_TEXT_LIMIT = 1000;
const MAX_COUNT = 1_000_000_000;
/** One day in milliseconds: no duration we report is longer, so larger values are not durations. */
const MAX_DURATION_MS = 86_400_000;

export type FieldSpec =
  | { kind: 'count' }
  | { kind: 'duration' }
  | { kind: 'boolean' }
  | { kind: 'phase' }
  | { kind: 'hashedId' }
  | { kind: 'utcDay' }
  | { kind: 'feedbackText' }
  | { kind: 'enum'; values: readonly string[] };

/** Who must have agreed before an event of this class is sent (see consent.ts). */
export type EventClass = 'usage' | 'error' | 'feedback';

export interface EventSpec {
  class: EventClass;
  fields: Readonly<Record<string, FieldSpec>>;
}

const count = { kind: 'count' } as const;
const duration = { kind: 'duration' } as const;
const boolean = { kind: 'boolean' } as const;
const phase = { kind: 'phase' } as const;
const oneOf = <const T extends readonly string[]>(values: T) => ({ kind: 'enum', values }) as const;

export const TELEMETRY_EVENTS = {
  activation: { class: 'usage', fields: { durationMs: duration, phase, trusted: boolean, frozen: boolean } },
  analysis: {
    class: 'usage',
    fields: {
      durationMs: duration,
      genes: count,
      pureGenes: count,
      compiledGenes: count,
      refusedGenes: count,
      verifiedGenes: count,
      mismatches: count,
      cacheHits: count,
      cacheMisses: count,
    },
  },
  'sandbox.run': { class: 'usage', fields: { verdict: oneOf(VERDICTS), durationMs: duration, fuelUsed: count, engine: oneOf(ENGINES) } },
  'operation.error': { class: 'error', fields: { op: oneOf(OPS), errorKind: oneOf(ERROR_KINDS), errorName: oneOf(ERROR_NAMES) } },
  'security.violation': { class: 'error', fields: { kind: oneOf(VIOLATION_KINDS), verdict: oneOf(VERDICTS) } },
  rollback: { class: 'error', fields: { trigger: oneOf(ROLLBACK_CAUSES), severity: oneOf(SEVERITIES), phase, automatic: boolean } },
  'phase.change': { class: 'usage', fields: { from: phase, to: phase } },
  'adoption.daily': {
    class: 'usage',
    fields: {
      machine: { kind: 'hashedId' },
      day: { kind: 'utcDay' },
      phase,
      chimeraEnabled: boolean,
      dryRun: boolean,
      wasmExec: boolean,
      proteinHash: boolean,
      frozen: boolean,
      canaryIncluded: boolean,
    },
  },
  feedback: { class: 'feedback', fields: { sentiment: oneOf(SENTIMENTS), text: { kind: 'feedbackText' }, phase, source: oneOf(FEEDBACK_SOURCES) } },
} as const satisfies Record<string, EventSpec>;

export type TelemetryEventName = keyof typeof TELEMETRY_EVENTS;
export const TELEMETRY_EVENT_NAMES = Object.keys(TELEMETRY_EVENTS) as TelemetryEventName[];
/** Events of class 'error', e.g. for reporterSender (Application Insights sends them as error events). */
export const ERROR_EVENT_NAMES: ReadonlySet<string> = new Set(TELEMETRY_EVENT_NAMES.filter((name) => TELEMETRY_EVENTS[name].class === 'error'));

type InputOf<F> = F extends { kind: 'count' | 'duration' }
  ? number
  : F extends { kind: 'boolean' }
    ? boolean
    : F extends { kind: 'phase' }
      ? Phase
      : F extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : string;

/** What a caller passes for an event: every field optional, each of its kind (a raw id for hashed ids). */
export type EventInput<N extends TelemetryEventName> = {
  [K in keyof (typeof TELEMETRY_EVENTS)[N]['fields']]?: InputOf<(typeof TELEMETRY_EVENTS)[N]['fields'][K]>;
};

/** A value that may leave the machine. */
export type SafeValue = string | number | boolean;

export interface SanitizedEvent {
  name: TelemetryEventName;
  class: EventClass;
  data: Record<string, SafeValue>;
}

export type SanitizeResult =
  | { ok: true; event: SanitizedEvent; strippedFields: number; invalidFields: string[]; truncated: boolean }
  | { ok: false; reason: 'unknown-event' | 'not-an-object' };

/** The `security.violation` event of a counted violation: its kind, and the sandbox verdict that reports it, if one does. */
export function securityViolationEvent(kind: ViolationKind): EventInput<'security.violation'> {
  const verdict = verdictOfViolation(kind);
  return verdict ? { kind, verdict } : { kind };
}

/** The first 16 hex digits of sha-256(salt + id): stable per (salt, id), not reversible to the id. */
export function hashId(salt: string, id: string): string {
  return createHash('sha256').update(salt + id, 'utf8').digest('hex').slice(0, HASHED_ID_LENGTH);
}

export function isTelemetryEventName(name: string): name is TelemetryEventName {
  return Object.prototype.hasOwnProperty.call(TELEMETRY_EVENTS, name);
}

/** The UTC calendar day of a time, e.g. "2025-08-26". */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

type FieldValue = { ok: true; value: SafeValue; truncated?: boolean } | { ok: false };
const REJECT: FieldValue = { ok: false };

/** Caps the person's text by code points (never splitting a surrogate pair) and removes control characters but newlines and tabs. */
export function capFeedbackText(text: string): { text: string; truncated: boolean } {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim();
  const codePoints = Array.from(cleaned);
  if (codePoints.length <= FEEDBACK_TEXT_LIMIT) return { text: cleaned, truncated: false };
  return { text: codePoints.slice(0, FEEDBACK_TEXT_LIMIT).join(''), truncated: true };
}

function sanitizeField(spec: FieldSpec, value: unknown, salt: string): FieldValue {
  switch (spec.kind) {
    case 'count':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_COUNT ? { ok: true, value } : REJECT;
    case 'duration':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DURATION_MS
        ? { ok: true, value: Math.round(value * 1000) / 1000 }
        : REJECT;
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : REJECT;
    case 'phase':
      if (value === 'custom') return { ok: true, value };
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 4) return { ok: true, value: String(value) };
      return REJECT;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? { ok: true, value } : REJECT;
    case 'hashedId':
      // Whatever the caller passes is hashed here, so a raw id can never leave even by mistake.
      return typeof value === 'string' && value.length > 0 ? { ok: true, value: hashId(salt, value) } : REJECT;
    case 'utcDay':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && utcDay(Date.parse(`${value}T00:00:00Z`) || 0) === value
        ? { ok: true, value }
        : REJECT;
    case 'feedbackText': {
      if (typeof value !== 'string') return REJECT;
      const capped = capFeedbackText(value);
      return capped.text.length > 0 ? { ok: true, value: capped.text, truncated: capped.truncated } : REJECT;
    }
  }
}

/**
 * Checks an event against the schema: refuses unknown events, keeps only known fields whose
 * values have the right kind, hashes ids with the salt. The result is all that may be sent.
 */
export function sanitizeEvent(name: string, data: unknown, salt: string): SanitizeResult {
  if (!isTelemetryEventName(name)) return { ok: false, reason: 'unknown-event' };
  if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) return { ok: false, reason: 'not-an-object' };
  const spec: EventSpec = TELEMETRY_EVENTS[name];
  const input = (data ?? {}) as Record<string, unknown>;
  const out: Record<string, SafeValue> = {};
  const invalidFields: string[] = [];
  let strippedFields = 0;
  let truncated = false;
  for (const key of Object.keys(input)) {
    const field = Object.prototype.hasOwnProperty.call(spec.fields, key) ? spec.fields[key] : undefined;
    if (!field) {
      strippedFields++;
      continue;
    }
    if (input[key] === undefined) continue;
    const result = sanitizeField(field, input[key], salt);
    if (result.ok) {
      out[key] = result.value;
      truncated ||= result.truncated === true;
    } else {
      strippedFields++;
      invalidFields.push(key);
    }
  }
  return { ok: true, event: { name, class: spec.class, data: out }, strippedFields, invalidFields, truncated };
}

/**
 * True when stored data is exactly what sanitizeEvent could have produced for this event: the
 * queue checks this when it reads its file, so an edited or foreign file cannot smuggle data out.
 */
export function isSanitizedData(name: string, data: unknown): data is Record<string, SafeValue> {
  if (!isTelemetryEventName(name) || data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const fields: Readonly<Record<string, FieldSpec>> = TELEMETRY_EVENTS[name].fields;
  return Object.entries(data as Record<string, unknown>).every(([key, value]) => {
    const spec = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
    if (!spec) return false;
    switch (spec.kind) {
      case 'hashedId':
        return typeof value === 'string' && new RegExp(`^[0-9a-f]{${HASHED_ID_LENGTH}}$`).test(value);
      case 'phase':
        return typeof value === 'string' && (PHASE_VALUES as readonly string[]).includes(value);
      case 'feedbackText':
        return typeof value === 'string' && value.length > 0 && capFeedbackText(value).text === value;
      default: {
        const again = sanitizeField(spec, value, '');
        return again.ok && again.value === value;
      }
    }
  });
}
