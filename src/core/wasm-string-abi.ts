/**
 * Strings across the boundary between a host and a compiled gene (the compiler's and the sandbox's contract).
 * A string is a pointer into the exported memory: an i32 length in UTF-16 code units, then the units (little endian).
 * Pointer 0 is `undefined` (what `s[i]` gives out of range). Each call starts with an empty arena: the host resets
 * the heap pointer to the heap base, writes the string arguments there, and reads a string result before the next call.
 */

export const MEMORY_EXPORT = 'chimera_memory';
/** Mutable i32 global: the next free byte of the arena. */
export const HEAP_GLOBAL = 'chimera_heap';
/** Immutable i32 global: the first byte after the literals, where every call's arena starts. */
export const HEAP_BASE_GLOBAL = 'chimera_heap_base';
export const STRING_HEADER_BYTES = 4;
/** The maximum a gene module declares (16 MiB, WASM_MAX_MEMORY's default); the sandbox lowers it to its own limit. */
export const GENE_MEMORY_MAX_PAGES = 256;
const PAGE_BYTES = 65_536;
/** Longer strings than JavaScript engines allow are refused before any arithmetic can overflow. */
export const MAX_STRING_UNITS = 1 << 29;

export interface StringAbi {
  memory: WebAssembly.Memory;
  heap: WebAssembly.Global;
  heapBase: number;
}

/** Thrown by writeString when the arena cannot grow: the run's verdict is `memory-limit`. */
export class ArenaFull extends Error {}

/** The string exports of an instance, or undefined for a module without strings. */
export function stringAbiOf(exports: WebAssembly.Exports): StringAbi | undefined {
  const memory = exports[MEMORY_EXPORT];
  const heap = exports[HEAP_GLOBAL];
  const base = exports[HEAP_BASE_GLOBAL];
  if (!(memory instanceof WebAssembly.Memory) || !(heap instanceof WebAssembly.Global) || !(base instanceof WebAssembly.Global)) return undefined;
  return { memory, heap, heapBase: base.value as number };
}

export function resetArena(abi: StringAbi): void {
  abi.heap.value = abi.heapBase;
}

/** Bumps `bytes` (rounded up to 4) from the arena, growing the memory; ArenaFull past its maximum. */
export function allocate(abi: StringAbi, bytes: number): number {
  const ptr = abi.heap.value as number;
  const end = (ptr + bytes + 3) & ~3;
  const size = abi.memory.buffer.byteLength;
  if (end > size) {
    try {
      abi.memory.grow(Math.ceil((end - size) / PAGE_BYTES));
    } catch {
      throw new ArenaFull(`the arguments need ${end} bytes of memory, over the limit`);
    }
  }
  abi.heap.value = end;
  return ptr;
}

/** Allocates `text` in the arena and returns its pointer. */
export function writeString(abi: StringAbi, text: string): number {
  if (text.length > MAX_STRING_UNITS) throw new ArenaFull(`a string of ${text.length} code units is longer than the arena allows`);
  const ptr = allocate(abi, STRING_HEADER_BYTES + 2 * text.length);
  const view = new DataView(abi.memory.buffer);
  view.setUint32(ptr, text.length, true);
  const units = new Uint16Array(abi.memory.buffer, ptr + STRING_HEADER_BYTES, text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return ptr;
}

const CHUNK = 8192;

/** The string at `ptr` (undefined for pointer 0). */
export function readString(abi: StringAbi, ptr: number): string | undefined {
  if (ptr === 0) return undefined;
  const length = new DataView(abi.memory.buffer).getUint32(ptr, true);
  const units = new Uint16Array(abi.memory.buffer, ptr + STRING_HEADER_BYTES, length);
  let text = '';
  for (let i = 0; i < length; i += CHUNK) text += String.fromCharCode(...units.subarray(i, i + CHUNK));
  return text;
}
