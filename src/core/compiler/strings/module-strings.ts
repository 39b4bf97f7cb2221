/**
 * What a module needs for strings: the literals laid out in its data (addresses from 8, so pointer 0 stays
 * `undefined`), and the runtime helpers its genes use, built on demand with the helpers they call.
 */
import { CodeBuffer, type FunctionRef } from '../wasm-encoder';
import { ARRAY_HELPERS } from '../arrays/runtime';
import { type MemoryHelperName, ONE_UNIT_STRINGS, type RuntimeContext, STRING_HELPERS, type StringHelperSpec } from './runtime';

const HELPERS: Record<MemoryHelperName, StringHelperSpec> = { ...STRING_HELPERS, ...ARRAY_HELPERS };

const FIRST_LITERAL = 8;

export interface BuiltHelper {
  name: string;
  ref: FunctionRef;
  spec: StringHelperSpec;
  code: CodeBuffer;
}

export class ModuleStrings {
  private readonly refs = new Map<MemoryHelperName, FunctionRef>();
  private readonly literals = new Map<string, number>();
  private readonly bytes: number[] = [];
  private passesStrings = false;
  private unitTableAddress: number | undefined;

  /** Whether any gene of the module uses a string: then the module has a memory, an arena and the string exports. */
  get used(): boolean {
    return this.passesStrings || this.refs.size > 0 || this.literals.size > 0;
  }

  /** A string crosses the boundary (a parameter or the result), so the host needs the memory even if no code touches it. */
  require(): void {
    this.passesStrings = true;
  }

  helper(name: MemoryHelperName): FunctionRef {
    let ref = this.refs.get(name);
    if (!ref) this.refs.set(name, (ref = { index: -1 }));
    return ref;
  }

  /** The address of `text` in the module's data, laid out once per distinct literal. */
  literal(text: string): number {
    let address = this.literals.get(text);
    if (address !== undefined) return address;
    address = FIRST_LITERAL + this.bytes.length;
    this.literals.set(text, address);
    const length = text.length;
    this.bytes.push(length & 0xff, (length >>> 8) & 0xff, (length >>> 16) & 0xff, length >>> 24);
    for (let i = 0; i < length; i++) {
      const unit = text.charCodeAt(i);
      this.bytes.push(unit & 0xff, unit >>> 8);
    }
    while (this.bytes.length % 4 !== 0) this.bytes.push(0);
    return address;
  }

  /**
   * The address of the one-unit strings for code units below ONE_UNIT_STRINGS, laid out once (8 bytes each, unit u at
   * address + 8u): `s[i]`, `charAt` and one-unit slices take them from here instead of allocating in a loop.
   */
  unitTable(): number {
    if (this.unitTableAddress !== undefined) return this.unitTableAddress;
    this.unitTableAddress = FIRST_LITERAL + this.bytes.length;
    // Length 1, the unit, two bytes of padding: the runtime finds unit u at address + (u << 3).
    for (let unit = 0; unit < ONE_UNIT_STRINGS; unit++) this.bytes.push(1, 0, 0, 0, unit, 0, 0, 0);
    return this.unitTableAddress;
  }

  /** The literals the genes use (not those of the runtime). */
  texts(): string[] {
    return [...this.literals.keys()];
  }

  /** Builds every helper used, and those they call, in order of first use. */
  build(context: Omit<RuntimeContext, 'helper' | 'literal' | 'unitTable'>): BuiltHelper[] {
    const built: BuiltHelper[] = [];
    const full: RuntimeContext = { ...context, helper: (name) => this.helper(name), literal: (text) => this.literal(text), unitTable: () => this.unitTable() };
    // A Map visits entries added while it is iterated: helpers requested by other helpers are built too.
    for (const [name, ref] of this.refs) {
      const spec: StringHelperSpec = HELPERS[name];
      const code = new CodeBuffer();
      spec.build(code, full);
      built.push({ name: `chimera.${name in ARRAY_HELPERS ? 'array' : 'string'}.${name}`, ref, spec, code });
    }
    return built;
  }

  /** The literals as one data segment, and where the arena starts (after them). */
  layout(): { data: { offset: number; bytes: number[] }[]; heapBase: number; minPages: number } {
    const heapBase = FIRST_LITERAL + this.bytes.length;
    return { data: this.bytes.length > 0 ? [{ offset: FIRST_LITERAL, bytes: this.bytes }] : [], heapBase, minPages: Math.max(1, Math.ceil(heapBase / 65_536)) };
  }
}
