import * as assert from 'node:assert/strict';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { FileAnalysis } from '../../../src/core/analysis/pipeline';
import type { ChimeraApi } from '../../../src/vscode/extension';
import { EXTENSION_ID, eventually } from '../harness';

interface Match {
  file: string;
  name: string;
  class: string;
}

/** Lateness of a 1 ms timer beyond its period, summed while `work` runs: how long the extension host's thread was busy. */
async function watchHost<T>(work: () => Thenable<T>): Promise<{ value: T; ms: number; longestMs: number; blockingMs: number; heapMb: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const heapBefore = process.memoryUsage().heapUsed;
  let blocking = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    blocking += Math.max(0, now - last - 2);
    last = now;
  }, 1);
  delay.enable();
  const started = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - started, longestMs: delay.max / 1e6, blockingMs: blocking, heapMb: (process.memoryUsage().heapUsed - heapBefore) / 1e6 };
  } finally {
    delay.disable();
    clearInterval(ticker);
  }
}

// The workspace is monaco-editor's esm/vs twice (test/host/run-suites.ts): over 100,000 functions, as in Void.
suite('Find Similar in a Void-sized workspace', () => {
  test('the first Find Similar builds the index off the extension host and finds the twin in the other copy', async function () {
    this.timeout(840_000);
    const api = await vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!.activate();
    const config = vscode.workspace.getConfiguration('chimera');
    await config.update('flags', { PROTEIN_HASH_ENABLED: '1' }, vscode.ConfigurationTarget.Workspace);
    try {
      await eventually('protein hashes to be allowed', () => api.rollout.snapshot?.features.proteinHash);
      const root = vscode.workspace.workspaceFolders![0]!.uri;
      const hash = vscode.Uri.joinPath(root, 'copy-1', 'vs', 'base', 'common', 'hash.js');
      await vscode.window.showTextDocument(hash);
      await eventually('an analysis with protein hashes', async () => {
        const analysis = await vscode.commands.executeCommand<FileAnalysis | undefined>('chimera.analyzeFile', hash);
        return analysis?.genes.some((g) => g.protein) ? analysis : undefined;
      });
      const first = await watchHost(() => vscode.commands.executeCommand<Match[]>('chimera.findSimilar', hash, 'numberHash'));
      const twin = first.value.find((m) => m.file === 'copy-2/vs/base/common/hash.js' && m.name === 'numberHash');
      assert.equal(twin?.class, 'equivalent', `the twin in the other copy is missing: ${JSON.stringify(first.value.slice(0, 5))}`);
      const second = await watchHost(() => vscode.commands.executeCommand<Match[]>('chimera.findSimilar', hash, 'numberHash'));
      assert.deepEqual(
        second.value.map((m) => `${m.file}#${m.name}`),
        first.value.map((m) => `${m.file}#${m.name}`),
        'the index answers the same query the same way',
      );
      // Figures for bench/results.md, not assertions: this machine is shared and noisy.
      const figures = (what: string, run: typeof first) =>
        `[large-workspace] ${what}: ${(run.ms / 1000).toFixed(1)} s; extension host longest task ${run.longestMs.toFixed(0)} ms, total blocking ${run.blockingMs.toFixed(0)} ms, heap ${run.heapMb >= 0 ? '+' : ''}${run.heapMb.toFixed(1)} MB`;
      console.log(figures('first Find Similar (full index build + query)', first));
      console.log(figures('second Find Similar (query of the held index)', second));
    } finally {
      await config.update('flags', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
