import { FUEL_GLOBAL, findHostImport, STATUS_GLOBAL } from '../wasm-abi';
import { type BoundedLimits, type BoundedSection, withBoundedLimits } from './bound-limits';
import { MODULE_CAPS, type SandboxLimits, WASM_PAGE_BYTES } from './limits';
import type { ImportViolationKind, SandboxResult } from './verdict';
import { MalformedModule, WasmReader } from './wasm-reader';

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FunctionSignature {
  params: ValueType[];
  results: ValueType[];
}

export interface ExportFacts {
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  /** For functions. */
  signature?: FunctionSignature;
  /** For globals. */
  global?: { type: ValueType; mutable: boolean };
}

export interface ModuleFacts {
  sizeBytes: number;
  imports: { module: string; name: string; signature: FunctionSignature }[];
  exports: ExportFacts[];
  /** Largest memory the module may ever have, in bytes (0 without memory). */
  declaredMemoryBytes: number;
  /** The module exports the fuel and status globals of src/core/wasm-abi.ts with the right types. */
  metered: boolean;
  /** Has a memory or a table: could run bulk-memory/table instructions, which a worker cannot stop quickly. */
  hasMemoryOrTable: boolean;
  /** Initial bytes of the memories the module does not export: a run's memory the host cannot read, at least this. */
  hiddenMemoryBytes: number;
}

/** `module` is what runs: the given bytes, or the same module with the sandbox's bounds as table and memory maxima. */
export type ModuleInspection = { ok: true; facts: ModuleFacts; module: Uint8Array } | { ok: false; /** invalid-module, memory-limit or forbidden-import */ result: SandboxResult };

const VALUE_TYPES: Record<number, ValueType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const EXPORT_KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;
/** Known sections in the order the binary format requires (custom sections, id 0, may appear anywhere). */
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

class LimitViolation extends Error {}
class ImportViolation extends Error {
  constructor(
    message: string,
    readonly kind: ImportViolationKind,
    readonly importName: string,
  ) {
    super(message);
  }
}

/**
 * Static checks before any instantiation: size cap, declared memories and tables, and the import whitelist
 * with exact signatures. Pure and bounded: it trusts no length in the bytes.
 * Only what must exceed a limit is refused (an initial size over it); a missing or larger maximum becomes the limit,
 * so a guest that never grows is unaffected and one that grows too far sees its grow fail.
 */
export function inspectModule(bytes: Uint8Array, limits: Pick<SandboxLimits, 'maxMemoryBytes'>, caps = MODULE_CAPS): ModuleInspection {
  if (bytes.length > caps.maxModuleBytes) {
    return { ok: false, result: { verdict: 'invalid-module', message: `module of ${bytes.length} bytes is over the size cap of ${caps.maxModuleBytes} bytes`, ms: 0 } };
  }
  try {
    const bounded: BoundedSection[] = [];
    const facts = readFacts(bytes, limits, caps, bounded);
    return { ok: true, facts, module: withBoundedLimits(bytes, bounded) };
  } catch (error) {
    if (error instanceof LimitViolation) return { ok: false, result: { verdict: 'memory-limit', message: error.message, ms: 0 } };
    if (error instanceof ImportViolation) return { ok: false, result: { verdict: 'forbidden-import', message: error.message, ms: 0, violation: { kind: error.kind, import: error.importName } } };
    if (error instanceof MalformedModule) return { ok: false, result: { verdict: 'invalid-module', message: `malformed module: ${error.message}`, ms: 0 } };
    throw error;
  }
}

function readFacts(bytes: Uint8Array, limits: Pick<SandboxLimits, 'maxMemoryBytes'>, caps: typeof MODULE_CAPS, bounded: BoundedSection[]): ModuleFacts {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || header.some((b, i) => bytes[i] !== b)) throw new MalformedModule('not a WebAssembly binary (bad magic or version)');
  const types: FunctionSignature[] = [];
  const functionTypes: number[] = [];
  const globals: { type: ValueType; mutable: boolean }[] = [];
  const facts: ModuleFacts = { sizeBytes: bytes.length, imports: [], exports: [], declaredMemoryBytes: 0, metered: false, hasMemoryOrTable: false, hiddenMemoryBytes: 0 };
  const memoryMinimumBytes: number[] = [];
  const rawExports: { name: string; kind: ExportFacts['kind']; index: number }[] = [];
  const maxPages = Math.floor(limits.maxMemoryBytes / WASM_PAGE_BYTES);

  // Entries of the table or memory section being read, kept only if one of them needs a bound.
  let entries: BoundedLimits[] = [];
  let needsBound = false;
  const memory = (r: WasmReader, where: string) => {
    const { flags, min, max } = readLimits(r, true);
    if (min > maxPages) throw new LimitViolation(`${where} starts at ${min} pages (${min * WASM_PAGE_BYTES} bytes), over the limit of ${limits.maxMemoryBytes} bytes`);
    const bound = Math.min(max ?? maxPages, maxPages);
    needsBound ||= bound !== max;
    entries.push({ flags: flags === 3 ? 3 : 1, min, max: bound });
    memoryMinimumBytes.push(min * WASM_PAGE_BYTES);
    facts.declaredMemoryBytes += bound * WASM_PAGE_BYTES;
    facts.hasMemoryOrTable = true;
  };
  const table = (r: WasmReader, where: string) => {
    const refType = r.byte();
    if (VALUE_TYPES[refType] !== 'funcref' && VALUE_TYPES[refType] !== 'externref') throw new MalformedModule(`${where} has no reference type`);
    const { min, max } = readLimits(r, false);
    if (min > caps.maxTableEntries) throw new LimitViolation(`${where} starts at ${min} entries, over the cap of ${caps.maxTableEntries}`);
    const bound = Math.min(max ?? caps.maxTableEntries, caps.maxTableEntries);
    needsBound ||= bound !== max;
    entries.push({ refType, flags: 1, min, max: bound });
    facts.hasMemoryOrTable = true;
  };
  const boundSection = (id: 4 | 5, start: number, end: number) => {
    if (needsBound) bounded.push({ id, start, end, entries });
    entries = [];
    needsBound = false;
  };

  const reader = new WasmReader(bytes, 8);
  let lastOrder = -1;
  while (!reader.atEnd) {
    const sectionStart = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const start = reader.offset;
    reader.skip(size);
    const r = new WasmReader(bytes, start, start + size);
    if (id !== 0) {
      const order = SECTION_ORDER.indexOf(id);
      if (order < 0) throw new MalformedModule(`unknown section id ${id}`);
      if (order <= lastOrder) throw new MalformedModule(`section ${id} is out of order or repeated`);
      lastOrder = order;
    }
    switch (id) {
      case 1:
        for (let n = r.count(caps.maxTypes, 'types'), i = 0; i < n; i++) {
          if (r.byte() !== 0x60) throw new MalformedModule(`type ${i} is not a function type`);
          const params = valueTypes(r);
          types.push({ params, results: valueTypes(r) });
        }
        break;
      case 2:
        for (let n = r.count(caps.maxImports, 'imports'), i = 0; i < n; i++) {
          const module = r.name();
          const name = r.name();
          const kind = r.byte();
          const label = `${module}.${name}`;
          if (kind === 0x00) {
            const typeIndex = r.u32();
            const signature = types[typeIndex];
            if (!signature) throw new MalformedModule(`import ${label} names a missing type`);
            checkImport(module, name, signature);
            facts.imports.push({ module, name, signature });
            functionTypes.push(typeIndex);
          } else {
            // Memories, tables, globals and tags are never supplied by the host.
            throw new ImportViolation(`import ${label} is not allowed: only functions from the Math whitelist may be imported`, 'forbidden-import', label);
          }
        }
        break;
      case 3:
        for (let n = r.count(1_000_000, 'functions'), i = 0; i < n; i++) {
          const typeIndex = r.u32();
          if (!types[typeIndex]) throw new MalformedModule(`function ${i} names a missing type`);
          functionTypes.push(typeIndex);
        }
        break;
      case 4:
        for (let n = r.count(100, 'tables'), i = 0; i < n; i++) table(r, `table ${i}`);
        boundSection(4, sectionStart, reader.offset);
        break;
      case 5:
        for (let n = r.count(100, 'memories'), i = 0; i < n; i++) memory(r, `memory ${i}`);
        boundSection(5, sectionStart, reader.offset);
        break;
      case 6:
        for (let n = r.count(1_000_000, 'globals'), i = 0; i < n; i++) {
          const type = valueType(r);
          const mutable = r.byte();
          if (mutable > 1) throw new MalformedModule(`global ${i} has a bad mutability flag`);
          skipConstantExpression(r);
          globals.push({ type, mutable: mutable === 1 });
        }
        break;
      case 7:
        for (let n = r.count(caps.maxExports, 'exports'), i = 0; i < n; i++) {
          const name = r.name();
          const kind = EXPORT_KINDS[r.byte()];
          if (!kind) throw new MalformedModule(`export ${name} has an unknown kind`);
          rawExports.push({ name, kind, index: r.u32() });
        }
        break;
      default:
        // Start, element, data count, code, data, tag and custom sections hold nothing the limits depend on.
        r.skip(size);
    }
    if (id !== 0 && id <= 7 && !r.atEnd) throw new MalformedModule(`section ${id} has ${r.end - r.offset} unread bytes`);
  }

  const importedGlobals = 0; // global imports are refused above, so indices start at this module's own globals
  for (const entry of rawExports) {
    const fact: ExportFacts = { name: entry.name, kind: entry.kind };
    if (entry.kind === 'function') {
      const signature = types[functionTypes[entry.index] ?? -1];
      if (!signature) throw new MalformedModule(`export ${entry.name} names a missing function`);
      fact.signature = signature;
    } else if (entry.kind === 'global') {
      const global = globals[entry.index - importedGlobals];
      if (!global) throw new MalformedModule(`export ${entry.name} names a missing global`);
      fact.global = global;
    }
    facts.exports.push(fact);
  }
  const exportedMemories = new Set(rawExports.filter((e) => e.kind === 'memory').map((e) => e.index));
  facts.hiddenMemoryBytes = memoryMinimumBytes.reduce((sum, bytes, index) => sum + (exportedMemories.has(index) ? 0 : bytes), 0);
  const global = (name: string) => facts.exports.find((e) => e.name === name && e.kind === 'global')?.global;
  const fuel = global(FUEL_GLOBAL);
  const status = global(STATUS_GLOBAL);
  facts.metered = fuel?.type === 'i64' && fuel.mutable && status?.type === 'i32' && status.mutable;
  return facts;
}

function checkImport(module: string, name: string, signature: FunctionSignature): void {
  const label = `${module}.${name}`;
  const allowed = findHostImport(module, name);
  if (!allowed) throw new ImportViolation(`import ${label} is not allowed: only functions from the Math whitelist may be imported`, 'forbidden-import', label);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t, i) => t === b[i]);
  if (!same(signature.params, allowed.params) || !same(signature.results, allowed.results)) {
    const show = (s: { params: readonly string[]; results: readonly string[] }) => `(${s.params.join(', ')}) -> (${s.results.join(', ')})`;
    throw new ImportViolation(`import ${label} has the signature ${show(signature)}; only ${show(allowed)} is allowed`, 'import-signature', label);
  }
}

function valueType(r: WasmReader): ValueType {
  const code = r.byte();
  const type = VALUE_TYPES[code];
  if (!type) throw new MalformedModule(`unknown value type 0x${code.toString(16)}`);
  return type;
}

function valueTypes(r: WasmReader): ValueType[] {
  const types: ValueType[] = [];
  for (let n = r.count(1000, 'parameters or results'), i = 0; i < n; i++) types.push(valueType(r));
  return types;
}

function readLimits(r: WasmReader, isMemory: boolean): { flags: number; min: number; max: number | undefined } {
  const flags = r.byte();
  // 0: min; 1: min and max; 3: shared memory with max. Memory64 and anything else is refused.
  if (flags !== 0 && flags !== 1 && !(isMemory && flags === 3)) throw new MalformedModule(`unsupported limits flags 0x${flags.toString(16)}`);
  const min = r.u32();
  const max = flags === 0 ? undefined : r.u32();
  if (max !== undefined && max < min) throw new MalformedModule(`maximum ${max} is below the minimum ${min}`);
  return { flags, min, max };
}

/** Constant expressions (global initialisers): MVP, reference types, extended-const and v128.const. */
function skipConstantExpression(r: WasmReader): void {
  for (let steps = 0; steps < 10_000; steps++) {
    const op = r.byte();
    if (op === 0x0b) return;
    if (op === 0x41) r.skipSigned(32);
    else if (op === 0x42) r.skipSigned(64);
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op === 0x23 || op === 0xd2) r.u32();
    else if (op === 0xd0) r.byte();
    else if ([0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e].includes(op)) continue;
    else if (op === 0xfd && r.u32() === 12) r.skip(16);
    else throw new MalformedModule(`unsupported instruction 0x${op.toString(16)} in a constant expression`);
  }
  throw new MalformedModule('constant expression too long');
}
