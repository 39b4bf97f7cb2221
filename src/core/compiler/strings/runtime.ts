/**
 * The string runtime: WebAssembly helpers over strings in linear memory (see src/core/wasm-string-abi.ts for the
 * layout). A module gets only the helpers its genes use, and the helpers those call. Every helper that walks a
 * string charges fuel for the units it walks, so a loop over strings runs out of fuel like any other loop.
 */
import { MAX_STRING_UNITS, STRING_HEADER_BYTES } from '../../wasm-string-abi';
import { STATUS_MEMORY_LIMIT, STATUS_TYPE_ERROR } from '../../wasm-abi';
import { type CodeBuffer, type FuncType, type FunctionRef, Op, ValType } from '../wasm-encoder';
import type { ArrayHelperName } from '../arrays/runtime';
import { stopWith, whileNot } from '../runtime-helpers';

export interface RuntimeContext {
  statusGlobal: number;
  fuelGlobal: number;
  heapGlobal: number;
  helper(name: MemoryHelperName): FunctionRef;
  outOfFuel(): FunctionRef;
  /** The address of a string literal in the module's data. */
  literal(text: string): number;
  /** The address of the module's table of one-unit strings (see ONE_UNIT_STRINGS), laid out on first use. */
  unitTable(): number;
}

/** Code units below this have a ready-made one-unit string in the module's data (ASCII: 1 KiB). */
export const ONE_UNIT_STRINGS = 128;
const UNIT_TABLE_STRIDE_SHIFT = 3;

export interface StringHelperSpec {
  type: FuncType;
  locals: ValType[];
  localNames: string[];
  build(code: CodeBuffer, context: RuntimeContext): void;
}

const I = ValType.I32;
const F = ValType.F64;
const H = STRING_HEADER_BYTES;

/** Loads the code unit at byte address (pointer + 2·index), with the index already added. */
const loadUnit = (c: CodeBuffer) => c.memory(Op.i32_load16_u, 1, H);
const loadLength = (c: CodeBuffer) => c.memory(Op.i32_load, 2, 0);
const memoryOp = (c: CodeBuffer, op: Op.memory_size | Op.memory_grow) => c.op(op, 0x00);

/** ToIntegerOrInfinity(x) as a double: NaN is 0, others are truncated (the value stays on the stack). */
export function toIntegerOrInfinity(c: CodeBuffer, x: number): void {
  c.get(x).op(Op.f64_trunc).f64(0).get(x).get(x).op(Op.f64_eq).op(Op.select);
}

/** The index ToIntegerOrInfinity(x) clamped to [0, length], as i32 (x is clobbered). */
function clampIndex(c: CodeBuffer, x: number, length: number): void {
  toIntegerOrInfinity(c, x);
  c.set(x).get(x).get(length).op(Op.f64_convert_i32_u, Op.f64_min).f64(0).op(Op.f64_max, Op.i32_trunc_f64_u);
}

/** slice's index: negative counts from the end; clamped to [0, length], as i32 (x is clobbered). */
function relativeIndex(c: CodeBuffer, x: number, length: number): void {
  toIntegerOrInfinity(c, x);
  c.set(x);
  c.get(length).op(Op.f64_convert_i32_u).get(x).op(Op.f64_add).f64(0).op(Op.f64_max);
  c.get(x).get(length).op(Op.f64_convert_i32_u, Op.f64_min);
  c.get(x).f64(0).op(Op.f64_lt, Op.select, Op.i32_trunc_f64_u);
}

/** A search string: undefined is searched as the text "undefined", as ToString does. */
function searchText(c: CodeBuffer, t: number, literal: (text: string) => number): void {
  c.get(t).op(Op.i32_eqz).open(Op.if).i32(literal('undefined')).set(t).op(Op.end);
}

export const STRING_HELPERS = {
  memoryLimit: stopWith(STATUS_MEMORY_LIMIT),
  typeError: stopWith(STATUS_TYPE_ERROR),
  /** Charges `units` fuel: the work of walking that many code units. */
  charge: {
    type: { params: [I], results: [] },
    locals: [],
    localNames: ['units'],
    build(c, { fuelGlobal, outOfFuel }) {
      c.withIndex(Op.global_get, fuelGlobal).get(0).op(Op.i64_extend_i32_u, Op.i64_sub).withIndex(Op.global_set, fuelGlobal);
      c.withIndex(Op.global_get, fuelGlobal).i64(0n).op(Op.i64_lt_s).open(Op.if).call(outOfFuel()).op(Op.end);
    },
  },
  /** A string of `units` code units (content unset), bumped from the arena; growing past the maximum is memory-limit. */
  alloc: {
    type: { params: [I], results: [I] },
    locals: [I, I],
    localNames: ['units', 'ptr', 'end'],
    build(c, { heapGlobal, helper }) {
      const [units, ptr, end] = [0, 1, 2];
      c.get(units).i32(MAX_STRING_UNITS).op(Op.i32_gt_u).open(Op.if).call(helper('memoryLimit')).op(Op.end);
      c.withIndex(Op.global_get, heapGlobal).tee(ptr).get(units).i32(1).op(Op.i32_shl, Op.i32_add).i32(H + 3).op(Op.i32_add).i32(-4).op(Op.i32_and).set(end);
      c.get(end);
      memoryOp(c, Op.memory_size).i32(16).op(Op.i32_shl, Op.i32_gt_u).open(Op.if);
      c.get(end);
      memoryOp(c, Op.memory_size).i32(16).op(Op.i32_shl, Op.i32_sub).i32(0xffff).op(Op.i32_add).i32(16).op(Op.i32_shr_u);
      memoryOp(c, Op.memory_grow).i32(-1).op(Op.i32_eq).open(Op.if).call(helper('memoryLimit')).op(Op.end);
      c.op(Op.end);
      c.get(ptr).get(units).memory(Op.i32_store, 2, 0);
      c.get(end).withIndex(Op.global_set, heapGlobal);
      c.get(ptr);
    },
  },
  /** `s.length`: a TypeError on undefined. */
  length: {
    type: { params: [I], results: [I] },
    locals: [],
    localNames: ['s'],
    build(c, { helper }) {
      c.get(0).op(Op.i32_eqz).open(Op.if).call(helper('typeError')).op(Op.end);
      c.get(0);
      loadLength(c);
    },
  },
  /** ToBoolean: false for undefined and for the empty string. */
  truthy: {
    type: { params: [I], results: [I] },
    locals: [],
    localNames: ['s'],
    build(c) {
      c.get(0).open(Op.if, I).get(0);
      loadLength(c);
      c.i32(0).op(Op.i32_ne).op(Op.else).i32(0).op(Op.end);
    },
  },
  /** Copies `count` code units from byte address `from` to byte address `to` (addresses of the units, header included). */
  copy: {
    type: { params: [I, I, I], results: [] },
    locals: [],
    localNames: ['to', 'from', 'count'],
    build(c) {
      const [to, from, count] = [0, 1, 2];
      whileNot(c, () => c.get(count).op(Op.i32_eqz), () => {
        c.get(to).get(from);
        loadUnit(c);
        c.memory(Op.i32_store16, 1, H);
        c.get(to).i32(2).op(Op.i32_add).set(to);
        c.get(from).i32(2).op(Op.i32_add).set(from);
        c.get(count).i32(1).op(Op.i32_sub).set(count);
      });
    },
  },
  /** The code units [start, end) of s as a new string (s itself when that is all of it). */
  substring: {
    type: { params: [I, I, I], results: [I] },
    locals: [I],
    localNames: ['s', 'start', 'end', 'result'],
    build(c, { helper }) {
      const [s, start, end, result] = [0, 1, 2, 3];
      c.get(start).op(Op.i32_eqz).get(end).get(s);
      loadLength(c);
      c.op(Op.i32_eq, Op.i32_and).open(Op.if).get(s).op(Op.return).op(Op.end);
      c.get(end).get(start).op(Op.i32_sub).call(helper('charge'));
      c.get(end).get(start).op(Op.i32_sub).i32(1).op(Op.i32_eq).open(Op.if);
      c.get(s).get(start).i32(1).op(Op.i32_shl, Op.i32_add);
      loadUnit(c);
      c.call(helper('unitString')).op(Op.return).op(Op.end);
      c.get(end).get(start).op(Op.i32_sub).call(helper('alloc')).tee(result);
      c.get(s).get(start).i32(1).op(Op.i32_shl, Op.i32_add).get(end).get(start).op(Op.i32_sub).call(helper('copy'));
      c.get(result);
    },
  },
  /** a + b, with undefined spelled "undefined". */
  concat: {
    type: { params: [I, I], results: [I] },
    locals: [I, I, I],
    localNames: ['a', 'b', 'la', 'lb', 'result'],
    build(c, { helper, literal }) {
      const [a, b, la, lb, result] = [0, 1, 2, 3, 4];
      for (const x of [a, b]) c.get(x).op(Op.i32_eqz).open(Op.if).i32(literal('undefined')).set(x).op(Op.end);
      c.get(a);
      loadLength(c);
      c.tee(la).op(Op.i32_eqz).open(Op.if).get(b).op(Op.return).op(Op.end);
      c.get(b);
      loadLength(c);
      c.tee(lb).op(Op.i32_eqz).open(Op.if).get(a).op(Op.return).op(Op.end);
      c.get(la).get(lb).op(Op.i32_add).call(helper('charge'));
      c.get(la).get(lb).op(Op.i32_add).call(helper('alloc')).set(result);
      c.get(result).get(a).get(la).call(helper('copy'));
      c.get(result).get(la).i32(1).op(Op.i32_shl, Op.i32_add).get(b).get(lb).call(helper('copy'));
      c.get(result);
    },
  },
  /** a === b: the same code units (undefined equals only undefined). */
  equals: {
    type: { params: [I, I], results: [I] },
    locals: [I],
    localNames: ['a', 'b', 'count'],
    build(c, { helper }) {
      const [a, b, count] = [0, 1, 2];
      c.get(a).get(b).op(Op.i32_eq).open(Op.if).i32(1).op(Op.return).op(Op.end);
      c.get(a).op(Op.i32_eqz).get(b).op(Op.i32_eqz).op(Op.i32_or).open(Op.if).i32(0).op(Op.return).op(Op.end);
      c.get(a);
      loadLength(c);
      c.tee(count).get(b);
      loadLength(c);
      c.op(Op.i32_ne).open(Op.if).i32(0).op(Op.return).op(Op.end);
      c.get(count).call(helper('charge'));
      whileNot(c, () => c.get(count).op(Op.i32_eqz), () => {
        c.get(a);
        loadUnit(c);
        c.get(b);
        loadUnit(c);
        c.op(Op.i32_ne).open(Op.if).i32(0).op(Op.return).op(Op.end);
        c.get(a).i32(2).op(Op.i32_add).set(a);
        c.get(b).i32(2).op(Op.i32_add).set(b);
        c.get(count).i32(1).op(Op.i32_sub).set(count);
      });
      c.i32(1);
    },
  },
  /** Code-unit order: -1, 0 or 1; 2 when either side is undefined (every comparison with it is false). */
  compare: {
    type: { params: [I, I], results: [I] },
    locals: [I, I, I, I, I],
    localNames: ['a', 'b', 'la', 'lb', 'count', 'ua', 'ub'],
    build(c, { helper }) {
      const [a, b, la, lb, count, ua, ub] = [0, 1, 2, 3, 4, 5, 6];
      c.get(a).op(Op.i32_eqz).get(b).op(Op.i32_eqz).op(Op.i32_or).open(Op.if).i32(2).op(Op.return).op(Op.end);
      c.get(a);
      loadLength(c);
      c.set(la).get(b);
      loadLength(c);
      c.set(lb);
      c.get(la).get(lb).get(la).get(lb).op(Op.i32_lt_u, Op.select).tee(count).call(helper('charge'));
      whileNot(c, () => c.get(count).op(Op.i32_eqz), () => {
        c.get(a);
        loadUnit(c);
        c.tee(ua).get(b);
        loadUnit(c);
        c.tee(ub).op(Op.i32_ne).open(Op.if).i32(-1).i32(1).get(ua).get(ub).op(Op.i32_lt_u, Op.select).op(Op.return).op(Op.end);
        c.get(a).i32(2).op(Op.i32_add).set(a);
        c.get(b).i32(2).op(Op.i32_add).set(b);
        c.get(count).i32(1).op(Op.i32_sub).set(count);
      });
      c.get(la).get(lb).op(Op.i32_gt_u).get(la).get(lb).op(Op.i32_lt_u).op(Op.i32_sub);
    },
  },
  /** s.charCodeAt(pos): NaN outside the string. */
  charCodeAt: {
    type: { params: [I, F], results: [F] },
    locals: [I],
    localNames: ['s', 'pos', 'length'],
    build(c, { helper }) {
      const [s, pos, length] = [0, 1, 2];
      c.get(s).call(helper('length')).set(length);
      toIntegerOrInfinity(c, pos);
      c.set(pos);
      c.get(pos).f64(0).op(Op.f64_ge).get(pos).get(length).op(Op.f64_convert_i32_u, Op.f64_lt).op(Op.i32_and).open(Op.if, F);
      c.get(s).get(pos).op(Op.i32_trunc_f64_u).i32(1).op(Op.i32_shl, Op.i32_add);
      loadUnit(c);
      c.op(Op.f64_convert_i32_u).op(Op.else).f64(NaN).op(Op.end);
    },
  },
  /** The string of one code unit: from the module's table below ONE_UNIT_STRINGS (no allocation), else allocated. */
  unitString: {
    type: { params: [I], results: [I] },
    locals: [I],
    localNames: ['unit', 'result'],
    build(c, { helper, unitTable }) {
      const [unit, result] = [0, 1];
      c.get(unit).i32(ONE_UNIT_STRINGS).op(Op.i32_lt_u).open(Op.if);
      c.get(unit).i32(UNIT_TABLE_STRIDE_SHIFT).op(Op.i32_shl).i32(unitTable()).op(Op.i32_add).op(Op.return).op(Op.end);
      c.i32(1).call(helper('alloc')).tee(result).get(unit).memory(Op.i32_store16, 1, H);
      c.get(result);
    },
  },
  /** s[index]: the one-unit string at an integral index inside the string, else undefined. */
  unitAt: {
    type: { params: [I, F], results: [I] },
    locals: [I],
    localNames: ['s', 'index', 'length'],
    build(c, { helper }) {
      const [s, index, length] = [0, 1, 2];
      c.get(s).call(helper('length')).set(length);
      c.get(index).f64(0).op(Op.f64_ge).get(index).get(length).op(Op.f64_convert_i32_u, Op.f64_lt).op(Op.i32_and);
      c.get(index).op(Op.f64_trunc).get(index).op(Op.f64_eq).op(Op.i32_and).open(Op.if, I);
      c.get(s).get(index).op(Op.i32_trunc_f64_u).i32(1).op(Op.i32_shl, Op.i32_add);
      loadUnit(c);
      c.call(helper('unitString'));
      c.op(Op.else).i32(0).op(Op.end);
    },
  },
  /** s.codePointAt(pos): a surrogate pair's code point, else the unit; off the string (undefined in JavaScript) the run stops as unrepresentable. */
  codePointAt: {
    type: { params: [I, F], results: [F] },
    locals: [I, I, I, I],
    localNames: ['s', 'pos', 'length', 'i', 'first', 'second'],
    build(c, { helper }) {
      const [s, pos, length, i, first, second] = [0, 1, 2, 3, 4, 5];
      c.get(s).call(helper('length')).set(length);
      toIntegerOrInfinity(c, pos);
      c.set(pos);
      c.get(pos).f64(0).op(Op.f64_ge).get(pos).get(length).op(Op.f64_convert_i32_u, Op.f64_lt).op(Op.i32_and).op(Op.i32_eqz);
      c.open(Op.if).call(helper('unrepresentable')).op(Op.end);
      c.get(pos).op(Op.i32_trunc_f64_u).tee(i).i32(1).op(Op.i32_shl).get(s).op(Op.i32_add);
      loadUnit(c);
      c.set(first);
      // A lead surrogate followed by a trail surrogate is one code point; a lone one is itself.
      c.get(first).i32(0xd800).op(Op.i32_sub).i32(0x3ff).op(Op.i32_le_u).get(i).i32(1).op(Op.i32_add).get(length).op(Op.i32_lt_u, Op.i32_and).open(Op.if);
      c.get(s).get(i).i32(1).op(Op.i32_add).i32(1).op(Op.i32_shl, Op.i32_add);
      loadUnit(c);
      c.tee(second).i32(0xdc00).op(Op.i32_sub).i32(0x3ff).op(Op.i32_le_u).open(Op.if);
      c.get(first).i32(0xd800).op(Op.i32_sub).i32(10).op(Op.i32_shl).get(second).i32(0xdc00).op(Op.i32_sub).op(Op.i32_add).i32(0x10000).op(Op.i32_add);
      c.op(Op.f64_convert_i32_u).op(Op.return).op(Op.end);
      c.op(Op.end);
      c.get(first).op(Op.f64_convert_i32_u);
    },
  },
  /** s.repeat(count): a negative or infinite count (a RangeError in JavaScript) stops the run as unrepresentable. */
  repeat: {
    type: { params: [I, F], results: [I] },
    locals: [I, I, I],
    localNames: ['s', 'count', 'length', 'result', 'at'],
    build(c, { helper, literal }) {
      const [s, count, length, result, at] = [0, 1, 2, 3, 4];
      c.get(s).call(helper('length')).set(length);
      toIntegerOrInfinity(c, count);
      c.tee(count).f64(0).op(Op.f64_lt).get(count).f64(Infinity).op(Op.f64_eq).op(Op.i32_or).open(Op.if).call(helper('unrepresentable')).op(Op.end);
      c.get(count).f64(0).op(Op.f64_eq).open(Op.if).i32(literal('')).op(Op.return).op(Op.end);
      c.get(length).op(Op.i32_eqz).open(Op.if).get(s).op(Op.return).op(Op.end);
      c.get(count).get(length).op(Op.f64_convert_i32_u, Op.f64_mul).f64(MAX_STRING_UNITS).op(Op.f64_gt).open(Op.if).call(helper('memoryLimit')).op(Op.end);
      c.get(count).get(length).op(Op.f64_convert_i32_u, Op.f64_mul, Op.i32_trunc_f64_u).tee(at).call(helper('charge'));
      c.get(at).call(helper('alloc')).set(result);
      c.get(result).set(at);
      whileNot(c, () => c.get(count).f64(0).op(Op.f64_eq), () => {
        c.get(at).get(s).get(length).call(helper('copy'));
        c.get(at).get(length).i32(1).op(Op.i32_shl, Op.i32_add).set(at);
        c.get(count).f64(1).op(Op.f64_sub).set(count);
      });
      c.get(result);
    },
  },
  /** s.padStart (atEnd 0) or s.padEnd (1) to ToLength(maxLength) units with the filler repeated; undefined fills with ' '. */
  pad: {
    type: { params: [I, F, I, I], results: [I] },
    locals: [I, I, I, I, I, I],
    localNames: ['s', 'maxLength', 'filler', 'atEnd', 'length', 'fillerLength', 'total', 'result', 'to', 'k'],
    build(c, { helper, literal }) {
      const [s, maxLength, filler, atEnd, length, fillerLength, total, result, to, k] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
      c.get(s).call(helper('length')).set(length);
      c.get(filler).op(Op.i32_eqz).open(Op.if).i32(literal(' ')).set(filler).op(Op.end);
      toIntegerOrInfinity(c, maxLength);
      c.tee(maxLength).get(length).op(Op.f64_convert_i32_u, Op.f64_le).open(Op.if).get(s).op(Op.return).op(Op.end);
      c.get(filler);
      loadLength(c);
      c.tee(fillerLength).op(Op.i32_eqz).open(Op.if).get(s).op(Op.return).op(Op.end);
      c.get(maxLength).f64(MAX_STRING_UNITS).op(Op.f64_gt).open(Op.if).call(helper('memoryLimit')).op(Op.end);
      c.get(maxLength).op(Op.i32_trunc_f64_u).tee(total).call(helper('charge'));
      c.get(total).call(helper('alloc')).set(result);
      // The string at the start (padEnd) or after the fill (padStart); the fill in the rest.
      c.get(result).get(total).get(length).op(Op.i32_sub).i32(1).op(Op.i32_shl).get(result).op(Op.i32_add).get(atEnd).op(Op.select).get(s).get(length).call(helper('copy'));
      c.get(length).i32(1).op(Op.i32_shl).get(result).op(Op.i32_add).get(result).get(atEnd).op(Op.select).set(to);
      c.get(total).get(length).op(Op.i32_sub).set(total);
      whileNot(c, () => c.get(k).get(total).op(Op.i32_ge_u), () => {
        c.get(to).get(k).i32(1).op(Op.i32_shl, Op.i32_add).get(filler);
        c.get(fillerLength).get(total).get(k).op(Op.i32_sub).get(fillerLength).get(total).get(k).op(Op.i32_sub).op(Op.i32_lt_u, Op.select);
        c.call(helper('copy'));
        c.get(k).get(fillerLength).op(Op.i32_add).set(k);
      });
      c.get(result);
    },
  },
  /** s.substr(start, length): start as slice's; the length clamped to [0, size]; a missing length is +Infinity. */
  substr: {
    type: { params: [I, F, F], results: [I] },
    locals: [I, I],
    localNames: ['s', 'start', 'count', 'length', 'from'],
    build(c, { helper }) {
      const [s, start, count, length, from] = [0, 1, 2, 3, 4];
      c.get(s).call(helper('length')).set(length);
      relativeIndex(c, start, length);
      c.set(from);
      c.get(s).get(from).get(from);
      clampIndex(c, count, length);
      c.op(Op.i32_add).tee(from).get(length).get(from).get(length).op(Op.i32_lt_u, Op.select);
      c.call(helper('substring'));
    },
  },
  /** s.slice(start, end); a missing end is passed as +Infinity. */
  slice: {
    type: { params: [I, F, F], results: [I] },
    locals: [I, I, I],
    localNames: ['s', 'start', 'end', 'length', 'from', 'to'],
    build(c, { helper }) {
      const [s, start, end, length, from, to] = [0, 1, 2, 3, 4, 5];
      c.get(s).call(helper('length')).set(length);
      relativeIndex(c, start, length);
      c.set(from);
      relativeIndex(c, end, length);
      c.set(to);
      c.get(s).get(from).get(from).get(to).get(to).get(from).op(Op.i32_lt_u, Op.select).call(helper('substring'));
    },
  },
  /** s.substring(start, end): both clamped to [0, length], then ordered; a missing end is +Infinity. */
  substringOf: {
    type: { params: [I, F, F], results: [I] },
    locals: [I, I, I],
    localNames: ['s', 'start', 'end', 'length', 'a', 'b'],
    build(c, { helper }) {
      const [s, start, end, length, a, b] = [0, 1, 2, 3, 4, 5];
      c.get(s).call(helper('length')).set(length);
      clampIndex(c, start, length);
      c.set(a);
      clampIndex(c, end, length);
      c.set(b);
      c.get(s).get(a).get(b).get(a).get(b).op(Op.i32_lt_u, Op.select).get(b).get(a).get(a).get(b).op(Op.i32_lt_u, Op.select).call(helper('substring'));
    },
  },
  /** Whether t occurs in s at unit `at` (the caller checked at + t.length <= s.length). */
  matchesAt: {
    type: { params: [I, I, I], results: [I] },
    locals: [I],
    localNames: ['s', 't', 'at', 'count'],
    build(c, { helper }) {
      const [s, t, at, count] = [0, 1, 2, 3];
      c.get(t);
      loadLength(c);
      c.tee(count).call(helper('charge'));
      c.get(s).get(at).i32(1).op(Op.i32_shl, Op.i32_add).set(s);
      whileNot(c, () => c.get(count).op(Op.i32_eqz), () => {
        c.get(s);
        loadUnit(c);
        c.get(t);
        loadUnit(c);
        c.op(Op.i32_ne).open(Op.if).i32(0).op(Op.return).op(Op.end);
        c.get(s).i32(2).op(Op.i32_add).set(s);
        c.get(t).i32(2).op(Op.i32_add).set(t);
        c.get(count).i32(1).op(Op.i32_sub).set(count);
      });
      c.i32(1);
    },
  },
  /** s.indexOf(t, position): the first match at or after the clamped position, else -1. */
  indexOf: {
    type: { params: [I, I, F], results: [F] },
    locals: [I, I, I],
    localNames: ['s', 't', 'position', 'length', 'searchLength', 'i'],
    build(c, { helper, literal }) {
      const [s, t, position, length, searchLength, i] = [0, 1, 2, 3, 4, 5];
      c.get(s).call(helper('length')).set(length);
      searchText(c, t, literal);
      c.get(t);
      loadLength(c);
      c.set(searchLength);
      clampIndex(c, position, length);
      c.set(i);
      c.open(Op.block).open(Op.loop);
      c.get(i).get(searchLength).op(Op.i32_add).get(length).op(Op.i32_gt_u).withIndex(Op.br_if, 1);
      c.get(s).get(t).get(i).call(helper('matchesAt')).open(Op.if).get(i).op(Op.f64_convert_i32_u).op(Op.return).op(Op.end);
      c.i32(1).call(helper('charge'));
      c.get(i).i32(1).op(Op.i32_add).set(i).withIndex(Op.br, 0);
      c.op(Op.end, Op.end);
      c.f64(-1);
    },
  },
  /** s.lastIndexOf(t, position): the last match starting at or before the position (NaN is +∞), else -1. */
  lastIndexOf: {
    type: { params: [I, I, F], results: [F] },
    locals: [I, I, I],
    localNames: ['s', 't', 'position', 'length', 'searchLength', 'i'],
    build(c, { helper, literal }) {
      const [s, t, position, length, searchLength, i] = [0, 1, 2, 3, 4, 5];
      c.get(s).call(helper('length')).set(length);
      searchText(c, t, literal);
      c.get(t);
      loadLength(c);
      c.set(searchLength);
      c.f64(Infinity).get(position).get(position).get(position).op(Op.f64_ne).op(Op.select).set(position);
      clampIndex(c, position, length);
      c.set(i);
      c.get(length).get(searchLength).op(Op.i32_sub).get(i).op(Op.i32_lt_s).open(Op.if).get(length).get(searchLength).op(Op.i32_sub).set(i).op(Op.end);
      c.open(Op.block).open(Op.loop);
      c.get(i).i32(0).op(Op.i32_lt_s).withIndex(Op.br_if, 1);
      c.get(s).get(t).get(i).call(helper('matchesAt')).open(Op.if).get(i).op(Op.f64_convert_i32_u).op(Op.return).op(Op.end);
      c.i32(1).call(helper('charge'));
      c.get(i).i32(1).op(Op.i32_sub).set(i).withIndex(Op.br, 0);
      c.op(Op.end, Op.end);
      c.f64(-1);
    },
  },
  /**
   * ToString of a number, exactly where it is simple: NaN, ±Infinity, ±0 ("0") and integers up to 2^53 in magnitude,
   * whose shortest round-trip digits are their own digits. Others (fractions, larger magnitudes) are unrepresentable.
   */
  numberToString: {
    type: { params: [F], results: [I] },
    locals: [I, I, I, I, F, F],
    localNames: ['x', 'negative', 'count', 'ptr', 'i', 'v', 'q'],
    build(c, { helper, literal }) {
      const [x, negative, count, ptr, i, v, q] = [0, 1, 2, 3, 4, 5, 6];
      c.get(x).get(x).op(Op.f64_ne).open(Op.if).i32(literal('NaN')).op(Op.return).op(Op.end);
      c.get(x).f64(Infinity).op(Op.f64_eq).open(Op.if).i32(literal('Infinity')).op(Op.return).op(Op.end);
      c.get(x).f64(-Infinity).op(Op.f64_eq).open(Op.if).i32(literal('-Infinity')).op(Op.return).op(Op.end);
      c.get(x).f64(0).op(Op.f64_eq).open(Op.if).i32(literal('0')).op(Op.return).op(Op.end);
      c.get(x).op(Op.f64_trunc).get(x).op(Op.f64_ne).get(x).op(Op.f64_abs).f64(2 ** 53).op(Op.f64_gt, Op.i32_or).open(Op.if).call(helper('unrepresentable')).op(Op.end);
      c.get(x).f64(0).op(Op.f64_lt).set(negative);
      c.get(x).op(Op.f64_abs).tee(v).set(q);
      // Digits: floor(q / 10) is exact below 2^53 (the quotient's rounding error is under the distance to the next integer).
      c.open(Op.block).open(Op.loop);
      c.get(count).i32(1).op(Op.i32_add).set(count);
      c.get(q).f64(10).op(Op.f64_div, Op.f64_floor).tee(q).f64(0).op(Op.f64_eq).withIndex(Op.br_if, 1).withIndex(Op.br, 0);
      c.op(Op.end, Op.end);
      c.get(count).get(negative).op(Op.i32_add).tee(i).call(helper('alloc')).set(ptr);
      c.get(negative).open(Op.if).get(ptr).i32(45).memory(Op.i32_store16, 1, H).op(Op.end);
      c.open(Op.block).open(Op.loop);
      c.get(i).i32(1).op(Op.i32_sub).set(i);
      c.get(v).f64(10).op(Op.f64_div, Op.f64_floor).set(q);
      c.get(ptr).get(i).i32(1).op(Op.i32_shl, Op.i32_add);
      c.get(v).get(q).f64(10).op(Op.f64_mul, Op.f64_sub, Op.i32_trunc_f64_u).i32(48).op(Op.i32_add);
      c.memory(Op.i32_store16, 1, H);
      c.get(q).tee(v).f64(0).op(Op.f64_eq).withIndex(Op.br_if, 1).withIndex(Op.br, 0);
      c.op(Op.end, Op.end);
      c.get(ptr);
    },
  },
  /** s.startsWith(t, position). */
  startsWith: {
    type: { params: [I, I, F], results: [I] },
    locals: [I, I],
    localNames: ['s', 't', 'position', 'length', 'i'],
    build(c, { helper, literal }) {
      const [s, t, position, length, i] = [0, 1, 2, 3, 4];
      c.get(s).call(helper('length')).set(length);
      searchText(c, t, literal);
      clampIndex(c, position, length);
      c.tee(i).get(t);
      loadLength(c);
      c.op(Op.i32_add).get(length).op(Op.i32_gt_u).open(Op.if).i32(0).op(Op.return).op(Op.end);
      c.get(s).get(t).get(i).call(helper('matchesAt'));
    },
  },
  /** s.endsWith(t, endPosition); a missing end is +Infinity. */
  endsWith: {
    type: { params: [I, I, F], results: [I] },
    locals: [I, I, I],
    localNames: ['s', 't', 'endPosition', 'length', 'end', 'searchLength'],
    build(c, { helper, literal }) {
      const [s, t, endPosition, length, end, searchLength] = [0, 1, 2, 3, 4, 5];
      c.get(s).call(helper('length')).set(length);
      searchText(c, t, literal);
      clampIndex(c, endPosition, length);
      c.set(end).get(t);
      loadLength(c);
      c.tee(searchLength).get(end).op(Op.i32_gt_u).open(Op.if).i32(0).op(Op.return).op(Op.end);
      c.get(s).get(t).get(end).get(searchLength).op(Op.i32_sub).call(helper('matchesAt'));
    },
  },
  /** Whether a code unit is JavaScript WhiteSpace or LineTerminator (what trim removes). */
  isSpace: {
    type: { params: [I], results: [I] },
    locals: [],
    localNames: ['unit'],
    build(c) {
      const u = 0;
      c.get(u).i32(9).op(Op.i32_sub).i32(4).op(Op.i32_le_u);
      c.get(u).i32(0x2000).op(Op.i32_sub).i32(10).op(Op.i32_le_u, Op.i32_or);
      for (const unit of [0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]) c.get(u).i32(unit).op(Op.i32_eq, Op.i32_or);
    },
  },
  /** trim (mode 3), trimStart (1), trimEnd (2). */
  trim: {
    type: { params: [I, I], results: [I] },
    locals: [I, I],
    localNames: ['s', 'mode', 'from', 'to'],
    build(c, { helper }) {
      const [s, mode, from, to] = [0, 1, 2, 3];
      c.get(s).call(helper('length')).tee(to).call(helper('charge'));
      c.get(mode).i32(1).op(Op.i32_and).open(Op.if);
      whileNot(
        c,
        () => {
          c.get(from).get(to).op(Op.i32_ge_u).open(Op.if, I).i32(1).op(Op.else).get(s).get(from).i32(1).op(Op.i32_shl, Op.i32_add);
          loadUnit(c);
          c.call(helper('isSpace')).op(Op.i32_eqz).op(Op.end);
        },
        () => c.get(from).i32(1).op(Op.i32_add).set(from),
      );
      c.op(Op.end);
      c.get(mode).i32(2).op(Op.i32_and).open(Op.if);
      whileNot(
        c,
        () => {
          c.get(to).get(from).op(Op.i32_le_u).open(Op.if, I).i32(1).op(Op.else).get(s).get(to).i32(1).op(Op.i32_sub).i32(1).op(Op.i32_shl, Op.i32_add);
          loadUnit(c);
          c.call(helper('isSpace')).op(Op.i32_eqz).op(Op.end);
        },
        () => c.get(to).i32(1).op(Op.i32_sub).set(to),
      );
      c.op(Op.end);
      c.get(s).get(from).get(to).call(helper('substring'));
    },
  },
} satisfies Record<string, StringHelperSpec>;

export type StringHelperName = keyof typeof STRING_HELPERS;
/** Every helper of the memory runtime: strings and arrays share the arena and call each other. */
export type MemoryHelperName = StringHelperName | ArrayHelperName;
