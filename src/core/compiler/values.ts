/**
 * Gene values in JSON, as the CLI prints and reads them: numbers as JavaScript prints them, with NaN,
 * Infinity, -Infinity and -0 as strings (JSON has no spelling for them), booleans as JSON booleans.
 */
export type GeneValue = number | boolean;
export type JsonGeneValue = number | boolean | 'NaN' | 'Infinity' | '-Infinity' | '-0';

export function toJsonValue(value: GeneValue): JsonGeneValue {
  if (typeof value === 'boolean') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return value;
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Infinity$|^NaN$|^0[xX][0-9a-fA-F]+$|^0[oO][0-7]+$|^0[bB][01]+$/;

/** Parses a command-line or JSON argument; `undefined` when it is not a number or boolean. */
export function parseGeneValue(input: unknown): GeneValue | undefined {
  if (typeof input === 'boolean') return input;
  if (typeof input === 'number') return input;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return NUMBER_TEXT.test(text) ? Number(text) : undefined;
}
