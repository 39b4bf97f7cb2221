import type { GeneType } from './types';

/**
 * Gene values in JSON, as the CLI prints and reads them: numbers as JavaScript prints them, with NaN,
 * Infinity, -Infinity and -0 as strings (JSON has no spelling for them), booleans as JSON booleans, strings as
 * JSON strings (the declared type tells a string "NaN" from the number), undefined as null.
 */
export type GeneValue = number | boolean | string;
export type JsonGeneValue = number | boolean | string | null;

export function toJsonValue(value: GeneValue | undefined | null): JsonGeneValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return value;
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Infinity$|^NaN$|^0[xX][0-9a-fA-F]+$|^0[oO][0-7]+$|^0[bB][01]+$/;

/**
 * Parses a command-line or JSON argument; `undefined` when it is not a number or boolean. For a `string` parameter
 * a string is taken as it is (no trimming, "NaN" stays text); without a type, as today: numbers and booleans only.
 */
export function parseGeneValue(input: unknown, type?: GeneType): GeneValue | undefined {
  if (type === 'string') return typeof input === 'string' ? input : undefined;
  if (typeof input === 'boolean') return input;
  if (typeof input === 'number') return input;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return NUMBER_TEXT.test(text) ? Number(text) : undefined;
}
