import type { SandboxResult, WasmScalar, WasmValue } from './verdict';

export type JsonScalar = number | string;

/** JSON cannot hold NaN, ±Infinity, -0 or i64: they become the strings "NaN", "Infinity", "-Infinity", "-0" and "42n". */
export function jsonScalar(value: WasmScalar): JsonScalar {
  if (typeof value === 'bigint') return `${value}n`;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return value;
}

export function jsonValue(value: WasmValue): JsonScalar | JsonScalar[] | null {
  if (value === null || typeof value === 'string') return value;
  return Array.isArray(value) ? value.map(jsonScalar) : jsonScalar(value);
}

/** A result as plain JSON data: values converted, every other field kept. */
export function jsonResult(result: SandboxResult): Record<string, unknown> {
  return result.verdict === 'ok' ? { ...result, value: jsonValue(result.value) } : { ...result };
}

/**
 * Reads one argument for a parameter of the given type: numbers (NaN, Infinity, -Infinity, -0 included),
 * `true`/`false` for i32, and `1` or `1n` alike for i64. Returns undefined for anything else.
 */
export function parseArgument(text: string | number, type: string): WasmScalar | undefined {
  if (typeof text === 'number') return type === 'i64' ? (Number.isInteger(text) ? BigInt(text) : undefined) : text;
  const trimmed = text.trim();
  if (type === 'i64') {
    const match = /^([+-]?\d+)n?$/.exec(trimmed);
    return match ? BigInt(match[1]!) : undefined;
  }
  if (type === 'i32' && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true' ? 1 : 0;
  const integer = /^([+-]?\d+)n$/.exec(trimmed);
  if (integer) return Number(integer[1]);
  if (/^[+-]?NaN$/.test(trimmed)) return NaN;
  if (/^[+-]?Infinity$/.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : undefined;
}
