import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  type BatchSender,
  type ConsentSettings,
  DEFAULT_POSTHOG_HOST,
  FeedbackLog,
  TelemetryQueue,
  hashId,
  openTelemetryClient,
  posthogSender,
  submitFeedback,
} from '../../../../src/core/telemetry';
import { PostHogCaptureServer } from '../../../support/posthog-capture';

const ALL: ConsentSettings = { telemetryLevel: 'all', chimeraTelemetryEnabled: true };
const OFF: ConsentSettings = { telemetryLevel: 'off', chimeraTelemetryEnabled: false };
const KEY = 'phc_test_project_key';
const DISTINCT_ID = hashId('test:', 'machine-1');
const freshDir = () => mkdtempSync(join(tmpdir(), 'chimera-posthog-'));

function senderFor(host: string, timeoutMs = 5_000): BatchSender {
  const sender = posthogSender({ projectKey: KEY, host, distinctId: DISTINCT_ID, timeoutMs });
  if ('error' in sender) throw new Error(sender.error);
  return sender;
}

function clientFor(directory: string, sender: BatchSender, consent: () => ConsentSettings = () => ALL) {
  return openTelemetryClient({ directory, sender, consent, salt: 'test:', flushIntervalMs: 0, backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1 } });
}

test('events arrive at a PostHog capture endpoint in its batch format, with the schema fields and the distinct id only', async () => {
  const capture = await PostHogCaptureServer.start();
  const client = await clientFor(freshDir(), senderFor(capture.host));
  try {
    client.record('sandbox.run', { verdict: 'ok', durationMs: 12.5, fuelUsed: 900, engine: 'worker' });
    // A path and a value the schema does not know: stripped before queueing, so PostHog never sees them.
    client.recordUnchecked('analysis', { genes: 3, durationMs: 40, file: '/home/alice/void/src/secret.ts', value: 'API_KEY=hunter2' });
    const outcome = await client.flush();
    assert.deepEqual(outcome, { status: 'delivered', delivered: 2, withdrawn: 0, remaining: 0 });
    assert.deepEqual(capture.malformed, []);
    assert.equal(capture.batches.length, 1, 'one /batch/ request per queued batch');
    const [batch] = capture.batches;
    assert.equal(batch!.api_key, KEY);
    assert.deepEqual(capture.encodings, ['gzip'], 'posthog-node gzips the body on Node 20');
    assert.deepEqual(
      capture.events.map((event) => [event.event, event.distinct_id]),
      [
        ['sandbox.run', DISTINCT_ID],
        ['analysis', DISTINCT_ID],
      ],
    );
    const [run, analysis] = capture.events;
    assert.deepEqual(pick(run!.properties, ['verdict', 'durationMs', 'fuelUsed', 'engine', '$process_person_profile', '$geoip_disable']), {
      verdict: 'ok',
      durationMs: 12.5,
      fuelUsed: 900,
      engine: 'worker',
      $process_person_profile: false,
      $geoip_disable: true,
    });
    assert.equal(analysis!.properties.genes, 3);
    assert.match(run!.timestamp, /^\d{4}-\d{2}-\d{2}T/);
    // Only schema fields, our version and posthog-node's own `$lib*` / flags: nothing from the caller beyond the schema.
    for (const event of capture.events) {
      for (const key of Object.keys(event.properties)) assert.ok(key.startsWith('$') || key === 'chimeraVersion' || key in SCHEMA_FIELDS, `${event.event}: unexpected property ${key}`);
    }
    const wire = JSON.stringify(capture.batches);
    for (const secret of ['/home/alice', 'secret.ts', 'hunter2', 'machine-1']) assert.ok(!wire.includes(secret), secret);
  } finally {
    await client.dispose();
    await capture.stop();
  }
});

const SCHEMA_FIELDS: Record<string, true> = { verdict: true, durationMs: true, fuelUsed: true, engine: true, genes: true };

function pick(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, object[key]]));
}

test('offline: events stay in the persistent queue while nothing listens, and are flushed once the server starts', async () => {
  const port = await PostHogCaptureServer.freePort();
  const directory = freshDir();
  const offline = await clientFor(directory, senderFor(`http://127.0.0.1:${port}`));
  for (let genes = 0; genes < 5; genes++) offline.record('analysis', { genes });
  const failed = await offline.flush();
  assert.equal(failed.status, 'failed');
  assert.match(failed.status === 'failed' ? failed.error : '', /^PostHog: .*ECONNREFUSED/);
  assert.equal(offline.stats().queued, 5);
  const closing = await offline.dispose();
  assert.equal(closing.status, 'failed');
  assert.equal((await TelemetryQueue.open({ directory })).size, 5, 'the events are on disk');

  const capture = await PostHogCaptureServer.start(port);
  const online = await clientFor(directory, senderFor(capture.host));
  try {
    assert.deepEqual(await online.flush(), { status: 'delivered', delivered: 5, withdrawn: 0, remaining: 0 });
    assert.deepEqual(capture.events.map((event) => event.properties.genes), [0, 1, 2, 3, 4]);
    assert.equal((await TelemetryQueue.open({ directory })).size, 0);
  } finally {
    await online.dispose();
    await capture.stop();
  }
});

test('a server killed mid-send loses nothing: the batch stays queued and reaches the server that replaces it', async () => {
  const dying = await PostHogCaptureServer.start();
  dying.script.push('die-mid-send');
  const directory = freshDir();
  const client = await clientFor(directory, senderFor(dying.host));
  for (let genes = 0; genes < 3; genes++) client.record('analysis', { genes });
  client.record('security.violation', { kind: 'forbidden-import', verdict: 'forbidden-import' });
  const failed = await client.flush();
  assert.equal(failed.status, 'failed');
  assert.equal(dying.requests, 1, 'the batch reached the server before it died');
  assert.deepEqual(dying.batches, []);
  assert.equal(client.stats().queued, 4);
  await client.dispose();

  const replacement = await PostHogCaptureServer.start(dying.port);
  const again = await clientFor(directory, senderFor(replacement.host));
  try {
    assert.equal((await again.flush()).status, 'delivered');
    assert.deepEqual(
      replacement.events.map((event) => [event.event, event.properties.genes ?? event.properties.kind]),
      [
        ['analysis', 0],
        ['analysis', 1],
        ['analysis', 2],
        ['security.violation', 'forbidden-import'],
      ],
    );
    assert.equal(again.stats().queued, 0);
  } finally {
    await again.dispose();
    await replacement.stop();
  }
});

test('an error status is not delivered: the batch is kept and sent whole by the next flush', async () => {
  const capture = await PostHogCaptureServer.start();
  capture.script.push('reject-500');
  const client = await clientFor(freshDir(), senderFor(capture.host));
  try {
    client.record('rollback', { trigger: 'error-rate', severity: 'SEV2', phase: 2, automatic: true });
    const failed = await client.flush();
    assert.equal(failed.status, 'failed');
    assert.equal(failed.status === 'failed' && failed.error, 'PostHog: HTTP 500');
    assert.equal(capture.requests, 1, 'posthog-node does not retry on its own');
    assert.equal((await client.flush(true)).status, 'delivered');
    assert.deepEqual(
      capture.events.map((event) => pick(event.properties, ['trigger', 'severity', 'phase', 'automatic'])),
      [{ trigger: 'error-rate', severity: 'SEV2', phase: '2', automatic: true }],
    );
  } finally {
    await client.dispose();
    await capture.stop();
  }
});

test('a server that never answers is a timeout after requestTimeout: not delivered, kept, sent by the next flush', async () => {
  const capture = await PostHogCaptureServer.start();
  capture.script.push('never-answer');
  const client = await clientFor(freshDir(), senderFor(capture.host, 200));
  try {
    client.record('activation', { durationMs: 20, phase: 1 });
    const failed = await client.flush();
    assert.equal(failed.status, 'failed');
    assert.match(failed.status === 'failed' ? failed.error : '', /^PostHog: .*(abort|timeout)/i);
    assert.equal(client.stats().queued, 1);
    assert.equal((await client.flush(true)).status, 'delivered');
    assert.deepEqual(capture.events.map((event) => event.event), ['activation']);
  } finally {
    await client.dispose();
    await capture.stop();
  }
});

test('telemetry off: usage events are not queued, feedback is still sent to PostHog because the person asked', async () => {
  const capture = await PostHogCaptureServer.start();
  const directory = freshDir();
  const client = await clientFor(directory, senderFor(capture.host), () => OFF);
  try {
    assert.equal(client.record('analysis', { genes: 1 }).status, 'not-consented');
    const submission = await submitFeedback(client, await FeedbackLog.open(directory), { sentiment: 'negative', text: 'too slow on big files', source: 'command' }, Date.now());
    assert.equal(submission.delivery.status, 'delivered');
    assert.deepEqual(
      capture.events.map((event) => [event.event, pick(event.properties, ['sentiment', 'text', 'source'])]),
      [['feedback', { sentiment: 'negative', text: 'too slow on big files', source: 'command' }]],
    );
  } finally {
    await client.dispose();
    await capture.stop();
  }
});

test('events dropped for lack of room are reported once, on the first event of the next delivered batch', async () => {
  const capture = await PostHogCaptureServer.start();
  const client = await openTelemetryClient({ sender: senderFor(capture.host), consent: () => ALL, salt: 'test:', flushIntervalMs: 0, capacity: 2 });
  try {
    for (let genes = 0; genes < 5; genes++) client.record('analysis', { genes });
    assert.equal((await client.flush()).status, 'delivered');
    assert.deepEqual(
      capture.events.map((event) => [event.properties.genes, event.properties.droppedBefore]),
      [
        [3, 3],
        [4, undefined],
      ],
    );
  } finally {
    await client.dispose();
    await capture.stop();
  }
});

test('no project key, or a host that is not an http(s) URL, is an error value and no sender', () => {
  assert.deepEqual(posthogSender({ projectKey: '  ', distinctId: DISTINCT_ID }), { error: 'PostHog project key is empty' });
  assert.deepEqual(posthogSender({ projectKey: KEY, host: 'ftp://example.com', distinctId: DISTINCT_ID }), { error: 'PostHog host must be http or https, not ftp:' });
  assert.deepEqual(posthogSender({ projectKey: KEY, host: 'not a url', distinctId: DISTINCT_ID }), { error: 'PostHog host is not a URL: "not a url"' });
  const sender = posthogSender({ projectKey: KEY, distinctId: DISTINCT_ID });
  assert.equal('error' in sender ? sender.error : sender.kind, 'posthog');
  assert.equal(DEFAULT_POSTHOG_HOST, 'https://us.i.posthog.com');
});
