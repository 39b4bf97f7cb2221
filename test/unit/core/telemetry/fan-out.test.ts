import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  type BatchSender,
  type ConsentSettings,
  DailyAdoption,
  TelemetryFanOut,
  TelemetryQueue,
  combineOutcomes,
  httpSender,
  openTelemetryClient,
  posthogSender,
} from '../../../../src/core/telemetry';
import { startBatchCollector } from '../../../support/batch-collector';
import { PostHogCaptureServer } from '../../../support/posthog-capture';

const ALL: ConsentSettings = { telemetryLevel: 'all', chimeraTelemetryEnabled: true };
const POSTHOG_QUEUE = 'posthog-queue.jsonl';

function unwrap(sender: BatchSender | { error: string }): BatchSender {
  if ('error' in sender) throw new Error(sender.error);
  return sender;
}

async function fanOut(directory: string, endpoint: string, posthogHost: string, active: () => boolean = () => true) {
  const common = { directory, consent: () => ALL, salt: 'test:', flushIntervalMs: 0, backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1 } };
  const http = await openTelemetryClient({ ...common, sender: unwrap(httpSender({ endpoint, timeoutMs: 5_000 })) });
  const posthog = await openTelemetryClient({ ...common, fileName: POSTHOG_QUEUE, sender: unwrap(posthogSender({ projectKey: 'phc_test', host: posthogHost, distinctId: 'abcdef0123456789' })) });
  return new TelemetryFanOut(http, [{ client: posthog, active }]);
}

test('each destination keeps its own queue: one down keeps its events, the other gets each event once', async () => {
  const capture = await PostHogCaptureServer.start();
  const down = await startBatchCollector(503);
  const directory = mkdtempSync(join(tmpdir(), 'chimera-fan-out-'));
  const first = await fanOut(directory, down.endpoint, capture.host);
  first.record('analysis', { genes: 1 });
  first.record('sandbox.run', { verdict: 'ok' });
  const failed = await first.flush();
  assert.equal(failed.status, 'failed');
  assert.deepEqual({ delivered: failed.status === 'failed' && failed.delivered, remaining: failed.status === 'failed' && failed.remaining }, { delivered: 2, remaining: 2 });
  assert.deepEqual(capture.events.map((event) => event.event), ['analysis', 'sandbox.run']);
  await first.dispose();
  await down.stop();
  assert.equal((await TelemetryQueue.open({ directory })).size, 2, 'the HTTP queue kept both');
  assert.equal((await TelemetryQueue.open({ directory, fileName: POSTHOG_QUEUE })).size, 0, 'PostHog has them: not kept for it');

  const up = await startBatchCollector(200);
  const second = await fanOut(directory, up.endpoint, capture.host);
  try {
    assert.equal((await second.flush()).status, 'delivered');
    assert.deepEqual(up.batches.flatMap((batch) => batch.events.map((event) => event.name)), ['analysis', 'sandbox.run']);
    assert.equal(capture.events.length, 2, 'PostHog did not get them twice');
  } finally {
    await second.dispose();
    await up.stop();
    await capture.stop();
  }
});

test('an inactive destination (no project key) receives nothing; the daily adoption event reaches both when active', async () => {
  const capture = await PostHogCaptureServer.start();
  const collector = await startBatchCollector(200);
  const directory = mkdtempSync(join(tmpdir(), 'chimera-fan-out-'));
  let keySet = false;
  const telemetry = await fanOut(directory, collector.endpoint, capture.host, () => keySet);
  try {
    telemetry.record('activation', { durationMs: 5 });
    keySet = true;
    const adoption = await DailyAdoption.open(directory);
    assert.equal((await adoption.recordIfDue(telemetry, { machineId: 'machine-7', phase: 1, features: { chimeraEnabled: true, dryRun: false, wasmExec: false, proteinHash: false, frozen: false, canaryIncluded: true } })).status, 'recorded');
    assert.equal((await telemetry.flush()).status, 'delivered');
    assert.deepEqual(collector.batches.flatMap((batch) => batch.events.map((event) => event.name)), ['activation', 'adoption.daily']);
    assert.deepEqual(capture.events.map((event) => event.event), ['adoption.daily']);
    assert.equal(telemetry.stats().sender, 'http');
  } finally {
    await telemetry.dispose();
    await collector.stop();
    await capture.stop();
  }
});

test('outcomes combine: a failure anywhere is a failure, otherwise the totals', () => {
  assert.deepEqual(
    combineOutcomes([
      { status: 'delivered', delivered: 2, withdrawn: 1, remaining: 0 },
      { status: 'failed', error: 'HTTP 503', delivered: 0, remaining: 3, retryAt: 10 },
    ]),
    { status: 'failed', error: 'HTTP 503', delivered: 2, remaining: 3, retryAt: 10 },
  );
  assert.deepEqual(
    combineOutcomes([
      { status: 'delivered', delivered: 2, withdrawn: 1, remaining: 0 },
      { status: 'empty', withdrawn: 1 },
    ]),
    { status: 'delivered', delivered: 2, withdrawn: 2, remaining: 0 },
  );
  assert.deepEqual(combineOutcomes([{ status: 'empty', withdrawn: 0 }, { status: 'backoff', retryAt: 5, remaining: 4 }]), { status: 'backoff', retryAt: 5, remaining: 4 });
  assert.deepEqual(combineOutcomes([{ status: 'empty', withdrawn: 0 }, { status: 'empty', withdrawn: 2 }]), { status: 'empty', withdrawn: 2 });
});
