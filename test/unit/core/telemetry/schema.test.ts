import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as fc from 'fast-check';
import {
  FEEDBACK_TEXT_LIMIT,
  HASHED_ID_LENGTH,
  PHASE_VALUES,
  TELEMETRY_EVENTS,
  TELEMETRY_EVENT_NAMES,
  TelemetryQueue,
  TelemetryClient,
  type FieldSpec,
  hashId,
  isSanitizedData,
  noneSender,
  sanitizeEvent,
} from '../../../../src/core/telemetry';
import { createHash } from 'node:crypto';

const SALT = 'test-salt:';

/** Things that must never leave the machine: paths, source text, identifiers, .env lines and values. */
const HOSTILE = [
  '/home/alice/void/src/vs/workbench/contrib/chimera/secretGene.ts',
  'C:\\Users\\alice\\void\\.env',
  'file:///home/alice/void/.env.example',
  'function computeTaxGene(a, b) { return a * b + 0.2; }',
  'export const fibonacciMemo = (n: number): number => n < 2 ? n : fibonacciMemo(n - 1)',
  'computeTaxGene',
  'CHIMERA_ENABLED=1',
  'OPENAI_API_KEY=sk-live-4f9a8b7c6d5e',
  'sk-live-4f9a8b7c6d5e',
  'alice@example.com',
  'ok ',
  'OK',
  'positive\u0000',
  '2025-08-26T10:00:00Z',
] as const;
const LONG = `LONGSECRET${'x'.repeat(200_000)}`;
const NEEDLES = [...HOSTILE.map((h) => h.trim()), 'LONGSECRET'];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE, LONG),
  fc.tuple(fc.constantFrom(...HOSTILE), fc.string()).map(([h, s]) => h + s),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e15, -0.001, '42', 'true', '1', null, 5, 'custom '),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('path', 'source', 'value', 'toString'), hostileString, { maxKeys: 3 }),
  hostileString.map((h) => ({ toJSON: () => h, toString: () => h, valueOf: () => h })),
);

/** What may appear as a string value in an emitted event, by field kind. */
function allowedString(spec: FieldSpec, value: string): boolean {
  switch (spec.kind) {
    case 'enum':
      return spec.values.includes(value);
    case 'phase':
      return (PHASE_VALUES as readonly string[]).includes(value);
    case 'hashedId':
      return new RegExp(`^[0-9a-f]{${HASHED_ID_LENGTH}}$`).test(value);
    case 'utcDay':
      return /^\d{4}-\d{2}-\d{2}$/.test(value);
    default:
      return false;
  }
}

test('every event type, flooded with hostile fields and values, emits none of them (fast-check)', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'chimera-telemetry-schema-'));
  const emitted: string[] = [];
  const queue = await TelemetryQueue.open({ directory, capacity: 100_000 });
  const client = new TelemetryClient({
    queue,
    sender: noneSender((line) => emitted.push(line)),
    consent: () => ({ telemetryLevel: 'all', chimeraTelemetryEnabled: true }),
    salt: SALT,
    flushIntervalMs: 0,
    batchSize: 1_000_000,
  });
  // The person's own text is the one thing allowed out, in feedback's `text` field only: checked in telemetry-feedback.test.ts.
  for (const name of TELEMETRY_EVENT_NAMES) {
    const fields: Record<string, FieldSpec> = TELEMETRY_EVENTS[name].fields;
    const hostileFields = Object.keys(fields).filter((key) => fields[key]!.kind !== 'feedbackText');
    const payload = fc.record({
      known: fc.record(Object.fromEntries(hostileFields.map((key) => [key, hostileValue]))),
      extra: fc.dictionary(fc.constantFrom('path', 'file', 'source', 'gene', 'env', 'common.vscodemachineid', 'message', 'stack'), hostileValue),
    });
    fc.assert(
      fc.property(payload, ({ known, extra }) => {
        const before = emitted.length;
        const outcome = client.recordUnchecked(name, { ...extra, ...known });
        assert.equal(outcome.status, 'queued', `${name} was not queued`);
        if (outcome.status !== 'queued') return;
        for (const [key, value] of Object.entries(outcome.event.data)) {
          const spec = fields[key];
          assert.ok(spec, `${name}: unknown field ${key} survived`);
          if (typeof value === 'string') assert.ok(allowedString(spec, value), `${name}.${key}: string ${JSON.stringify(value.slice(0, 80))} is not allowed for ${spec.kind}`);
          else assert.ok(typeof value === 'number' || typeof value === 'boolean');
        }
        assert.equal(emitted.length, before);
      }),
      { numRuns: 60, seed: 20250826 },
    );
  }
  const outcome = await client.dispose();
  assert.equal(outcome.status, 'delivered');
  const wire = emitted.join('\n');
  const disk = readFileSync(join(directory, 'telemetry-queue.jsonl'), 'utf8');
  for (const name of TELEMETRY_EVENT_NAMES) assert.ok(wire.includes(`"name":"${name}"`), `no ${name} event was emitted at all`);
  for (const needle of NEEDLES) {
    assert.ok(!wire.includes(needle), `emitted events contain ${JSON.stringify(needle)}`);
    assert.ok(!disk.includes(needle), `the queue file contains ${JSON.stringify(needle)}`);
  }
});

test('legitimate values of each kind pass through unchanged (numbers, booleans, fixed-set strings, phases)', () => {
  const result = sanitizeEvent('sandbox.run', { verdict: 'out-of-fuel', durationMs: 12.34567, fuelUsed: 10_000_000, engine: 'worker' }, SALT);
  assert.ok(result.ok);
  assert.deepEqual(result.event.data, { verdict: 'out-of-fuel', durationMs: 12.346, fuelUsed: 10_000_000, engine: 'worker' });
  const phase = sanitizeEvent('phase.change', { from: 0, to: 'custom' }, SALT);
  assert.ok(phase.ok);
  assert.deepEqual(phase.event.data, { from: '0', to: 'custom' });
  const activation = sanitizeEvent('activation', { durationMs: 41, phase: 4, trusted: true, frozen: false }, SALT);
  assert.ok(activation.ok);
  assert.deepEqual(activation.event.data, { durationMs: 41, phase: '4', trusted: true, frozen: false });
});

test('values of the wrong kind are stripped and named, never coerced', () => {
  const result = sanitizeEvent('analysis', { genes: '12', pureGenes: -1, compiledGenes: 2.5, mismatches: 3, durationMs: Number.NaN }, SALT);
  assert.ok(result.ok);
  assert.deepEqual(result.event.data, { mismatches: 3 });
  assert.deepEqual(result.invalidFields.sort(), ['compiledGenes', 'durationMs', 'genes', 'pureGenes']);
  assert.equal(result.strippedFields, 4);
});

test('unknown events and non-object data are refused outright', () => {
  assert.deepEqual(sanitizeEvent('gene.extracted', { name: 'computeTaxGene' }, SALT), { ok: false, reason: 'unknown-event' });
  assert.deepEqual(sanitizeEvent('__proto__', {}, SALT), { ok: false, reason: 'unknown-event' });
  assert.deepEqual(sanitizeEvent('toString', {}, SALT), { ok: false, reason: 'unknown-event' });
  assert.deepEqual(sanitizeEvent('analysis', '/home/alice/x.ts', SALT), { ok: false, reason: 'not-an-object' });
  assert.deepEqual(sanitizeEvent('analysis', ['/home/alice/x.ts'], SALT), { ok: false, reason: 'not-an-object' });
});

test('a __proto__ key from parsed JSON is stripped like any other unknown field', () => {
  const result = sanitizeEvent('analysis', JSON.parse('{"__proto__": {"genes": 5, "path": "/home/alice"}, "genes": 2}'), SALT);
  assert.ok(result.ok);
  assert.deepEqual(result.event.data, { genes: 2 });
  assert.equal(Object.getPrototypeOf(result.event.data), Object.prototype);
});

test('hashed ids are the first 16 hex digits of sha-256(salt + id), and a raw id is always hashed', () => {
  const expected = createHash('sha256').update('test-salt:machine-1234').digest('hex').slice(0, 16);
  assert.equal(hashId(SALT, 'machine-1234'), expected);
  const result = sanitizeEvent('adoption.daily', { machine: 'machine-1234' }, SALT);
  assert.ok(result.ok);
  assert.equal(result.event.data.machine, expected);
  // Passing something that already looks like a hash does not let it through unhashed.
  const again = sanitizeEvent('adoption.daily', { machine: expected }, SALT);
  assert.ok(again.ok);
  assert.notEqual(again.event.data.machine, expected);
  assert.notEqual(hashId('other-salt:', 'machine-1234'), expected);
});

test('utcDay fields accept only real calendar days', () => {
  for (const [day, ok] of [['2025-08-26', true], ['2024-02-29', true], ['2025-02-30', false], ['2025-8-26', false], ['2025-08-26T00:00:00Z', false]] as const) {
    const result = sanitizeEvent('adoption.daily', { day }, SALT);
    assert.ok(result.ok);
    assert.equal(result.event.data.day === day, ok, day);
  }
});

test('feedback text is capped at the limit without splitting a character, and control characters are removed', () => {
  const result = sanitizeEvent('feedback', { sentiment: 'negative', text: `\u0007${'😀'.repeat(FEEDBACK_TEXT_LIMIT + 5)}`, source: 'view' }, SALT);
  assert.ok(result.ok);
  assert.ok(result.truncated);
  assert.equal(Array.from(String(result.event.data.text)).length, FEEDBACK_TEXT_LIMIT);
  assert.equal(result.event.data.text, '😀'.repeat(FEEDBACK_TEXT_LIMIT));
});

test('isSanitizedData accepts what sanitizeEvent produced and rejects raw or foreign data', () => {
  const event = sanitizeEvent('adoption.daily', { machine: 'm', day: '2025-08-26', phase: 2, chimeraEnabled: true }, SALT);
  assert.ok(event.ok);
  assert.ok(isSanitizedData('adoption.daily', event.event.data));
  assert.ok(!isSanitizedData('adoption.daily', { machine: 'machine-1234' }));
  assert.ok(!isSanitizedData('analysis', { genes: 1, path: '/home/alice' }));
  assert.ok(!isSanitizedData('analysis', { genes: '1' }));
  assert.ok(!isSanitizedData('nope', {}));
});
