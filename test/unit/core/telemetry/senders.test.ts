import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  type BatchSender,
  type ConsentSettings,
  type TelemetryBatch,
  TelemetryClient,
  TelemetryQueue,
  ERROR_EVENT_NAMES,
  backoffDelay,
  httpSender,
  reporterSender,
  toBatch,
  openTelemetryClient,
  toTelemetrySender,
} from '../../../../src/core/telemetry';

type Behaviour = 'accept' | 'reject-503' | 'hang-up' | 'never-answer';

/** A real telemetry collector on 127.0.0.1: records the batches it accepts, or misbehaves on purpose. */
class Collector {
  readonly batches: TelemetryBatch[] = [];
  requests = 0;
  private constructor(
    private readonly server: Server,
    public behaviour: Behaviour,
  ) {}

  static async start(behaviour: Behaviour = 'accept'): Promise<Collector> {
    const server = createServer();
    const collector = new Collector(server, behaviour);
    server.on('request', (request, response) => void collector.handle(request, response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return collector;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/telemetry`;
  }

  get events() {
    return this.batches.flatMap((batch) => batch.events);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (this.behaviour === 'never-answer') return;
    if (this.behaviour === 'hang-up') {
      // The collector dies mid-send: the body arrived, no response ever will.
      request.socket.destroy();
      this.server.close();
      return;
    }
    if (this.behaviour === 'reject-503') {
      response.writeHead(503).end();
      return;
    }
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/json');
    this.batches.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as TelemetryBatch);
    response.writeHead(204).end();
  }
}

const ALL: ConsentSettings = { telemetryLevel: 'all', chimeraTelemetryEnabled: true };
const freshDir = () => mkdtempSync(join(tmpdir(), 'chimera-telemetry-collector-'));

function senderFor(endpoint: string, timeoutMs = 5_000): BatchSender {
  const sender = httpSender({ endpoint, timeoutMs });
  if ('error' in sender) throw new Error(sender.error);
  return sender;
}

async function clientFor(directory: string, sender: BatchSender, options: { consent?: () => ConsentSettings; batchSize?: number } = {}): Promise<TelemetryClient> {
  return openTelemetryClient({ directory, sender, consent: options.consent ?? (() => ALL), salt: 'test:', flushIntervalMs: 0, batchSize: options.batchSize ?? 100, backoff: { initialMs: 50, maxMs: 400, factor: 2 } });
}

test('queued events arrive at the collector as JSON batches, and leave the queue once delivered', async () => {
  const collector = await Collector.start();
  const directory = freshDir();
  const client = await clientFor(directory, senderFor(collector.endpoint), { batchSize: 4 });
  for (let genes = 0; genes < 10; genes++) client.record('analysis', { genes, durationMs: 3 });
  const outcome = await client.flush();
  assert.deepEqual(outcome, { status: 'delivered', delivered: 10, withdrawn: 0, remaining: 0 });
  assert.deepEqual(collector.batches.map((b) => b.events.length), [4, 4, 2]);
  assert.deepEqual(collector.events.map((e) => e.data.genes), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const first = collector.batches[0]!;
  assert.equal(first.schema, 1);
  assert.equal(first.product, 'chimera-rollout');
  assert.match(first.events[0]!.at, /^\d{4}-\d{2}-\d{2}T/);
  assert.equal((await TelemetryQueue.open({ directory })).size, 0);
  await client.dispose();
  await collector.stop();
});

test('a collector killed mid-send loses nothing: the events are re-sent to a new collector after a restart', async () => {
  const dying = await Collector.start('hang-up');
  const directory = freshDir();
  const first = await clientFor(directory, senderFor(dying.endpoint));
  for (let genes = 0; genes < 7; genes++) first.record('analysis', { genes });
  first.record('sandbox.run', { verdict: 'timeout', durationMs: 1000 });
  const failed = await first.flush();
  assert.equal(failed.status, 'failed');
  assert.equal(dying.requests, 1, 'the batch reached the collector before it died');
  assert.equal(first.stats().queued, 8);
  // Deactivation: the last attempt fails too (the collector is gone), and the events stay on disk.
  const last = await first.dispose();
  assert.equal(last.status, 'failed');

  const replacement = await Collector.start('accept');
  const second = await clientFor(directory, senderFor(replacement.endpoint));
  assert.equal(second.stats().queued, 8);
  const delivered = await second.flush();
  assert.equal(delivered.status, 'delivered');
  assert.deepEqual(
    replacement.events.map((e) => e.name),
    [...Array(7).fill('analysis'), 'sandbox.run'],
  );
  assert.deepEqual(replacement.events.slice(0, 7).map((e) => e.data.genes), [0, 1, 2, 3, 4, 5, 6]);
  await second.dispose();
  await replacement.stop();
});

test('a 503 keeps the batch, backs off exponentially, and a later flush delivers everything', async () => {
  const collector = await Collector.start('reject-503');
  const client = await clientFor(freshDir(), senderFor(collector.endpoint));
  try {
    client.record('rollback', { trigger: 'error-rate', severity: 'SEV2', phase: 2, automatic: true });
    const failed = await client.flush();
    assert.equal(failed.status, 'failed');
    assert.equal(failed.status === 'failed' && failed.error, 'HTTP 503');
    const waiting = await client.flush();
    assert.equal(waiting.status, 'backoff', 'no new attempt before the backoff delay');
    assert.equal(collector.requests, 1);
    const second = await client.flush(true);
    assert.equal(second.status, 'failed');
    assert.equal(client.stats().consecutiveFailures, 2);
    collector.behaviour = 'accept';
    // The retry timer set after the failure delivers without anyone calling flush; the bound is generous for loaded machines.
    for (let tick = 0; tick < 500 && client.stats().consecutiveFailures > 0; tick++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(collector.events.length, 1);
    assert.deepEqual(collector.events[0]!.data, { trigger: 'error-rate', severity: 'SEV2', phase: '2', automatic: true });
    assert.equal(client.stats().consecutiveFailures, 0);
  } finally {
    await client.dispose();
    await collector.stop();
  }
});

test('a collector that never answers is a timeout, and the events stay queued', async () => {
  const collector = await Collector.start('never-answer');
  const client = await clientFor(freshDir(), senderFor(collector.endpoint, 200));
  client.record('activation', { durationMs: 20, phase: 1 });
  const outcome = await client.flush();
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.status === 'failed' ? outcome.error : '', /timed out after 200 ms/);
  assert.equal(client.stats().queued, 1);
  await client.dispose();
  await collector.stop();
});

test('backoff doubles from the initial delay and stops at the maximum', () => {
  const options = { initialMs: 5_000, maxMs: 60_000, factor: 2 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options)), [0, 5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
});

test('events queued before the user turned telemetry off are withdrawn at send time, feedback still goes', async () => {
  const collector = await Collector.start();
  let consent: ConsentSettings = ALL;
  const client = await clientFor(freshDir(), senderFor(collector.endpoint), { consent: () => consent });
  client.record('analysis', { genes: 1 });
  client.record('feedback', { sentiment: 'positive', source: 'view' });
  consent = { telemetryLevel: 'off', chimeraTelemetryEnabled: true };
  assert.equal(client.record('analysis', { genes: 2 }).status, 'not-consented');
  const outcome = await client.flush();
  assert.deepEqual(outcome, { status: 'delivered', delivered: 1, withdrawn: 1, remaining: 0 });
  assert.deepEqual(collector.events.map((e) => e.name), ['feedback']);
  await client.dispose();
  await collector.stop();
});

test('the VS Code TelemetrySender adapter strips the logger prefix, common.* properties and error messages', async () => {
  const collector = await Collector.start();
  const client = await clientFor(freshDir(), senderFor(collector.endpoint));
  const sender = toTelemetrySender(client);
  sender.sendEventData('void-chimera.chimera-rollout/sandbox.run', { verdict: 'ok', 'common.vscodemachineid': 'abc123machine', 'common.os': 'linux' });
  sender.sendErrorData(new TypeError('cannot read /home/alice/void/src/gene.ts'), { op: 'compile', 'common.vscodesessionid': 'session-42' });
  await sender.flush();
  assert.deepEqual(
    collector.events.map((e) => [e.name, e.data]),
    [
      ['sandbox.run', { verdict: 'ok' }],
      ['operation.error', { errorKind: 'internal', op: 'compile', errorName: 'TypeError' }],
    ],
  );
  const wire = JSON.stringify(collector.batches);
  for (const secret of ['abc123machine', 'session-42', '/home/alice', 'cannot read']) assert.ok(!wire.includes(secret), secret);
  await client.dispose();
  await collector.stop();
});

test('an endpoint that is not an http(s) URL is an error value', () => {
  assert.deepEqual(httpSender({ endpoint: 'not a url' }), { error: 'telemetry endpoint is not a URL: "not a url"' });
  assert.deepEqual(httpSender({ endpoint: 'file:///etc/passwd' }), { error: 'telemetry endpoint must be http or https, not file:' });
});

test('the Application Insights adapter sends numbers as measurements, the rest as properties, errors as error events', async () => {
  const calls: [string, string, Record<string, string> | undefined, Record<string, number> | undefined][] = [];
  // The shape of @vscode/extension-telemetry's TelemetryReporter (that package needs the VS Code host to run).
  const reporter = {
    sendTelemetryEvent: (name: string, properties?: Record<string, string>, measurements?: Record<string, number>) => void calls.push(['event', name, properties, measurements]),
    sendTelemetryErrorEvent: (name: string, properties?: Record<string, string>, measurements?: Record<string, number>) => void calls.push(['error', name, properties, measurements]),
  };
  const sender = reporterSender(reporter, ERROR_EVENT_NAMES);
  const batch = toBatch(
    [
      { name: 'sandbox.run', at: 0, data: { verdict: 'ok', durationMs: 4, fuelUsed: 90 } },
      { name: 'security.violation', at: 0, data: { kind: 'forbidden-import', verdict: 'forbidden-import' } },
    ],
    0,
    0,
  );
  assert.deepEqual(await sender.send(batch), { ok: true });
  assert.deepEqual(calls, [
    ['event', 'sandbox.run', { verdict: 'ok' }, { durationMs: 4, fuelUsed: 90 }],
    ['error', 'security.violation', { kind: 'forbidden-import', verdict: 'forbidden-import' }, {}],
  ]);
});
