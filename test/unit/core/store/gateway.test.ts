import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModuleCache } from '../../../../src/core/store/cache';
import { cidOf } from '../../../../src/core/store/cid';
import { GatewayAvailability, fetchByCid, gatewaysFromEnv } from '../../../../src/core/store/gateway';
import { loadModule } from '../../../../src/core/store/index';
import { callConstant, constantModule } from '../../../support/store-modules';

const module = constantModule(2.5);
const impostor = constantModule(666);
let cid = '';
let server: Server;
let base = '';
const requests: { url: string; accept: string | undefined }[] = [];

/** One real HTTP server, one behaviour per path prefix: /good, /wrong, /missing, /hang, /stall, /stream, /huge. */
function handle(request: IncomingMessage, response: import('node:http').ServerResponse): void {
  requests.push({ url: request.url ?? '', accept: request.headers.accept });
  const [, mode, ipfs, requested] = new URL(request.url ?? '/', 'http://x').pathname.split('/');
  if (ipfs !== 'ipfs') return void response.writeHead(400).end();
  if (mode === 'hang') return; // never answers; the client's timeout must end it
  if (mode === 'stall') return void response.writeHead(200).write(module.subarray(0, 8)); // headers and half a body, then silence
  if (mode === 'stream') {
    // No content-length: the size cap must hold while reading.
    response.writeHead(200);
    for (let chunk = 0; chunk < 16; chunk++) response.write(new Uint8Array(64 * 1024));
    return void response.end();
  }
  if (mode === 'missing' || requested !== cid) return void response.writeHead(404, 'Not Found').end();
  const body = mode === 'good' ? module : mode === 'wrong' ? impostor : new Uint8Array(1 << 20);
  response.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' }).end(body);
}

before(async () => {
  cid = await cidOf(module);
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A port that refuses connections: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('a trustless gateway serving the block yields verified bytes, asked for as a raw block', async () => {
  requests.length = 0;
  const result = await fetchByCid(cid, { gateways: [`${base}/good`], timeoutMs: 5000 });
  assert.ok(result.ok);
  assert.deepEqual(new Uint8Array(result.bytes), module);
  assert.equal(await callConstant(result.bytes), 2.5);
  assert.equal(result.gateway, `${base}/good`);
  assert.deepEqual(result.attempts, [{ gateway: `${base}/good`, outcome: 'ok', status: 200 }]);
  assert.deepEqual(requests, [{ url: `/good/ipfs/${cid}?format=raw`, accept: 'application/vnd.ipld.raw' }]);
});

test('a gateway serving other bytes is rejected as a mismatch and the next gateway is used', async () => {
  const result = await fetchByCid(cid, { gateways: [`${base}/wrong`, `${base}/good`], timeoutMs: 5000 });
  assert.ok(result.ok);
  assert.deepEqual(result.attempts.map((a) => a.outcome), ['mismatch', 'ok']);
  assert.deepEqual(new Uint8Array(result.bytes), module);
});

test('a gateway that never answers times out and the next gateway is used', async () => {
  const result = await fetchByCid(cid, { gateways: [`${base}/hang`, `${base}/good`], timeoutMs: 150 });
  assert.ok(result.ok);
  assert.deepEqual(result.attempts.map((a) => a.outcome), ['timeout', 'ok']);
});

test('a 404, a refused connection and an oversized body are each reported, and nothing unverified is returned', async () => {
  const refused = `http://127.0.0.1:${await closedPort()}`;
  const result = await fetchByCid(cid, { gateways: [`${base}/missing`, refused, `${base}/huge`, `${base}/stream`, `${base}/wrong`], timeoutMs: 5000, maxBytes: 64 * 1024 });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, 'all-failed');
  assert.deepEqual(
    result.attempts.map((a) => [a.outcome, a.status]),
    [
      ['http-error', 404],
      ['network-error', undefined],
      ['too-large', 200],
      ['too-large', 200],
      ['mismatch', 200],
    ],
  );
  assert.equal('bytes' in result, false);
});

test('gateways that hang before or during the body end in per-gateway timeouts', async () => {
  const result = await fetchByCid(cid, { gateways: [`${base}/hang`, `${base}/stall`], timeoutMs: 100 });
  assert.equal(result.ok, false);
  assert.deepEqual(result.attempts.map((a) => a.outcome), ['timeout', 'timeout']);
});

test('an invalid CID or an empty gateway list fails before any request', async () => {
  requests.length = 0;
  const invalid = await fetchByCid('../../secret', { gateways: [`${base}/good`], timeoutMs: 1000 });
  assert.equal(!invalid.ok && invalid.reason, 'invalid-cid');
  const none = await fetchByCid(cid, { gateways: [], timeoutMs: 1000 });
  assert.equal(!none.ok && none.reason, 'no-gateway');
  assert.equal(requests.length, 0);
});

test('cancelling stops the fetch between gateways', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const result = await fetchByCid(cid, { gateways: [`${base}/hang`, `${base}/good`], timeoutMs: 10_000, signal: controller.signal });
  assert.equal(!result.ok && result.reason, 'cancelled');
});

test('availability is the share of fetches that ended with verified bytes', async () => {
  const availability = new GatewayAvailability();
  assert.equal(availability.snapshot().availability, null);
  for (const gateways of [[`${base}/good`], [`${base}/wrong`, `${base}/good`], [`${base}/missing`], [`${base}/good`]]) {
    await fetchByCid(cid, { gateways, timeoutMs: 5000, availability });
  }
  await fetchByCid('not-a-cid', { gateways: [`${base}/good`], timeoutMs: 5000, availability }); // the caller's mistake, not the network's
  assert.deepEqual(availability.snapshot(), { requests: 4, successes: 3, availability: 0.75 });
});

test('loadModule serves from the cache first, fetches on a miss, and keeps what it fetched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-store-gateway-'));
  try {
    const cache = await ModuleCache.open(dir);
    requests.length = 0;
    const first = await loadModule(cid, cache, { gateways: [`${base}/good`], timeoutMs: 5000 });
    assert.ok(first.ok);
    assert.equal(first.source, 'gateway');
    const second = await loadModule(cid, cache, { gateways: [`${base}/good`], timeoutMs: 5000 });
    assert.ok(second.ok);
    assert.equal(second.source, 'cache');
    assert.equal(requests.length, 1);
    assert.equal(cache.stats().hitRatio, 0.5);
    const failed = await loadModule(await cidOf(constantModule(7)), cache, { gateways: [`${base}/missing`], timeoutMs: 5000 });
    assert.equal(failed.ok, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IPFS_GATEWAY_URL accepts one or more http(s) base URLs and reports the rest', () => {
  assert.deepEqual(gatewaysFromEnv(undefined), { gateways: [], problems: [] });
  assert.deepEqual(gatewaysFromEnv('https://ipfs.example/, http://127.0.0.1:8080/gw'), { gateways: ['https://ipfs.example', 'http://127.0.0.1:8080/gw'], problems: [] });
  const bad = gatewaysFromEnv('ftp://x.example nonsense https://ok.example?x=1');
  assert.deepEqual(bad.gateways, []);
  assert.equal(bad.problems.length, 3);
});
