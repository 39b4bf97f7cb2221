import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Which window of the session this is: 1.99.3 passes no per-window environment, so count the results already written. */
export function windowIndex(dir: string): number {
  return readdirSync(dir).filter((name) => /^result-\d+\.json$/.test(name)).length;
}

/** Where this window's in-host module writes its result for the session (bench/workbench/session.ts) to read. */
export function resultFile(dir: string, window = windowIndex(dir)): string {
  return join(dir, `result-${window}.json`);
}
