// In the extension host: activates Chimera and the empty extension (both installed from a .vsix), in alternating order per window.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { ACTIVATED, type ActivationTimes } from './activation-ids';
import { resultFile, windowIndex } from './result-file';

export async function run(): Promise<void> {
  const dir = process.env.HARNESS_DIR!;
  const order = windowIndex(dir) % 2 ? [...ACTIVATED].reverse() : ACTIVATED;
  const times: ActivationTimes = {};
  for (const id of order) {
    const extension = vscode.extensions.getExtension(id);
    if (!extension) throw new Error(`${id} is not installed`);
    if (extension.isActive) throw new Error(`${id} was already active: the workspace must not trigger its activation events`);
    const started = performance.now();
    await extension.activate();
    times[id] = performance.now() - started;
  }
  writeFileSync(resultFile(dir), JSON.stringify(times));
}
