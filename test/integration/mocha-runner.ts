import { readdirSync } from 'node:fs';
import { join } from 'node:path';
// Bundled by esbuild.mjs: mocha 12 is an ES module that needs Node ≥ 20.19, and VS Code 1.99.3's extension host runs 20.18.
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Runs every *.test.js beside the runner; rejects when a test fails, which the workbench reports as exit 1. */
export async function runMochaSuite(directory: string): Promise<void> {
  // The host names each suite by the version the extension host really runs (test/host/driver.ts reads this line).
  console.log(`[workbench] VS Code ${vscode.version}, Node ${process.version}`);
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.test.js')).sort()) mocha.addFile(join(directory, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
