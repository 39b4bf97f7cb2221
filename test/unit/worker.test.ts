import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnalysisWorker } from '../../src/core/worker-client';
import { repoRoot } from './repo';

test('the built analysis worker answers on its own thread and has WebAssembly', async () => {
  const worker = new AnalysisWorker(join(repoRoot, 'dist', 'worker.js'));
  try {
    const description = await worker.describe();
    assert.equal(description.webAssembly, true);
    assert.notEqual(description.threadId, 0, 'the worker must not run on the main thread');
    assert.equal(description.node, process.version);
  } finally {
    await worker.dispose();
  }
});

test('a worker that dies fails its pending request instead of hanging, and the next call starts a new one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-worker-'));
  const crashing = join(dir, 'crash.js');
  writeFileSync(crashing, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));");
  const worker = new AnalysisWorker(crashing);
  try {
    await assert.rejects(worker.describe(), /exited with code 3/);
    await assert.rejects(worker.describe(), /exited with code 3/);
  } finally {
    await worker.dispose();
  }
});
