// The index build runs on every core; at a lower priority the editor's own threads still get the CPU at once.
import { getPriority, setPriority } from 'node:os';

/** The nice value background analysis threads run at (0 normal, 19 lowest). */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's priority where the OS keeps one per thread (Linux: setpriority on the thread itself).
 * Elsewhere it would lower the whole process, the extension host included, so it does nothing. Returns the nice
 * value the thread runs at.
 */
export function lowerThreadPriority(platform: NodeJS.Platform = process.platform): number {
  if (platform !== 'linux') return getPriority();
  try {
    // pid 0: the calling thread on Linux, not the process.
    setPriority(0, Math.max(getPriority(), BACKGROUND_NICE));
  } catch {
    // A sandbox may forbid it; the build only runs at normal priority then.
  }
  return getPriority();
}
