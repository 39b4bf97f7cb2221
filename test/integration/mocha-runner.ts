import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** Runs every *.test.js beside the runner; rejects when a test fails, which the workbench reports as exit 1. */
export async function runMochaSuite(directory: string): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.test.js')).sort()) mocha.addFile(join(directory, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
