import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunByCidResponse } from '../../src/core/analysis/protocol';
import type { ChimeraApi } from '../../src/vscode/extension';
import type { Observability } from '../../src/vscode/observability';
import { assembleFixture } from '../../wasm/fixtures';
import { handMadeCid } from '../support/hand-made-cid';
import { type LoopbackGateway, freePort, startBlockGateway } from '../support/loopback';
import { repoRoot } from '../support/repo';
import { EXTENSION_ID, eventually } from './harness';

/** The extension's own /metrics, scraped like Prometheus would. */
function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/metrics`, { timeout: 3000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    }).on('error', reject);
  });
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

suite('The sandbox, the module store and genes by CID in the workbench', () => {
  let api: ChimeraApi;
  let observability: Observability;
  let envPath: string;
  let envBefore: string;
  let gateway: LoopbackGateway;
  let metricsPort: number;
  const cids: Record<string, string> = {};
  const chimera = () => vscode.workspace.getConfiguration('chimera');

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!.activate();
    observability = api.features().observability;
    envPath = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.env');
    envBefore = readFileSync(envPath, 'utf8');
    const blocks = new Map<string, Uint8Array>();
    const add = await assembleFixture(repoRoot, 'add');
    for (const name of ['add', 'env-fetch', 'memory-4gib', 'fill-loop']) {
      const bytes = name === 'add' ? add : await assembleFixture(repoRoot, name);
      cids[name] = handMadeCid(bytes);
      blocks.set(cids[name], bytes);
    }
    cids.wrong = handMadeCid(await assembleFixture(repoRoot, 'traps'));
    blocks.set(cids.wrong, add); // another block under this CID
    gateway = await startBlockGateway(blocks);
    await chimera().update('ipfs.gateways', [gateway.url], vscode.ConfigurationTarget.Workspace);
    metricsPort = await freePort();
    await chimera().update('metrics.port', metricsPort, vscode.ConfigurationTarget.Workspace);
    if (api.rollout.snapshot?.rollback?.active) await vscode.commands.executeCommand('chimera.rearm');
    // Execution on; a 3 s time limit so a long run can be watched while it holds its memory.
    writeFileSync(envPath, 'CHIMERA_ENABLED=1\nDRY_RUN_MODE=1\nWASM_EXEC_ENABLED=1\nWASM_MAX_TIME=3s\n');
    await eventually('execution allowed with the guard armed', async () => {
      const snapshot = await api.rollout.reload();
      return snapshot?.features.execution === true && observability.current().guard.state === 'armed' ? snapshot : undefined;
    });
    await eventually('the metrics endpoint to answer', () => scrape(metricsPort).then((text) => text.includes('chimera_gateway_requests_total') || undefined, () => undefined));
  });

  suiteTeardown(async () => {
    if (api.rollout.snapshot?.rollback?.active) await vscode.commands.executeCommand('chimera.rearm');
    writeFileSync(envPath, envBefore);
    await api.rollout.reload();
    for (const key of ['ipfs.gateways', 'metrics.port']) await chimera().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    gateway.close();
  });

  const runByCid = (cid: string, exportName: string, args = '[]') => vscode.commands.executeCommand<RunByCidResponse>('chimera.runGeneByCid', cid, exportName, args);

  test('Run Gene runs our gene in the sandbox and reports its memory; recompiling unchanged source is a store hit', async () => {
    const numbers = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'vs', 'base', 'common', 'numbers.ts');
    const before = await scrape(metricsPort);
    const first = await vscode.commands.executeCommand<{ ok: boolean; memoryBytes: number; cid: string; cache: string; results: { value: unknown }[] }>('chimera.runGene', numbers, 'clamp', '5, 0, 3');
    assert.equal(first.ok, true, JSON.stringify(first));
    assert.deepEqual(first.results.map((r) => r.value), [3]);
    assert.equal(first.memoryBytes, 0, 'a compiled gene declares no memory');
    const second = await vscode.commands.executeCommand<{ cid: string; cache: string }>('chimera.runGene', numbers, 'clamp', '1, 2, 3');
    assert.deepEqual([second.cid, second.cache], [first.cid, 'hit']);
    const after = await scrape(metricsPort);
    assert.ok(sample(after, 'chimera_cache_lookups_total{result="hit"}') > sample(before, 'chimera_cache_lookups_total{result="hit"}'), 'the hit counts toward the IPFS hit rate');
  });

  test('a run beyond the memory limit is contained (memory-limit, no rollback); the pool memory in use is sampled while a module runs', async () => {
    const huge = await runByCid(cids['memory-4gib']!, 'f');
    assert.ok(huge.ok, JSON.stringify(huge));
    assert.equal(huge.result.verdict, 'memory-limit');
    // A 16 MiB module that loops until the 3 s limit: while it runs, the sampled memory in use is half the pool's limit.
    const running = runByCid(cids['fill-loop']!, 'fill');
    const seen = await eventually('the sampled memory in use to show the running module', async () => {
      const range = (await observability.evaluateNow()).local?.memoryRange;
      return range && range.max > 0 ? range : undefined;
    });
    assert.equal(seen.max, 0.5, 'one 16 MiB memory of a pool that may hold 2 × 16 MiB');
    const loop = await running;
    assert.ok(loop.ok);
    assert.equal(loop.result.verdict, 'timeout');
    assert.equal(loop.memoryBytes, 16 * 1024 * 1024);
    const state = await observability.evaluateNow();
    assert.equal(state.guard.state, 'armed', 'a module stopped by its own limits is not a reason to roll back');
  });

  test('a gateway serving a wrong block is refused as cid-mismatch and nothing runs; gateway availability drops', async () => {
    const series = (result: string) => `chimera_gateway_requests_total{result="${result}"}`;
    const before = await scrape(metricsPort);
    const good = await runByCid(cids.add!, 'add', '[1.5, 2.25]');
    assert.ok(good.ok && good.result.verdict === 'ok');
    assert.equal(good.result.value, 3.75);
    const wrong = await runByCid(cids.wrong!, 'add', '[1, 2]');
    assert.ok(!wrong.ok && wrong.verdict === 'fetch-failed', JSON.stringify(wrong));
    assert.equal(wrong.reason, 'cid-mismatch');
    const after = await scrape(metricsPort);
    const successes = sample(after, series('success')) - sample(before, series('success'));
    const failures = sample(after, series('failure')) - sample(before, series('failure'));
    assert.deepEqual([successes, failures], [1, 1], 'availability over these attempts: 1 verified fetch of 2');
  });

  test('a module fetched by CID with a forbidden import is a security violation: counted, and the automatic rollback fires (SEV1)', async () => {
    const before = await scrape(metricsPort);
    const response = await runByCid(cids['env-fetch']!, 'f');
    assert.ok(response.ok);
    assert.equal(response.result.verdict, 'forbidden-import');
    const after = await eventually('the violation to be counted', async () => {
      const text = await scrape(metricsPort);
      return sample(text, 'chimera_security_violations_total{kind="forbidden-import"}') > sample(before, 'chimera_security_violations_total{kind="forbidden-import"}') ? text : undefined;
    });
    assert.ok(after);
    await eventually('.env to turn Chimera off', () => /^CHIMERA_ENABLED=0$/m.test(readFileSync(envPath, 'utf8')) || undefined);
    const firing = await eventually('the guard to fire', () => observability.current().guard.firing);
    assert.deepEqual([firing.trigger, firing.severity], ['security-violation', 'SEV1']);
    // Rolled back: nothing is fetched or run any more.
    await eventually('the rollback to reach the flags', () => (api.rollout.snapshot?.rollback?.active ? true : undefined));
    assert.equal(await runByCid(cids.add!, 'add', '[1, 2]'), undefined);
  });
});
