/** The three limits every sandbox run obeys (WASM_MAX_MEMORY, WASM_MAX_TIME, WASM_MAX_GAS). */
export interface SandboxLimits {
  /** Cap on declared linear memory (initial and maximum), in bytes. */
  maxMemoryBytes: number;
  /** Wall-clock limit: compilation, instantiation and the start function, then each call of a batch. */
  maxTimeMs: number;
  /** Fuel budget per call, for modules that export the fuel globals of src/core/wasm-abi.ts. */
  maxFuel: number;
}

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  maxMemoryBytes: 16 * 1024 * 1024,
  maxTimeMs: 1000,
  maxFuel: 10_000_000,
});

/** Caps that do not depend on the flags: beyond them a module is refused before it is compiled. */
export const MODULE_CAPS = Object.freeze({
  /** Bigger modules are `invalid-module`: compilation and the lazy first call of a huge module cost seconds. */
  maxModuleBytes: 8 * 1024 * 1024,
  /** A 10,000,000-entry table instantiates in 1.6 s and 311 MiB; no honest module needs more than this. */
  maxTableEntries: 100_000,
  maxTypes: 100_000,
  maxImports: 10_000,
  maxExports: 100_000,
});

export const WASM_PAGE_BYTES = 65_536;
