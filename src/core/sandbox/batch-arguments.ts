import type { BatchArguments } from './protocol';
import type { WasmArgument } from './verdict';

const NUMBER_TYPES = new Set(['i32', 'f32', 'f64']);

/** Packs a batch into one Float64Array when every argument is a number for a number-typed parameter of the right arity. */
export function packArguments(params: readonly string[], tuples: WasmArgument[][]): BatchArguments {
  const count = tuples.length;
  const arity = params.length;
  if (count === 0 || !params.every((type) => NUMBER_TYPES.has(type))) return { count, tuples };
  const packed = new Float64Array(count * arity);
  for (let row = 0, offset = 0; row < count; row++) {
    const tuple = tuples[row]!;
    if (tuple.length !== arity) return { count, tuples };
    for (let column = 0; column < arity; column++, offset++) {
      const value = tuple[column];
      if (typeof value !== 'number') return { count, tuples };
      packed[offset] = value;
    }
  }
  return { count, arity, packed };
}
