import { createHash } from 'node:crypto';

/**
 * A machine's canary bucket in [0, 1): the first 4 bytes of SHA-256("chimera-canary:" + salt + ":" + machineId),
 * big-endian, divided by 2^32. Stable per machine and salt, so a user never flips between variants, and raising the
 * fraction never drops a machine that was in (bucket < fraction).
 */
export function bucketOf(machineId: string, salt = 'chimera'): number {
  const digest = createHash('sha256').update(`chimera-canary:${salt}:${machineId}`, 'utf8').digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export type CanaryOverride = 'auto' | 'in' | 'out';

export interface CanaryVerdict {
  bucket: number;
  fraction: number;
  in: boolean;
  /** Set when a person forced the verdict (setting chimera.canary.override); shown wherever the canary is. */
  override: 'in' | 'out' | null;
}

export function canaryVerdict(machineId: string, fraction: number, options: { salt?: string; override?: CanaryOverride } = {}): CanaryVerdict {
  const bucket = bucketOf(machineId, options.salt);
  const override = options.override === 'in' || options.override === 'out' ? options.override : null;
  return { bucket, fraction, in: override ? override === 'in' : bucket < fraction, override };
}
