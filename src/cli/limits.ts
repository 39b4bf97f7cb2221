// Sandbox limits from the command line (--max-time, --max-memory, --max-gas), shared by run, exec and exec by CID.
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from '../core/sandbox/limits';
import { UsageError } from './command';

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

function parseBytes(text: string, option: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new UsageError(`${option} takes bytes, e.g. 16777216 or 16MiB (got '${text}')`);
  return Number(match[1]) * unit;
}

export function parseCount(text: string, option: string, unitSuffix?: string): number {
  const stripped = unitSuffix ? text.trim().replace(new RegExp(`${unitSuffix}$`), '') : text.trim();
  const value = Number(stripped);
  if (stripped === '' || !Number.isSafeInteger(value) || value <= 0) throw new UsageError(`${option} takes a positive integer (got '${text}')`);
  return value;
}

export function limitsFrom(options: Record<string, unknown>): SandboxLimits {
  const text = (...names: string[]) => names.map((n) => options[n]).find((v): v is string => typeof v === 'string');
  const time = text('max-time', 'timeout-ms');
  const memory = text('max-memory');
  const gas = text('max-gas', 'fuel');
  return {
    maxTimeMs: time === undefined ? DEFAULT_SANDBOX_LIMITS.maxTimeMs : parseCount(time, '--max-time', 'ms'),
    maxMemoryBytes: memory === undefined ? DEFAULT_SANDBOX_LIMITS.maxMemoryBytes : parseBytes(memory, '--max-memory'),
    maxFuel: gas === undefined ? DEFAULT_SANDBOX_LIMITS.maxFuel : parseCount(gas, '--max-gas'),
  };
}
