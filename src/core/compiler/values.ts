import { type GeneType, elementTypeOf, isArrayType } from './types';

/**
 * Gene values in JSON, as the CLI prints and reads them: numbers as JavaScript prints them, with NaN,
 * Infinity, -Infinity and -0 as strings (JSON has no spelling for them), booleans as JSON booleans, strings as
 * JSON strings (the declared type tells a string "NaN" from the number), arrays as JSON arrays of those, undefined as null.
 */
export type GeneElement = number | boolean | string;
/** An array holds one element type; a string array read past its end may hold undefined. */
export type GeneValue = GeneElement | (GeneElement | undefined)[];
export type JsonGeneValue = number | boolean | string | null | JsonGeneValue[];

export function toJsonValue(value: GeneValue | undefined | null): JsonGeneValue {
  if (value === undefined || value === null) return null;
  // Array.from: a JavaScript result is an array of the vm realm; its JSON form belongs to this one.
  if (Array.isArray(value)) return Array.from(value, toJsonValue);
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
  if (type !== undefined && isArrayType(type)) {
    // An array's elements are read by its element type: numbers as above (special numbers as strings), booleans, strings.
    if (!Array.isArray(input)) return undefined;
    const element = elementTypeOf(type);
    const items = input.map((item): GeneElement | undefined => {
      const value = parseGeneValue(item, element);
      return typeof value === element ? (value as GeneElement) : undefined;
    });
    return items.every((item) => item !== undefined) ? items : undefined;
  }
  if (type === 'string') return typeof input === 'string' ? input : undefined;
  if (typeof input === 'boolean') return input;
  if (typeof input === 'number') return input;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return NUMBER_TEXT.test(text) ? Number(text) : undefined;
}

/** Object.is, element by element for arrays (a JavaScript result is an array of another realm). */
export function sameGeneValue(wasm: unknown, js: unknown): boolean {
  if (!Array.isArray(wasm) || !Array.isArray(js)) return Object.is(wasm, js);
  return wasm.length === js.length && wasm.every((item, i) => Object.is(item, js[i]));
}
