import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/** A file-system failure as a value: telemetry must never throw into the code that records an event. */
export interface StorageProblem {
  code: string;
  message: string;
}

export function storageProblem(error: unknown): StorageProblem {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'EUNKNOWN';
  return { code, message: error instanceof Error ? error.message : String(error) };
}

/** Replaces a file's content all at once (temp file, fsync, rename): a crash leaves the old or the new file, never half of one. */
export async function writeFileAtomic(path: string, text: string): Promise<StorageProblem | undefined> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    return undefined;
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    return storageProblem(error);
  }
}

/** The file's text, '' when it does not exist yet, or the problem (a device or directory in its place is one: never read it). */
export async function readTextIfExists(path: string): Promise<{ text: string } | { problem: StorageProblem }> {
  try {
    const handle = await open(path, 'r');
    try {
      if (!(await handle.stat()).isFile()) return { problem: { code: 'ENOTREG', message: `${path} is not a regular file` } };
      return { text: await handle.readFile('utf8') };
    } finally {
      await handle.close();
    }
  } catch (error) {
    const problem = storageProblem(error);
    return problem.code === 'ENOENT' ? { text: '' } : { problem };
  }
}
