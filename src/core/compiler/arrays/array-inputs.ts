/**
 * Array inputs for differential verification: empty, one element, -0 and NaN inside, repeated and unsorted values,
 * every edge value at once, long arrays, and seeded random arrays of the element type.
 */
import type { ElementType } from '../types';
import type { GeneElement } from '../values';

const LONG = 2000;

export function edgeArrays(element: ElementType, numbers: readonly number[], strings: readonly string[]): GeneElement[][] {
  if (element === 'number') {
    return [[], [0], [-0], [NaN], [1], [-1], [1, 2, 3], [3, 1, 2], [2, 2, 2], [0, -0], [NaN, 1, NaN], [-1, 0.5, NaN, -0, Infinity, -Infinity], [...numbers], Array.from({ length: LONG }, (_, i) => i - 1000)];
  }
  if (element === 'boolean') return [[], [true], [false], [true, true], [false, true, false], Array.from({ length: LONG }, (_, i) => i % 3 === 0)];
  return [[], [''], ['a'], ['a', 'b', 'a'], [...strings], strings.slice(0, 3).reverse(), Array.from({ length: LONG }, (_, i) => `s${i % 37}`)];
}

/** Mostly short arrays (what genes mostly see), sometimes longer. */
export function randomArray(random: () => number, element: (random: () => number) => GeneElement): GeneElement[] {
  const length = random() < 0.9 ? Math.floor(random() * 9) : Math.floor(random() * 200);
  return Array.from({ length }, () => element(random));
}
