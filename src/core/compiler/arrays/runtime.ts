/**
 * The array runtime: WebAssembly helpers over arrays in the arena (layout in src/core/wasm-array-abi.ts), built on
 * demand beside the string helpers. Walking or copying elements charges one unit of fuel per element.
 */
import { ARRAY_CAPACITY_OFFSET, ARRAY_DATA_OFFSET, ARRAY_HEADER_BYTES, ARRAY_LENGTH_OFFSET, MAX_ARRAY_LENGTH } from '../../wasm-array-abi';
import { STATUS_UNREPRESENTABLE } from '../../wasm-abi';
import { type CodeBuffer, Op, ValType } from '../wasm-encoder';
import { stopWith, whileNot } from '../runtime-helpers';
import type { StringHelperSpec } from '../strings/runtime';

const I = ValType.I32;
const F = ValType.F64;
const memoryOp = (c: CodeBuffer, op: Op.memory_size | Op.memory_grow) => c.op(op, 0x00);
const loadField = (c: CodeBuffer, offset: number) => c.memory(Op.i32_load, 2, offset);

export const ARRAY_HELPERS = {
  /** A read JavaScript answers with undefined where the array holds numbers or booleans: the run stops (see wasm-abi). */
  unrepresentable: stopWith(STATUS_UNREPRESENTABLE),
  /** `bytes` (a multiple of 4) bumped from the arena; growing past the maximum is memory-limit. */
  allocBytes: {
    type: { params: [I], results: [I] },
    locals: [I, I],
    localNames: ['bytes', 'ptr', 'end'],
    build(c, { heapGlobal, helper }) {
      const [bytes, ptr, end] = [0, 1, 2];
      c.withIndex(Op.global_get, heapGlobal).tee(ptr).get(bytes).op(Op.i32_add).set(end);
      c.get(end);
      memoryOp(c, Op.memory_size).i32(16).op(Op.i32_shl, Op.i32_gt_u).open(Op.if);
      c.get(end);
      memoryOp(c, Op.memory_size).i32(16).op(Op.i32_shl, Op.i32_sub).i32(0xffff).op(Op.i32_add).i32(16).op(Op.i32_shr_u);
      memoryOp(c, Op.memory_grow).i32(-1).op(Op.i32_eq).open(Op.if).call(helper('memoryLimit')).op(Op.end);
      c.op(Op.end);
      c.get(end).withIndex(Op.global_set, heapGlobal);
      c.get(ptr);
    },
  },
  /** A new array of `count` elements of `size` bytes (contents unset), elements right after the header. */
  arrayNew: {
    type: { params: [I, I], results: [I] },
    locals: [I],
    localNames: ['count', 'size', 'ptr'],
    build(c, { helper }) {
      const [count, size, ptr] = [0, 1, 2];
      c.i32(ARRAY_HEADER_BYTES).get(count).get(size).op(Op.i32_mul, Op.i32_add).call(helper('allocBytes')).set(ptr);
      c.get(ptr).get(count).memory(Op.i32_store, 2, ARRAY_LENGTH_OFFSET);
      c.get(ptr).get(count).memory(Op.i32_store, 2, ARRAY_CAPACITY_OFFSET);
      c.get(ptr).get(ptr).i32(ARRAY_HEADER_BYTES).op(Op.i32_add).memory(Op.i32_store, 2, ARRAY_DATA_OFFSET);
      c.get(ptr);
    },
  },
  /** The address of element `index` (a double) when it is an integer in [0, length) (-0 included), else 0. */
  arraySlot: {
    type: { params: [I, F, I], results: [I] },
    locals: [],
    localNames: ['array', 'index', 'size'],
    build(c) {
      const [array, index, size] = [0, 1, 2];
      c.get(index).f64(0).op(Op.f64_ge);
      c.get(index).get(array);
      loadField(c, ARRAY_LENGTH_OFFSET).op(Op.f64_convert_i32_u, Op.f64_lt, Op.i32_and);
      c.get(index).op(Op.f64_trunc).get(index).op(Op.f64_eq, Op.i32_and);
      c.open(Op.if, I);
      c.get(array);
      loadField(c, ARRAY_DATA_OFFSET).get(index).op(Op.i32_trunc_f64_u).get(size).op(Op.i32_mul, Op.i32_add);
      c.op(Op.else).i32(0).op(Op.end);
    },
  },
  /** `push`: the address of a new last element, moving the elements to twice the room when full. */
  arrayPushSlot: {
    type: { params: [I, I], results: [I] },
    locals: [I, I, I, I],
    localNames: ['array', 'size', 'length', 'capacity', 'data', 'i'],
    build(c, { helper }) {
      const [array, size, length, capacity, data, i] = [0, 1, 2, 3, 4, 5];
      c.get(array);
      loadField(c, ARRAY_LENGTH_OFFSET).set(length);
      c.get(array);
      loadField(c, ARRAY_CAPACITY_OFFSET).set(capacity);
      c.get(length).get(capacity).op(Op.i32_eq).open(Op.if);
      c.get(capacity).i32(MAX_ARRAY_LENGTH).op(Op.i32_ge_u).open(Op.if).call(helper('memoryLimit')).op(Op.end);
      c.get(capacity).i32(1).op(Op.i32_shl).i32(4).op(Op.i32_add).set(capacity);
      c.get(capacity).get(size).op(Op.i32_mul).call(helper('allocBytes')).set(data);
      // Copy the old elements word by word, one unit of fuel per element.
      c.get(length).call(helper('charge'));
      whileNot(
        c,
        () => c.get(i).get(length).get(size).op(Op.i32_mul, Op.i32_ge_u),
        () => {
          c.get(data).get(i).op(Op.i32_add);
          c.get(array);
          loadField(c, ARRAY_DATA_OFFSET).get(i).op(Op.i32_add);
          c.memory(Op.i32_load, 2, 0).memory(Op.i32_store, 2, 0);
          c.get(i).i32(4).op(Op.i32_add).set(i);
        },
      );
      c.get(array).get(data).memory(Op.i32_store, 2, ARRAY_DATA_OFFSET);
      c.get(array).get(capacity).memory(Op.i32_store, 2, ARRAY_CAPACITY_OFFSET);
      c.op(Op.end);
      c.get(array).get(length).i32(1).op(Op.i32_add).memory(Op.i32_store, 2, ARRAY_LENGTH_OFFSET);
      c.get(array);
      loadField(c, ARRAY_DATA_OFFSET).get(length).get(size).op(Op.i32_mul, Op.i32_add);
    },
  },
  /** indexOf (strict equality: NaN is never found) or, with `sameValueZero`, includes (NaN finds NaN) of a number. */
  arrayFindNumber: {
    type: { params: [I, F, I], results: [I] },
    locals: [I, I, F],
    localNames: ['array', 'x', 'sameValueZero', 'length', 'i', 'element'],
    build(c, { helper }) {
      const [array, x, sameValueZero, length, i, element] = [0, 1, 2, 3, 4, 5];
      c.get(array);
      loadField(c, ARRAY_LENGTH_OFFSET).tee(length).call(helper('charge'));
      c.open(Op.block).open(Op.loop);
      c.get(i).get(length).op(Op.i32_ge_u).open(Op.if).i32(-1).op(Op.return).op(Op.end);
      c.get(array);
      loadField(c, ARRAY_DATA_OFFSET).get(i).i32(3).op(Op.i32_shl, Op.i32_add).memory(Op.f64_load, 3, 0).set(element);
      c.get(element).get(x).op(Op.f64_eq);
      c.get(sameValueZero).get(element).get(element).op(Op.f64_ne).get(x).get(x).op(Op.f64_ne, Op.i32_and, Op.i32_and, Op.i32_or);
      c.withIndex(Op.br_if, 1);
      c.get(i).i32(1).op(Op.i32_add).set(i).withIndex(Op.br, 0);
      c.op(Op.end, Op.end);
      c.get(i);
    },
  },
  /** indexOf/includes of a boolean (i32 elements compared as they are) or a string (`equals`, undefined only to undefined). */
  arrayFindI32: {
    type: { params: [I, I, I], results: [I] },
    locals: [I, I, I],
    localNames: ['array', 'x', 'strings', 'length', 'i', 'element'],
    build(c, { helper }) {
      const [array, x, strings, length, i, element] = [0, 1, 2, 3, 4, 5];
      c.get(array);
      loadField(c, ARRAY_LENGTH_OFFSET).tee(length).call(helper('charge'));
      c.open(Op.block).open(Op.loop);
      c.get(i).get(length).op(Op.i32_ge_u).open(Op.if).i32(-1).op(Op.return).op(Op.end);
      c.get(array);
      loadField(c, ARRAY_DATA_OFFSET).get(i).i32(2).op(Op.i32_shl, Op.i32_add).memory(Op.i32_load, 2, 0).set(element);
      c.get(strings).open(Op.if, I).get(element).get(x).call(helper('equals')).op(Op.else).get(element).get(x).op(Op.i32_eq).op(Op.end);
      c.withIndex(Op.br_if, 1);
      c.get(i).i32(1).op(Op.i32_add).set(i).withIndex(Op.br, 0);
      c.op(Op.end, Op.end);
      c.get(i);
    },
  },
  /**
   * s.split(t) for a string or undefined separator: [s] for undefined, every code unit for '' (none for ''.split('')),
   * else the pieces between the matches, left to right. The search and the copies cost fuel as indexOf and slice do.
   */
  split: {
    type: { params: [I, I], results: [I] },
    locals: [I, I, I, I, I, F],
    localNames: ['s', 't', 'result', 'length', 'searchLength', 'from', 'at', 'found'],
    build(c, { helper }) {
      const [s, t, result, length, searchLength, from, at, found] = [0, 1, 2, 3, 4, 5, 6, 7];
      const push = (piece: () => void) => {
        piece();
        c.set(at).get(result).i32(4).call(helper('arrayPushSlot')).get(at).memory(Op.i32_store, 2, 0);
      };
      c.get(s).call(helper('length')).set(length);
      c.i32(0).i32(4).call(helper('arrayNew')).set(result);
      c.get(t).op(Op.i32_eqz).open(Op.if);
      push(() => c.get(s));
      c.get(result).op(Op.return).op(Op.end);
      c.get(t).call(helper('length')).tee(searchLength).op(Op.i32_eqz).open(Op.if);
      whileNot(
        c,
        () => c.get(from).get(length).op(Op.i32_ge_u),
        () => {
          push(() => c.get(s).get(from).get(from).i32(1).op(Op.i32_add).call(helper('substring')));
          c.get(from).i32(1).op(Op.i32_add).set(from);
        },
      );
      c.get(result).op(Op.return).op(Op.end);
      c.open(Op.block).open(Op.loop);
      c.get(s).get(t).get(from).op(Op.f64_convert_i32_u).call(helper('indexOf')).tee(found).f64(0).op(Op.f64_lt).withIndex(Op.br_if, 1);
      push(() => c.get(s).get(from).get(found).op(Op.i32_trunc_f64_u).call(helper('substring')));
      c.get(found).op(Op.i32_trunc_f64_u).get(searchLength).op(Op.i32_add).set(from).withIndex(Op.br, 0);
      c.op(Op.end, Op.end);
      push(() => c.get(s).get(from).get(length).call(helper('substring')));
      c.get(result);
    },
  },
} satisfies Record<string, StringHelperSpec>;

export type ArrayHelperName = keyof typeof ARRAY_HELPERS;
