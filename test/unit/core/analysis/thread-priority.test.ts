import * as assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnalysisWorker } from '../../../../src/core/analysis/worker-client';
import { BACKGROUND_NICE, lowerThreadPriority } from '../../../../src/core/analysis/thread-priority';
import { repoRoot } from '../../../support/repo';

const workerScript = join(repoRoot, 'dist', 'analysis-worker.js');

test('a background analysis worker runs at a lower priority on Linux, and the thread that started it keeps its own', async () => {
  const before = getPriority();
  const background = new AnalysisWorker(workerScript, { setup: { background: true } });
  const normal = new AnalysisWorker(workerScript);
  try {
    const [low, usual] = await Promise.all([background.describe(), normal.describe()]);
    assert.equal(usual.priority, before);
    assert.equal(low.priority, process.platform === 'linux' ? Math.max(before, BACKGROUND_NICE) : before);
    assert.equal(getPriority(), before, 'the starting thread is untouched');
  } finally {
    await Promise.all([background.dispose(), normal.dispose()]);
  }
});

test('elsewhere than Linux the priority is per process, so nothing is lowered', () => {
  assert.equal(lowerThreadPriority('darwin'), getPriority());
  assert.equal(lowerThreadPriority('win32'), getPriority());
});
