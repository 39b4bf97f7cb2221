/**
 * A minimal WebAssembly binary encoder: just what gene modules need (types, imports, functions,
 * globals, exports, code, name section). Output is a pure function of the input, so bytes are deterministic.
 */

export const enum ValType {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
}

/** Block type "no result". */
export const BLOCK_VOID = 0x40;

/** The opcodes the compiler emits, named as in the specification's text format. */
export const enum Op {
  unreachable = 0x00,
  block = 0x02,
  loop = 0x03,
  if = 0x04,
  else = 0x05,
  end = 0x0b,
  br = 0x0c,
  br_if = 0x0d,
  br_table = 0x0e,
  return = 0x0f,
  call = 0x10,
  drop = 0x1a,
  select = 0x1b,
  local_get = 0x20,
  local_set = 0x21,
  local_tee = 0x22,
  global_get = 0x23,
  global_set = 0x24,
  i32_load = 0x28,
  f64_load = 0x2b,
  i32_load16_u = 0x2f,
  i32_store = 0x36,
  f64_store = 0x39,
  i32_store16 = 0x3b,
  /** memory.size and memory.grow take a 0x00 memory index after the opcode. */
  memory_size = 0x3f,
  memory_grow = 0x40,
  i32_const = 0x41,
  i64_const = 0x42,
  f64_const = 0x44,
  i32_eqz = 0x45,
  i32_eq = 0x46,
  i32_ne = 0x47,
  i32_lt_s = 0x48,
  i32_lt_u = 0x49,
  i32_gt_s = 0x4a,
  i32_gt_u = 0x4b,
  i32_le_s = 0x4c,
  i32_le_u = 0x4d,
  i32_ge_s = 0x4e,
  i32_ge_u = 0x4f,
  i64_eqz = 0x50,
  i64_eq = 0x51,
  i64_ne = 0x52,
  i64_lt_s = 0x53,
  i64_lt_u = 0x54,
  i64_gt_s = 0x55,
  i64_gt_u = 0x56,
  i64_le_u = 0x58,
  i64_ge_s = 0x59,
  i64_ge_u = 0x5a,
  f64_eq = 0x61,
  f64_ne = 0x62,
  f64_lt = 0x63,
  f64_gt = 0x64,
  f64_le = 0x65,
  f64_ge = 0x66,
  i32_clz = 0x67,
  i32_add = 0x6a,
  i32_sub = 0x6b,
  i32_mul = 0x6c,
  i32_div_u = 0x6e,
  i32_rem_u = 0x70,
  i32_and = 0x71,
  i32_or = 0x72,
  i32_xor = 0x73,
  i32_shl = 0x74,
  i32_shr_s = 0x75,
  i32_shr_u = 0x76,
  i64_clz = 0x79,
  i64_add = 0x7c,
  i64_sub = 0x7d,
  i64_and = 0x83,
  i64_or = 0x84,
  i64_shl = 0x86,
  i64_shr_u = 0x88,
  f64_abs = 0x99,
  f64_neg = 0x9a,
  f64_ceil = 0x9b,
  f64_floor = 0x9c,
  f64_trunc = 0x9d,
  f64_sqrt = 0x9f,
  f64_add = 0xa0,
  f64_sub = 0xa1,
  f64_mul = 0xa2,
  f64_div = 0xa3,
  f64_min = 0xa4,
  f64_max = 0xa5,
  i32_wrap_i64 = 0xa7,
  i32_trunc_f64_s = 0xaa,
  i32_trunc_f64_u = 0xab,
  i64_extend_i32_u = 0xad,
  f32_demote_f64 = 0xb6,
  f64_convert_i32_s = 0xb7,
  f64_convert_i32_u = 0xb8,
  f64_promote_f32 = 0xbb,
  i64_reinterpret_f64 = 0xbd,
  f64_reinterpret_i64 = 0xbf,
  /** Prefix of the saturating truncations; i64.trunc_sat_f64_s is 0xfc 6. */
  prefix_fc = 0xfc,
}

export function writeU32(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

export function writeI32(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

export function writeI64(out: number[], value: bigint): void {
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

const f64Scratch = new DataView(new ArrayBuffer(8));

export function writeF64(out: number[], value: number): void {
  f64Scratch.setFloat64(0, value, true);
  for (let i = 0; i < 8; i++) out.push(f64Scratch.getUint8(i));
}

const utf8 = new TextEncoder();

export function writeName(out: number[], name: string): void {
  const bytes = utf8.encode(name);
  writeU32(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}

function writeVector<T>(out: number[], items: readonly T[], write: (out: number[], item: T) => void): void {
  writeU32(out, items.length);
  for (const item of items) write(out, item);
}

function writeSection(out: number[], id: number, body: number[]): void {
  out.push(id);
  writeU32(out, body.length);
  for (const byte of body) out.push(byte);
}

/** A call target that is only known once the module is laid out (imports and helpers are discovered while compiling). */
export interface FunctionRef {
  index: number;
}

/**
 * A function body under construction. Calls refer to FunctionRefs whose indices are filled in at
 * layout time, so the body is kept as bytes plus the positions where a call index goes.
 */
export class CodeBuffer {
  readonly bytes: number[] = [];
  private readonly calls: { at: number; target: FunctionRef }[] = [];

  op(...ops: number[]): this {
    for (const op of ops) this.bytes.push(op);
    return this;
  }

  i32(value: number): this {
    this.bytes.push(Op.i32_const);
    writeI32(this.bytes, value);
    return this;
  }

  i64(value: bigint): this {
    this.bytes.push(Op.i64_const);
    writeI64(this.bytes, value);
    return this;
  }

  f64(value: number): this {
    this.bytes.push(Op.f64_const);
    writeF64(this.bytes, value);
    return this;
  }

  /** An instruction with one unsigned immediate: local/global access, br, br_if. */
  withIndex(op: Op, index: number): this {
    this.bytes.push(op);
    writeU32(this.bytes, index);
    return this;
  }

  get(local: number): this {
    return this.withIndex(Op.local_get, local);
  }

  set(local: number): this {
    return this.withIndex(Op.local_set, local);
  }

  tee(local: number): this {
    return this.withIndex(Op.local_tee, local);
  }

  /** br_table: jumps to labels[i] for the i32 on the stack, to `fallback` when it is out of range. */
  brTable(labels: readonly number[], fallback: number): this {
    this.bytes.push(Op.br_table);
    writeU32(this.bytes, labels.length);
    for (const label of labels) writeU32(this.bytes, label);
    writeU32(this.bytes, fallback);
    return this;
  }

  /** A memory access with its alignment (log2) and constant offset. */
  memory(op: Op, align: number, offset = 0): this {
    this.bytes.push(op);
    writeU32(this.bytes, align);
    writeU32(this.bytes, offset);
    return this;
  }

  /** block, loop or if, with a result type or BLOCK_VOID. */
  open(op: Op.block | Op.loop | Op.if, type: number = BLOCK_VOID): this {
    this.bytes.push(op, type);
    return this;
  }

  call(target: FunctionRef): this {
    this.bytes.push(Op.call);
    this.calls.push({ at: this.bytes.length, target });
    return this;
  }

  /** Moves another buffer's code (compiled separately to learn its type first) to the end of this one. */
  append(other: CodeBuffer): this {
    const offset = this.bytes.length;
    for (const byte of other.bytes) this.bytes.push(byte);
    for (const call of other.calls) this.calls.push({ at: call.at + offset, target: call.target });
    return this;
  }

  /** The body's bytes with every call index resolved. */
  resolve(): number[] {
    if (this.calls.length === 0) return this.bytes;
    const out: number[] = [];
    let from = 0;
    for (const { at, target } of this.calls) {
      for (let i = from; i < at; i++) out.push(this.bytes[i]!);
      writeU32(out, target.index);
      from = at;
    }
    for (let i = from; i < this.bytes.length; i++) out.push(this.bytes[i]!);
    return out;
  }
}

export interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

export interface ImportedFunction {
  module: string;
  name: string;
  type: FuncType;
}

export interface DefinedFunction {
  name: string;
  type: FuncType;
  /** Types of the locals after the parameters. */
  locals: readonly ValType[];
  /** Names of parameters and locals, by local index, for the name section. */
  localNames: readonly string[];
  code: CodeBuffer;
}

export interface GlobalSpec {
  name: string;
  type: ValType.I32 | ValType.I64;
  mutable: boolean;
  init: number;
}

export interface ModuleSpec {
  imports: readonly ImportedFunction[];
  functions: readonly DefinedFunction[];
  globals: readonly GlobalSpec[];
  /** Export name → index among all functions (imports first). */
  functionExports: readonly { name: string; index: number }[];
  globalExports: readonly { name: string; index: number }[];
  /** One linear memory, exported under `exportName`; only modules that use strings have it. */
  memory?: { minPages: number; maxPages: number; exportName: string };
  /** Active data segments of memory 0 (string literals), each at a constant offset. */
  data?: readonly { offset: number; bytes: readonly number[] }[];
}

const typeKey = (type: FuncType) => `${type.params.join(',')}>${type.results.join(',')}`;

/** Encodes a module; the caller has already resolved every FunctionRef (imports first, then functions in order). */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const types: FuncType[] = [];
  const typeIndex = new Map<string, number>();
  const typeOf = (type: FuncType) => {
    const key = typeKey(type);
    let index = typeIndex.get(key);
    if (index === undefined) {
      index = types.length;
      types.push(type);
      typeIndex.set(key, index);
    }
    return index;
  };
  const importTypes = spec.imports.map((fn) => typeOf(fn.type));
  const functionTypes = spec.functions.map((fn) => typeOf(fn.type));

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section: number[] = [];

  writeVector(section, types, (s, type) => {
    s.push(0x60);
    writeVector(s, type.params, (t, p) => t.push(p));
    writeVector(s, type.results, (t, r) => t.push(r));
  });
  writeSection(out, 1, section.splice(0));

  if (spec.imports.length > 0) {
    writeVector(section, spec.imports, (s, fn) => {
      writeName(s, fn.module);
      writeName(s, fn.name);
      s.push(0x00);
      writeU32(s, importTypes[spec.imports.indexOf(fn)]!);
    });
    writeSection(out, 2, section.splice(0));
  }

  writeVector(section, functionTypes, (s, index) => writeU32(s, index));
  writeSection(out, 3, section.splice(0));

  if (spec.memory) {
    section.push(1, 0x01);
    writeU32(section, spec.memory.minPages);
    writeU32(section, spec.memory.maxPages);
    writeSection(out, 5, section.splice(0));
  }

  if (spec.globals.length > 0) {
    writeVector(section, spec.globals, (s, global) => {
      s.push(global.type, global.mutable ? 1 : 0);
      if (global.type === ValType.I32) {
        s.push(Op.i32_const);
        writeI32(s, global.init);
      } else {
        s.push(Op.i64_const);
        writeI64(s, BigInt(global.init));
      }
      s.push(Op.end);
    });
    writeSection(out, 6, section.splice(0));
  }

  const exports = [
    ...spec.functionExports.map((e) => ({ ...e, kind: 0 })),
    ...(spec.memory ? [{ name: spec.memory.exportName, index: 0, kind: 2 }] : []),
    ...spec.globalExports.map((e) => ({ ...e, kind: 3 })),
  ];
  writeVector(section, exports, (s, e) => {
    writeName(s, e.name);
    s.push(e.kind);
    writeU32(s, e.index);
  });
  writeSection(out, 7, section.splice(0));

  writeVector(section, spec.functions, (s, fn) => {
    const body: number[] = [];
    // Locals are run-length encoded by type.
    const runs: [number, ValType][] = [];
    for (const type of fn.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    writeVector(body, runs, (b, [count, type]) => {
      writeU32(b, count);
      b.push(type);
    });
    for (const byte of fn.code.resolve()) body.push(byte);
    body.push(Op.end);
    writeU32(s, body.length);
    for (const byte of body) s.push(byte);
  });
  writeSection(out, 10, section.splice(0));

  if (spec.data && spec.data.length > 0) {
    writeVector(section, spec.data, (s, segment) => {
      s.push(0x00, Op.i32_const);
      writeI32(s, segment.offset);
      s.push(Op.end);
      writeU32(s, segment.bytes.length);
      for (const byte of segment.bytes) s.push(byte);
    });
    writeSection(out, 11, section.splice(0));
  }

  writeNameSection(out, spec);
  return Uint8Array.from(out);
}

function writeNameSection(out: number[], spec: ModuleSpec): void {
  const body: number[] = [];
  writeName(body, 'name');
  // Each subsection: its id, its byte length, its content.
  const subsection = (id: number, write: (s: number[]) => void) => {
    const sub: number[] = [];
    write(sub);
    body.push(id);
    writeU32(body, sub.length);
    for (const byte of sub) body.push(byte);
  };
  const allFunctions = [...spec.imports.map((fn) => `${fn.module}.${fn.name}`), ...spec.functions.map((fn) => fn.name)];
  subsection(1, (sub) =>
    writeVector(sub, allFunctions.map((name, index) => ({ name, index })), (s, { name, index }) => {
      writeU32(s, index);
      writeName(s, name);
    }),
  );
  const defined = spec.functions.map((fn, i) => ({ fn, index: spec.imports.length + i }));
  subsection(2, (sub) =>
    writeVector(sub, defined, (s, { fn, index }) => {
      writeU32(s, index);
      writeVector(s, fn.localNames.map((name, local) => ({ name, local })), (t, { name, local }) => {
        writeU32(t, local);
        writeName(t, name);
      });
    }),
  );
  subsection(7, (sub) =>
    writeVector(sub, spec.globals.map((g, index) => ({ name: g.name, index })), (s, { name, index }) => {
      writeU32(s, index);
      writeName(s, name);
    }),
  );
  writeSection(out, 0, body);
}
