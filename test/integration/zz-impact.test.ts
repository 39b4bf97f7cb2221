import * as assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ChimeraApi } from '../../src/vscode/extension';
import { EXTENSION_ID, artifact, hasDriver } from './harness';

/** The largest file of the benchmark corpus that ships with the repository's devDependencies. */
function largestCorpusFile(root: string): string {
  const dir = join(root, 'node_modules', 'monaco-editor', 'esm', 'vs', 'base', 'common');
  return readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

async function delayWhile(work: () => Promise<unknown>, ms: number): Promise<{ p99: number; max: number; rounds: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const end = performance.now() + ms;
  let rounds = 0;
  while (performance.now() < end) {
    await work();
    rounds++;
  }
  histogram.disable();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, rounds };
}

suite('Impact on the extension host (recorded, not asserted as timings)', () => {
  test('analysing the largest corpus file runs off the host thread: event-loop delay with and without Chimera', async function () {
    this.timeout(60_000);
    const extension = vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!;
    const api = await extension.activate();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(largestCorpusFile(extension.extensionPath)));
    // Earlier suites end with a rollback drill of their own: put Phase 1 back.
    writeFileSync(join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.env'), 'CHIMERA_ENABLED=1\nDRY_RUN_MODE=1\n');
    await api.rollout.reload();
    assert.equal(api.rollout.snapshot?.features.analysis, true, 'analysis is allowed again');
    const analysis = api.features().analysis;
    const idle = await delayWhile(() => new Promise((resolve) => setTimeout(resolve, 50)), 3000);
    let analysed = 0;
    const busy = await delayWhile(async () => {
      const result = await analysis.analyze(document);
      if (result && result.genes.length > 0) analysed++;
    }, 3000);
    assert.ok(analysed > 0, 'the file was analysed');
    const report = { file: document.fileName, activationMs: api.activationMs, idle, busy, analysesPerSecond: analysed / 3 };
    if (hasDriver()) writeFileSync(artifact('impact.json'), JSON.stringify(report, null, 2));
    console.log(`[impact] activate() ${api.activationMs.toFixed(2)} ms; event-loop delay P99: idle ${idle.p99.toFixed(2)} ms, analysing ${busy.p99.toFixed(2)} ms (${report.analysesPerSecond.toFixed(1)} analyses/s)`);
  });
});
