/**
 * Arrays across the boundary between a host and a compiled gene, beside strings (src/core/wasm-string-abi.ts), in the
 * same arena. An array is a pointer to a 16-byte header: length, capacity and the address of the elements (i32 each,
 * then 4 unused bytes). Elements: a number is an f64, a boolean an i32 0 or 1, a string an i32 string pointer.
 * A host writes the elements right after the header; a gene that outgrows the capacity moves them (push).
 *
 * Between processes (the sandbox's executors) an array argument travels as an `ArrayArgument` and an array result
 * comes back as JSON text (`arrayJson`), so the sandbox protocol needs no new column types.
 */
import { type StringAbi, ArenaFull, allocate, readString, writeString } from './wasm-string-abi';

export type ElementKind = 'number' | 'boolean' | 'string';
export const ARRAY_HEADER_BYTES = 16;
export const ARRAY_LENGTH_OFFSET = 0;
export const ARRAY_CAPACITY_OFFSET = 4;
export const ARRAY_DATA_OFFSET = 8;
/** Longer arrays than this are refused before any size arithmetic can overflow. */
export const MAX_ARRAY_LENGTH = 1 << 26;

export const elementBytes = (kind: ElementKind): number => (kind === 'number' ? 8 : 4);

/** An array argument as the sandbox carries it: the element kind and the plain elements. */
export interface ArrayArgument {
  elements: ElementKind;
  items: readonly (number | boolean | string)[];
}

export function isArrayArgument(value: unknown): value is ArrayArgument {
  return typeof value === 'object' && value !== null && 'elements' in value && 'items' in value && Array.isArray((value as ArrayArgument).items);
}

/** Writes `items` into the arena (strings after the header and elements) and returns the array's pointer. */
export function writeArray(abi: StringAbi, kind: ElementKind, items: readonly (number | boolean | string)[]): number {
  if (items.length > MAX_ARRAY_LENGTH) throw new ArenaFull(`an array of ${items.length} elements is longer than the arena allows`);
  const size = elementBytes(kind);
  const ptr = allocate(abi, ARRAY_HEADER_BYTES + size * items.length);
  const data = ptr + ARRAY_HEADER_BYTES;
  const pointers = kind === 'string' ? items.map((item) => writeString(abi, item as string)) : undefined;
  const view = new DataView(abi.memory.buffer);
  view.setUint32(ptr + ARRAY_LENGTH_OFFSET, items.length, true);
  view.setUint32(ptr + ARRAY_CAPACITY_OFFSET, items.length, true);
  view.setUint32(ptr + ARRAY_DATA_OFFSET, data, true);
  items.forEach((item, i) => {
    if (kind === 'number') view.setFloat64(data + 8 * i, item as number, true);
    else if (kind === 'boolean') view.setUint32(data + 4 * i, item ? 1 : 0, true);
    else view.setUint32(data + 4 * i, pointers![i]!, true);
  });
  return ptr;
}

/** The array at `ptr`; a string element may be undefined (pointer 0). */
export function readArray(abi: StringAbi, kind: ElementKind, ptr: number): (number | boolean | string | undefined)[] {
  const view = new DataView(abi.memory.buffer);
  const length = view.getUint32(ptr + ARRAY_LENGTH_OFFSET, true);
  const data = view.getUint32(ptr + ARRAY_DATA_OFFSET, true);
  const items: (number | boolean | string | undefined)[] = new Array(length);
  for (let i = 0; i < length; i++) {
    if (kind === 'number') items[i] = view.getFloat64(data + 8 * i, true);
    else if (kind === 'boolean') items[i] = view.getUint32(data + 4 * i, true) !== 0;
    else items[i] = readString(abi, view.getUint32(data + 4 * i, true));
  }
  return items;
}

/** JSON text of an array result for the sandbox to carry: NaN, ±Infinity and -0 as strings, undefined as null. */
export function arrayJson(items: readonly (number | boolean | string | undefined)[]): string {
  return JSON.stringify(items.map((item) => (typeof item !== 'number' ? (item ?? null) : Number.isNaN(item) ? 'NaN' : item === Infinity ? 'Infinity' : item === -Infinity ? '-Infinity' : Object.is(item, -0) ? '-0' : item)));
}

/** The inverse of arrayJson, by the element kind (a number element "NaN" is NaN; a string element stays text). */
export function parseArrayJson(text: string, kind: ElementKind): (number | boolean | string | undefined)[] {
  const items = JSON.parse(text) as (number | boolean | string | null)[];
  return items.map((item) => (item === null ? undefined : kind === 'number' && typeof item === 'string' ? Number(item) : item));
}
