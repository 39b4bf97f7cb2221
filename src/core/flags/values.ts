import { FLAGS, type FlagKind, type FlagName } from './catalog';

/** A flag's text, read: the value, or why it cannot be used (the flag then falls back to a safe value). */
export type ParsedValue =
  | { ok: true; value: boolean | number }
  | { ok: false; code: 'invalid-boolean' | 'invalid-fraction' | 'canary-as-percent' | 'invalid-limit'; message: string; suggestion?: string };

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3 };
const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, min: 60_000 };

/** Bounds that keep a limit meaningful: one WebAssembly page up to 4 GiB; 1 ms up to 10 min; 1 up to 2^53 fuel. */
const LIMITS = {
  bytes: { min: 64 * 1024, max: 4 * 1024 ** 3, describe: 'between 64KiB and 4GiB' },
  duration: { min: 1, max: 600_000, describe: 'between 1ms and 10min' },
  count: { min: 1, max: Number.MAX_SAFE_INTEGER, describe: 'a positive whole number' },
} as const;

export function parseBoolean(text: string): ParsedValue {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return { ok: true, value: true };
  if (FALSE.has(t)) return { ok: true, value: false };
  return { ok: false, code: 'invalid-boolean', message: `'${text}' is not a boolean: use 1 or 0 (true/false, yes/no, on/off also work). Treated as off.` };
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseFraction(text: string): ParsedValue {
  const t = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  if (percent) {
    const fraction = Number(percent[1]) / 100;
    if (fraction <= 1) return percentMistake(text, fraction);
  }
  if (DECIMAL.test(t)) {
    const value = Number(t);
    if (value <= 1) return { ok: true, value };
    // Whole numbers up to 100 are percentages written by mistake; 1.5 is just out of range.
    if (Number.isInteger(value) && value <= 100) return percentMistake(text, value / 100);
  }
  return { ok: false, code: 'invalid-fraction', message: `'${text}' is not a fraction between 0 and 1 (e.g. 0.01 for 1%). Treated as 0: nobody is in the canary.` };
}

function percentMistake(text: string, fraction: number): ParsedValue {
  const suggestion = formatFraction(fraction);
  return { ok: false, code: 'canary-as-percent', message: `'${text}' looks like a percentage: the canary is a fraction, did you mean ${suggestion}? Treated as 0 until fixed.`, suggestion };
}

/** 0.1 → "0.10", 0.01 → "0.01": two decimals at least, as the plan writes them. */
export function formatFraction(fraction: number): string {
  const fixed = Number(fraction.toFixed(6)).toString();
  return /^\d\.\d$/.test(fixed) ? `${fixed}0` : fixed;
}

function parseWithUnit(text: string, kind: 'bytes' | 'duration', units: Record<string, number>): ParsedValue {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = match ? units[match[2]!.toLowerCase()] : undefined;
  const limit = LIMITS[kind];
  const unitsHelp = kind === 'bytes' ? 'a number of bytes or a size like 16MiB' : 'milliseconds or a duration like 1000ms or 2s';
  if (!match || factor === undefined) return { ok: false, code: 'invalid-limit', message: `'${text}' is not ${unitsHelp}. The default is used.` };
  const value = Math.round(Number(match[1]) * factor);
  if (value < limit.min || value > limit.max) return { ok: false, code: 'invalid-limit', message: `'${text}' is out of range: use a value ${limit.describe}. The default is used.` };
  return { ok: true, value };
}

export function parseCount(text: string): ParsedValue {
  const t = text.trim().replace(/_/g, '');
  const value = /^\d+$/.test(t) || /^\d+(?:\.\d+)?e\d+$/i.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(value) || value < LIMITS.count.min) return { ok: false, code: 'invalid-limit', message: `'${text}' is not ${LIMITS.count.describe} (e.g. 10000000 or 1e7). The default is used.` };
  return { ok: true, value };
}

const PARSERS: Record<FlagKind, (text: string) => ParsedValue> = {
  boolean: parseBoolean,
  fraction: parseFraction,
  bytes: (text) => parseWithUnit(text, 'bytes', BYTE_UNITS),
  duration: (text) => parseWithUnit(text, 'duration', DURATION_UNITS),
  count: parseCount,
};

export function parseFlagValue(name: FlagName, text: string): ParsedValue {
  return PARSERS[FLAGS[name].kind](text);
}

/**
 * The value an unusable text resolves to: never one that turns a feature on.
 * An invalid canary means nobody (0), not the default of everyone; an invalid limit keeps the default limit.
 */
export function safeFallback(name: FlagName): boolean | number {
  const spec = FLAGS[name];
  if (spec.kind === 'boolean') return false;
  if (spec.kind === 'fraction') return 0;
  return spec.defaultValue;
}
