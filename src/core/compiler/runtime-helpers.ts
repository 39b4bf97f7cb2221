/**
 * WebAssembly bodies of the runtime helpers that JavaScript's numeric semantics need and WebAssembly
 * lacks as single instructions. Each is added to a module only when the gene uses it.
 */
import { STATUS_OUT_OF_FUEL } from '../wasm-abi';
import { CodeBuffer, type FuncType, Op, ValType } from './wasm-encoder';

export interface HelperSpec {
  name: string;
  type: FuncType;
  locals: ValType[];
  localNames: string[];
  build(code: CodeBuffer, context: { statusGlobal: number }): void;
}

const TWO_POW_63 = 9223372036854775808;
const MANTISSA = 0xfffffffffffffn;
const IMPLICIT_BIT = 1n << 52n;
const TRUNC_SAT_F64_S_TO_I64 = 6;

/** while (!exit) body, with `exit` and `body` emitting code; depths inside body are relative to the inner loop. */
export function whileNot(code: CodeBuffer, exit: () => void, body: () => void): void {
  code.open(Op.block).open(Op.loop);
  exit();
  code.withIndex(Op.br_if, 1);
  body();
  code.withIndex(Op.br, 0).op(Op.end, Op.end);
}

/** ToInt32 for every double: exact below 2^63 through i64, and from the mantissa bits above (NaN and ±Infinity give 0). */
export const toInt32: HelperSpec = {
  name: 'chimera.toInt32',
  type: { params: [ValType.F64], results: [ValType.I32] },
  locals: [ValType.I64, ValType.I64, ValType.I32],
  localNames: ['x', 'bits', 'shift', 'low'],
  build(c) {
    c.get(0).op(Op.f64_abs).f64(TWO_POW_63).op(Op.f64_lt).open(Op.if, ValType.I32);
    c.get(0).op(Op.prefix_fc, TRUNC_SAT_F64_S_TO_I64).op(Op.i32_wrap_i64);
    c.op(Op.else);
    c.get(0).op(Op.i64_reinterpret_f64).tee(1).i64(52n).op(Op.i64_shr_u).i64(0x7ffn).op(Op.i64_and).i64(1075n).op(Op.i64_sub).tee(2);
    // Shifted by 32 or more, the low 32 bits are all zero (this also covers NaN and ±Infinity).
    c.i64(32n).op(Op.i64_ge_u).open(Op.if, ValType.I32).i32(0).op(Op.else);
    c.get(1).i64(MANTISSA).op(Op.i64_and).i64(IMPLICIT_BIT).op(Op.i64_or).get(2).op(Op.i64_shl).op(Op.i32_wrap_i64).set(3);
    c.i32(0).get(3).op(Op.i32_sub).get(3).get(1).i64(0n).op(Op.i64_lt_s).op(Op.select);
    c.op(Op.end, Op.end);
  },
};

/** JavaScript's `%`: the exact remainder with the sign of the dividend (musl's bitwise fmod). */
export const fmod: HelperSpec = {
  name: 'chimera.fmod',
  type: { params: [ValType.F64, ValType.F64], results: [ValType.F64] },
  locals: [ValType.I64, ValType.I64, ValType.I64, ValType.I64, ValType.I64, ValType.I64],
  localNames: ['x', 'y', 'ux', 'uy', 'ex', 'ey', 'sx', 'i'],
  build(c) {
    const [x, y, ux, uy, ex, ey, sx, i] = [0, 1, 2, 3, 4, 5, 6, 7];
    const zeroTimesX = () => c.f64(0).get(x).op(Op.f64_mul).op(Op.return);
    c.get(x).op(Op.i64_reinterpret_f64).set(ux);
    c.get(y).op(Op.i64_reinterpret_f64).set(uy);
    c.get(ux).i64(52n).op(Op.i64_shr_u).i64(0x7ffn).op(Op.i64_and).set(ex);
    c.get(uy).i64(52n).op(Op.i64_shr_u).i64(0x7ffn).op(Op.i64_and).set(ey);
    c.get(ux).i64(-(1n << 63n)).op(Op.i64_and).set(sx);
    // y is ±0 or NaN, or x is not finite: NaN.
    c.get(uy).i64(1n).op(Op.i64_shl).op(Op.i64_eqz).get(y).get(y).op(Op.f64_ne).op(Op.i32_or).get(ex).i64(0x7ffn).op(Op.i64_eq).op(Op.i32_or);
    c.open(Op.if).get(x).get(y).op(Op.f64_mul).get(x).get(y).op(Op.f64_mul).op(Op.f64_div).op(Op.return).op(Op.end);
    // |x| <= |y|: x itself, or a zero with x's sign when equal.
    c.get(ux).i64(1n).op(Op.i64_shl).get(uy).i64(1n).op(Op.i64_shl).op(Op.i64_le_u).open(Op.if);
    c.get(ux).i64(1n).op(Op.i64_shl).get(uy).i64(1n).op(Op.i64_shl).op(Op.i64_eq).open(Op.if);
    zeroTimesX();
    c.op(Op.end).get(x).op(Op.return).op(Op.end);
    const normalize = (u: number, e: number) => {
      c.get(e).op(Op.i64_eqz).open(Op.if);
      c.get(u).i64(12n).op(Op.i64_shl).set(i);
      whileNot(c, () => c.get(i).i64(0n).op(Op.i64_lt_s), () => {
        c.get(e).i64(1n).op(Op.i64_sub).set(e);
        c.get(i).i64(1n).op(Op.i64_shl).set(i);
      });
      c.get(u).i64(1n).get(e).op(Op.i64_sub).op(Op.i64_shl).set(u);
      c.op(Op.else);
      c.get(u).i64(MANTISSA).op(Op.i64_and).i64(IMPLICIT_BIT).op(Op.i64_or).set(u);
      c.op(Op.end);
    };
    normalize(ux, ex);
    normalize(uy, ey);
    const subtractStep = () => {
      c.get(ux).get(uy).op(Op.i64_sub).tee(i).i64(0n).op(Op.i64_ge_s).open(Op.if);
      c.get(i).op(Op.i64_eqz).open(Op.if);
      zeroTimesX();
      c.op(Op.end).get(i).set(ux).op(Op.end);
    };
    whileNot(c, () => c.get(ex).get(ey).op(Op.i64_gt_s).op(Op.i32_eqz), () => {
      subtractStep();
      c.get(ux).i64(1n).op(Op.i64_shl).set(ux);
      c.get(ex).i64(1n).op(Op.i64_sub).set(ex);
    });
    subtractStep();
    whileNot(c, () => c.get(ux).i64(52n).op(Op.i64_shr_u).op(Op.i64_eqz).op(Op.i32_eqz), () => {
      c.get(ux).i64(1n).op(Op.i64_shl).set(ux);
      c.get(ex).i64(1n).op(Op.i64_sub).set(ex);
    });
    c.get(ex).i64(0n).op(Op.i64_gt_s).open(Op.if);
    c.get(ux).i64(IMPLICIT_BIT).op(Op.i64_sub).get(ex).i64(52n).op(Op.i64_shl).op(Op.i64_or).set(ux);
    c.op(Op.else);
    c.get(ux).i64(1n).get(ex).op(Op.i64_sub).op(Op.i64_shr_u).set(ux);
    c.op(Op.end);
    c.get(ux).get(sx).op(Op.i64_or).op(Op.f64_reinterpret_i64);
  },
};

/** Math.round: ceil, minus one when the ceiling is more than half above; keeps -0 for [-0.5, -0] and is exact near 0.5. */
export const round: HelperSpec = {
  name: 'chimera.round',
  type: { params: [ValType.F64], results: [ValType.F64] },
  locals: [ValType.F64],
  localNames: ['x', 'ceiling'],
  build(c) {
    c.get(0).op(Op.f64_ceil).tee(1).f64(1).op(Op.f64_sub).get(1);
    c.get(1).f64(0.5).op(Op.f64_sub).get(0).op(Op.f64_gt).op(Op.select);
  },
};

/** Math.sign: ±1, or the argument itself for ±0 and NaN. */
export const sign: HelperSpec = {
  name: 'chimera.sign',
  type: { params: [ValType.F64], results: [ValType.F64] },
  locals: [],
  localNames: ['x'],
  build(c) {
    c.f64(1).f64(-1).get(0).get(0).f64(0).op(Op.f64_lt).op(Op.select);
    c.get(0).f64(0).op(Op.f64_gt).op(Op.select);
  },
};

/** A helper that stops the run with `status`, so the host tells that verdict from the guest's own traps. */
export function stopWith(status: number): Omit<HelperSpec, 'name'> {
  return {
    type: { params: [], results: [] },
    locals: [],
    localNames: [],
    build(c, { statusGlobal }) {
      c.i32(status).withIndex(Op.global_set, statusGlobal).op(Op.unreachable);
    },
  };
}

/** Called when fuel runs out. */
export const outOfFuel: HelperSpec = { name: 'chimera.outOfFuel', ...stopWith(STATUS_OUT_OF_FUEL) };
