import * as assert from 'node:assert/strict';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { register as globalRegistry } from 'prom-client';
import { startMetricsServer } from '../../../../src/core/metrics/exporter';
import { DURATION_BUCKETS, OPS, PLAN_QUERIES, ROLLBACK_TRIGGERS, VIOLATION_KINDS, parseDuration, planQueries } from '../../../../src/core/metrics/plan';
import { parseSampleValue, queryPrometheus } from '../../../../src/core/metrics/prometheus-client';
import { createPusher, hashedMachineId } from '../../../../src/core/metrics/push';
import { createChimeraMetrics } from '../../../../src/core/metrics/registry';

/** The value of one exposition line such as `chimera_errors_total{op="exec"} 0`. */
function valueOf(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A port nothing listens on: bound once, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('every labelled series exists at 0 from the start, so Prometheus sees the first increase (P1)', async () => {
  const text = await createChimeraMetrics().registry.metrics();
  for (const op of OPS) {
    assert.equal(valueOf(text, `chimera_requests_total{op="${op}"}`), 0, op);
    assert.equal(valueOf(text, `chimera_errors_total{op="${op}"}`), 0, op);
    assert.equal(valueOf(text, `chimera_duration_seconds_count{op="${op}"}`), 0, op);
  }
  for (const kind of VIOLATION_KINDS) assert.equal(valueOf(text, `chimera_security_violations_total{kind="${kind}"}`), 0, kind);
  for (const name of ['chimera_memory_bytes', 'chimera_memory_limit_bytes']) assert.equal(valueOf(text, name), 0, name);
  for (const series of ['chimera_gene_extractions_total{result="success"}', 'chimera_cache_lookups_total{result="hit"}', 'chimera_gateway_requests_total{result="failure"}', 'chimera_features_enabled{feature="chimera"}']) {
    assert.equal(valueOf(text, series), 0, series);
  }
});

test('requests and errors carry identical label sets, so the plan literal ratio matches series (P4)', async () => {
  const text = await createChimeraMetrics().registry.metrics();
  const labelSets = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`)).map((l) => l.slice(name.length, l.indexOf('}') + 1));
  assert.deepEqual(labelSets('chimera_errors_total'), labelSets('chimera_requests_total'));
});

test('duration buckets make both thresholds measurable: 0.3 and 0.5 with finer buckets around and above them (P6)', async () => {
  assert.ok(DURATION_BUCKETS.includes(0.3) && DURATION_BUCKETS.includes(0.5));
  assert.deepEqual([...DURATION_BUCKETS].sort((a, b) => a - b), [...DURATION_BUCKETS]);
  for (const threshold of [0.3, 0.5]) {
    const i = DURATION_BUCKETS.indexOf(threshold);
    assert.ok(threshold - DURATION_BUCKETS[i - 1]! <= 0.05 + 1e-9 && DURATION_BUCKETS[i + 1]! - threshold <= 0.05 + 1e-9, `fine buckets around ${threshold}`);
  }
  assert.ok(DURATION_BUCKETS.filter((b) => b > 0.5).length >= 3);
  const text = await createChimeraMetrics().registry.metrics();
  assert.ok(text.includes('chimera_duration_seconds_bucket{le="0.5",op="exec"} 0'));
});

test('the facade counts requests, errors and durations per op, and a broken clock does not throw', async () => {
  const metrics = createChimeraMetrics();
  metrics.observe('exec', 0.2);
  metrics.observe('exec', 0.6, { error: true });
  metrics.observe('compile', Number.NaN);
  metrics.observe('compile', -1, { error: true });
  metrics.securityViolation('forbidden-import');
  metrics.setMemory(850, 1000);
  metrics.geneExtraction(true);
  metrics.cacheLookup(false);
  metrics.gatewayRequest(true);
  metrics.setFeatures({ analysis: true, execution: false, proteinHash: true }, 0.1);
  const text = await metrics.registry.metrics();
  assert.equal(valueOf(text, 'chimera_requests_total{op="exec"}'), 2);
  assert.equal(valueOf(text, 'chimera_errors_total{op="exec"}'), 1);
  assert.equal(valueOf(text, 'chimera_duration_seconds_bucket{le="0.5",op="exec"}'), 1);
  assert.equal(valueOf(text, 'chimera_duration_seconds_count{op="exec"}'), 2);
  assert.equal(valueOf(text, 'chimera_requests_total{op="compile"}'), 2);
  assert.equal(valueOf(text, 'chimera_errors_total{op="compile"}'), 1);
  assert.equal(valueOf(text, 'chimera_duration_seconds_count{op="compile"}'), 0);
  assert.equal(valueOf(text, 'chimera_security_violations_total{kind="forbidden-import"}'), 1);
  assert.equal(valueOf(text, 'chimera_memory_bytes'), 850);
  assert.equal(valueOf(text, 'chimera_memory_limit_bytes'), 1000);
  assert.equal(valueOf(text, 'chimera_gene_extractions_total{result="success"}'), 1);
  assert.equal(valueOf(text, 'chimera_cache_lookups_total{result="miss"}'), 1);
  assert.equal(valueOf(text, 'chimera_gateway_requests_total{result="success"}'), 1);
  assert.equal(valueOf(text, 'chimera_features_enabled{feature="protein_hash"}'), 1);
  assert.equal(valueOf(text, 'chimera_features_enabled{feature="wasm_exec"}'), 0);
  assert.equal(valueOf(text, 'chimera_canary_fraction'), 0.1);
  const sample = await metrics.sample(42);
  assert.equal(sample.t, 42);
  assert.equal(sample.requests.exec, 2);
  assert.equal(sample.buckets.exec[DURATION_BUCKETS.indexOf(0.5)], 1);
  assert.equal(sample.buckets.exec[DURATION_BUCKETS.length], 2);
});

test('each facade has its own registry and never touches prom-client’s global one', async () => {
  const a = createChimeraMetrics();
  const b = createChimeraMetrics();
  a.observe('hash', 0.01);
  assert.equal(valueOf(await b.registry.metrics(), 'chimera_requests_total{op="hash"}'), 0);
  assert.ok(!(await globalRegistry.metrics()).includes('chimera_'));
});

test('default labels (a hashed instance for pushes) go on every series', async () => {
  const text = await createChimeraMetrics({ defaultLabels: { instance: 'abc' } }).registry.metrics();
  assert.ok(text.includes('chimera_requests_total{op="exec",instance="abc"} 0'));
});

test('the /metrics endpoint binds to 127.0.0.1 on an ephemeral port and serves the exposition format', async () => {
  const metrics = createChimeraMetrics();
  metrics.observe('verify', 0.1);
  const started = await startMetricsServer(metrics.registry, 0);
  assert.ok(started.ok, started.ok ? '' : started.error);
  const server = started.value;
  try {
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/metrics`);
    const response = await fetch(server.url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(valueOf(await response.text(), 'chimera_requests_total{op="verify"}'), 1);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/`)).status, 404);
    assert.equal((await fetch(server.url, { method: 'POST' })).status, 404);
  } finally {
    await server.close();
  }
  await assert.rejects(fetch(server.url));
});

test('a port in use is an error value, not a crash', async () => {
  const first = await startMetricsServer(createChimeraMetrics().registry, 0);
  assert.ok(first.ok);
  try {
    const second = await startMetricsServer(createChimeraMetrics().registry, first.value.port);
    assert.equal(second.ok, false);
    assert.match(second.ok ? '' : second.error, /EADDRINUSE/);
    const invalid = await startMetricsServer(createChimeraMetrics().registry, 70000);
    assert.equal(invalid.ok, false);
  } finally {
    await first.value.close();
  }
});

test('close() does not wait for a scraper’s keep-alive connection', async () => {
  const started = await startMetricsServer(createChimeraMetrics().registry, 0);
  assert.ok(started.ok);
  const { request } = await import('node:http');
  const agent = new (await import('node:http')).Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    request(started.value.url, { agent }, (response: IncomingMessage) => {
      response.resume();
      response.on('end', resolve);
    }).on('error', reject).end();
  });
  await started.value.close();
  agent.destroy();
});

test('the machine id in the push grouping is a stable 16-hex hash that does not contain the id', () => {
  const id = 'my-laptop.example.org-1234';
  const hashed = hashedMachineId(id);
  assert.match(hashed, /^[0-9a-f]{16}$/);
  assert.equal(hashedMachineId(id), hashed);
  assert.notEqual(hashedMachineId(`${id}x`), hashed);
  assert.ok(!hashed.includes('laptop'));
});

test('a push PUTs the registry to /metrics/job/chimera/instance/<hashed id> and a delete removes it', async () => {
  const received: { method: string; url: string; body: string }[] = [];
  const gateway = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', body });
      response.writeHead(request.method === 'DELETE' ? 202 : 200).end();
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  try {
    const metrics = createChimeraMetrics();
    metrics.observe('fetch', 0.05, { error: true });
    const pusher = createPusher(metrics.registry, `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`, 'machine-1');
    assert.ok(pusher.ok);
    assert.deepEqual(await pusher.value.push(), { ok: true, value: undefined });
    assert.deepEqual(await pusher.value.remove(), { ok: true, value: undefined });
    const path = `/metrics/job/chimera/instance/${hashedMachineId('machine-1')}`;
    assert.deepEqual(received.map((r) => [r.method, r.url]), [['PUT', path], ['DELETE', path]]);
    assert.equal(valueOf(received[0]!.body, 'chimera_errors_total{op="fetch"}'), 1);
  } finally {
    await new Promise((resolve) => gateway.close(resolve));
  }
});

test('a dead or refusing Pushgateway is an error value, never a throw', async () => {
  const registry = createChimeraMetrics().registry;
  const dead = createPusher(registry, `http://127.0.0.1:${await deadPort()}`, 'm', 1000);
  assert.ok(dead.ok);
  const result = await dead.value.push();
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.error, /ECONNREFUSED/);
  const refusing = createServer((_request, response) => response.writeHead(500).end('broken'));
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  try {
    const pusher = createPusher(registry, `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`, 'm');
    assert.ok(pusher.ok);
    const refused = await pusher.value.push();
    assert.match(refused.ok ? '' : refused.error, /status 500/);
  } finally {
    await new Promise((resolve) => refusing.close(resolve));
  }
  assert.equal(createPusher(registry, 'not a url', 'm').ok, false);
  assert.equal(createPusher(registry, 'file:///etc/passwd', 'm').ok, false);
});

test('a dead Prometheus or a bad URL is an error value for the query client', async () => {
  const dead = await queryPrometheus(`http://127.0.0.1:${await deadPort()}`, PLAN_QUERIES.errorRate, { timeoutMs: 1000 });
  assert.equal(dead.ok, false);
  assert.match(dead.ok ? '' : dead.error, /did not answer/);
  assert.equal((await queryPrometheus('::nonsense', 'up')).ok, false);
});

test('Prometheus sample values, including NaN and infinities, are read as numbers', () => {
  assert.equal(parseSampleValue('0.02'), 0.02);
  assert.equal(parseSampleValue('+Inf'), Infinity);
  assert.equal(parseSampleValue('-Inf'), -Infinity);
  assert.ok(Number.isNaN(parseSampleValue('NaN')));
});

test('the plan queries are the plan’s text, and the aggregated forms take the window as a parameter', () => {
  // Copied from the plan's "Monitoring Queries" block.
  assert.deepEqual(PLAN_QUERIES, {
    errorRate: 'rate(chimera_errors_total[5m]) / rate(chimera_requests_total[5m])',
    p95Latency: 'histogram_quantile(0.95, rate(chimera_duration_seconds_bucket[5m]))',
    memoryRatio: 'chimera_memory_bytes / chimera_memory_limit_bytes',
    securityViolations: 'increase(chimera_security_violations_total[1h])',
  });
  const thirty = planQueries({ window: '30s' });
  assert.equal(thirty.errorRate, 'sum(rate(chimera_errors_total[30s])) / sum(rate(chimera_requests_total[30s]))');
  assert.equal(thirty.p95Latency, 'histogram_quantile(0.95, sum by (le) (rate(chimera_duration_seconds_bucket[30s])))');
  assert.equal(thirty.securityViolations, 'sum(increase(chimera_security_violations_total[1h]))');
  assert.throws(() => planQueries({ window: '5' }), RangeError);
  assert.throws(() => planQueries({ window: '5m) or vector(1' }), RangeError);
});

test('the rollback triggers are the plan’s four: error rate > 1%, P95 > 500 ms, memory > 80%, any violation', () => {
  assert.deepEqual(ROLLBACK_TRIGGERS.map((t) => [t.query, t.op, t.limit]), [
    ['errorRate', '>', 0.01],
    ['p95Latency', '>', 0.5],
    ['memoryRatio', '>', 0.8],
    ['securityViolations', '>', 0],
  ]);
});

test('Prometheus durations are parsed to seconds, and anything else is refused', () => {
  assert.equal(parseDuration('5m'), 300);
  assert.equal(parseDuration('30s'), 30);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('250ms'), 0.25);
  for (const bad of ['', '5', 'm', '0s', '5 m', '-5m']) assert.equal(parseDuration(bad), undefined, bad);
});
