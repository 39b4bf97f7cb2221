import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MODULE_CAPS } from '../../../src/core/sandbox/limits';
import { cidOfSync } from '../../../src/core/store/cid';
import { assembleFixture } from '../../../wasm/fixtures';
import { type LoopbackGateway, freePort, startGateway } from '../../support/loopback';
import { distFile, repoRoot } from '../../support/repo';

const cli = distFile('cli.js');
/** What the gateway does for each CID it is asked for; anything else is a 404. */
const answers = new Map<string, (res: ServerResponse) => void>();
const requests: { url: string; accept: string | undefined }[] = [];
let loopback: LoopbackGateway;
let gateway: string;
const cids: Record<string, string> = {};

before(async () => {
  const add = await assembleFixture(repoRoot, 'add');
  const envFetch = await assembleFixture(repoRoot, 'env-fetch');
  const traps = await assembleFixture(repoRoot, 'traps');
  const big = new Uint8Array(MODULE_CAPS.maxModuleBytes + 1);
  cids.add = cidOfSync(add);
  cids.envFetch = cidOfSync(envFetch);
  cids.wrong = cidOfSync(traps); // served with add's bytes
  cids.missing = cidOfSync(Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]));
  cids.hang = cidOfSync(Uint8Array.from([1, 2, 3]));
  cids.big = cidOfSync(big);
  answers.set(cids.add, (res) => res.end(add));
  answers.set(cids.envFetch, (res) => res.end(envFetch));
  answers.set(cids.wrong, (res) => res.end(add));
  answers.set(cids.hang, () => undefined);
  answers.set(cids.big, (res) => res.end(big));
  loopback = await startGateway((cid) => answers.get(cid), (req) => requests.push({ url: req.url ?? '', accept: req.headers.accept }));
  gateway = loopback.url;
});

after(() => loopback.close());

function chimera(...args: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8', env: { ...process.env, IPFS_GATEWAY_URL: '' } }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, json: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : {}, stderr });
    });
  });
}

const freshCache = () => mkdtempSync(join(tmpdir(), 'chimera-exec-cid-'));

test('exec by CID fetches the raw block from the gateway, verifies it, stores it, and runs it; the second run is a cache hit', async () => {
  const cache = freshCache();
  const before = requests.length;
  const first = await chimera('exec', cids.add!, 'add', '1.5', '2.25', '--gateway', gateway, '--cache', cache);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual([first.json.verdict, first.json.value, first.json.cid, first.json.source, first.json.cache], ['ok', 3.75, cids.add, 'gateway', 'miss']);
  assert.deepEqual(requests.slice(before), [{ url: `/ipfs/${cids.add}?format=raw`, accept: 'application/vnd.ipld.raw' }]);
  assert.deepEqual(readdirSync(join(cache, 'modules', 'blocks')), [cids.add]);
  const second = await chimera('exec', cids.add!, 'add', '1', '2', '--gateway', gateway, '--cache', cache);
  assert.deepEqual([second.code, second.json.value, second.json.cache], [0, 3, 'hit']);
  assert.equal(requests.length, before + 1, 'a hit asks no gateway');
});

test('a module fetched by CID runs as a foreign module: its forbidden import is a security verdict, not a fetch failure', async () => {
  const run = await chimera('exec', cids.envFetch!, 'f', '--gateway', gateway, '--cache', freshCache());
  assert.equal(run.code, 1);
  assert.equal(run.json.verdict, 'forbidden-import');
});

test('refusals exit 1 with fetch-failed and a reason, and run nothing: wrong bytes, 404, a hang, an oversized answer, no server', async () => {
  const nobody = `http://127.0.0.1:${await freePort()}`;
  const cases: [string, string, string[]][] = [
    [cids.wrong!, 'cid-mismatch', []],
    [cids.missing!, 'not-found', []],
    [cids.hang!, 'timeout', ['--fetch-timeout', '300']],
    [cids.big!, 'too-large', []],
  ];
  for (const [cid, reason, extra] of cases) {
    const cache = freshCache();
    const run = await chimera('exec', cid, 'add', '1', '2', '--gateway', gateway, '--cache', cache, ...extra);
    assert.deepEqual([run.code, run.json.verdict, run.json.reason, 'results' in run.json], [1, 'fetch-failed', reason, false], `${reason}: ${run.stderr}`);
    assert.deepEqual(readdirSync(join(cache, 'modules', 'blocks')), [], `${reason}: nothing was stored`);
  }
  const unreachable = await chimera('exec', cids.add!, 'add', '1', '2', '--gateway', nobody, '--cache', freshCache());
  assert.deepEqual([unreachable.code, unreachable.json.verdict, unreachable.json.reason], [1, 'fetch-failed', 'unreachable']);
});

test('--gateway repeats: an unreachable gateway is passed over for the next one', async () => {
  const closed = `http://127.0.0.1:1`;
  const run = await chimera('exec', cids.add!, 'add', '2', '2', '--gateway', closed, '--gateway', gateway, '--cache', freshCache());
  assert.deepEqual([run.code, run.json.value, (run.json.attempts as { outcome: string }[]).map((a) => a.outcome)], [0, 4, ['network-error', 'ok']]);
});

test('only CIDv1 raw sha2-256 CIDs are accepted, and a CID needs a gateway: usage errors, exit 2', async () => {
  const dagPb = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
  const v0 = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';
  for (const cid of [dagPb, v0]) assert.equal((await chimera('exec', cid, 'f', '--gateway', gateway, '--cache', freshCache())).code, 2, cid);
  assert.equal((await chimera('exec', cids.add!, 'add', '1', '2', '--cache', freshCache())).code, 2);
});
