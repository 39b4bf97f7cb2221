import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EventClass, type TelemetryLevel, decideConsent, parseTelemetryLevel } from '../../../../src/core/telemetry';

const LEVELS: TelemetryLevel[] = ['all', 'error', 'crash', 'off'];

/** The whole table, written out: [level, chimera.telemetry.enabled, class] → send? */
const EXPECTED: Record<TelemetryLevel, Record<'on' | 'off', Record<EventClass, boolean>>> = {
  all: { on: { usage: true, error: true, feedback: true }, off: { usage: false, error: false, feedback: true } },
  error: { on: { usage: false, error: true, feedback: true }, off: { usage: false, error: false, feedback: true } },
  crash: { on: { usage: false, error: false, feedback: true }, off: { usage: false, error: false, feedback: true } },
  off: { on: { usage: false, error: false, feedback: true }, off: { usage: false, error: false, feedback: true } },
};

test('consent follows the full table of telemetry level × chimera.telemetry.enabled × event class', () => {
  for (const level of LEVELS) {
    for (const enabled of [true, false]) {
      for (const eventClass of ['usage', 'error', 'feedback'] as const) {
        const decision = decideConsent({ telemetryLevel: level, chimeraTelemetryEnabled: enabled }, eventClass);
        assert.equal(decision.send, EXPECTED[level][enabled ? 'on' : 'off'][eventClass], `${level}/${enabled}/${eventClass}: ${decision.reason}`);
      }
    }
  }
});

test('feedback is sent even with telemetry off, because the person asked to send it', () => {
  assert.deepEqual(decideConsent({ telemetryLevel: 'off', chimeraTelemetryEnabled: false }, 'feedback'), { send: true, reason: 'feedback-requested' });
});

test('refusals say why', () => {
  assert.equal(decideConsent({ telemetryLevel: 'off', chimeraTelemetryEnabled: true }, 'usage').reason, 'telemetry-level-off');
  assert.equal(decideConsent({ telemetryLevel: 'all', chimeraTelemetryEnabled: false }, 'error').reason, 'chimera-telemetry-disabled');
  assert.equal(decideConsent({ telemetryLevel: 'error', chimeraTelemetryEnabled: true }, 'usage').reason, 'level-excludes-usage');
  assert.equal(decideConsent({ telemetryLevel: 'crash', chimeraTelemetryEnabled: true }, 'error').reason, 'level-excludes-errors');
});

test('an unknown telemetry level value is read as off, the most private choice', () => {
  for (const value of [undefined, null, 'ALL', 'on', 1, true, {}]) assert.equal(parseTelemetryLevel(value), 'off');
  for (const level of LEVELS) assert.equal(parseTelemetryLevel(level), level);
});
