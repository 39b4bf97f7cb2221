/** The rollout flags of the plan: one table, read by resolution, diagnostics, hovers, the view and the docs. */
export type FlagKind = 'boolean' | 'fraction' | 'bytes' | 'duration' | 'count';

export const FLAG_NAMES = [
  'CHIMERA_ENABLED',
  'CHIMERA_FREEZE',
  'DRY_RUN_MODE',
  'CHIMERA_CANARY',
  'WASM_EXEC_ENABLED',
  'PROTEIN_HASH_ENABLED',
  'WASM_MAX_MEMORY',
  'WASM_MAX_TIME',
  'WASM_MAX_GAS',
] as const;

export type FlagName = (typeof FLAG_NAMES)[number];

export interface FlagSpec {
  name: FlagName;
  kind: FlagKind;
  /** The value when no source sets the flag. */
  defaultValue: boolean | number;
  /** How the default is written in `.env.example`. */
  exampleText: string;
  summary: string;
  /** A feature flag: the plan says it must be disabled in `.env.example`. */
  feature: boolean;
}

const MiB = 1024 * 1024;

export const FLAGS: Readonly<Record<FlagName, FlagSpec>> = {
  CHIMERA_ENABLED: { name: 'CHIMERA_ENABLED', kind: 'boolean', defaultValue: false, exampleText: '0', summary: 'Master switch: 0 = nothing runs.', feature: true },
  CHIMERA_FREEZE: { name: 'CHIMERA_FREEZE', kind: 'boolean', defaultValue: false, exampleText: '0', summary: 'Kill switch: 1 = every feature off at once, shown as frozen.', feature: false },
  DRY_RUN_MODE: { name: 'DRY_RUN_MODE', kind: 'boolean', defaultValue: false, exampleText: '0', summary: 'Report only: analyse and verify locally; nothing is published or acted on.', feature: true },
  CHIMERA_CANARY: { name: 'CHIMERA_CANARY', kind: 'fraction', defaultValue: 1, exampleText: '0', summary: 'Share of machines (0..1) that get the features; unset = everyone, invalid = nobody.', feature: true },
  WASM_EXEC_ENABLED: { name: 'WASM_EXEC_ENABLED', kind: 'boolean', defaultValue: false, exampleText: '0', summary: 'Run genes in the sandbox on request (verification runs need only CHIMERA_ENABLED).', feature: true },
  PROTEIN_HASH_ENABLED: { name: 'PROTEIN_HASH_ENABLED', kind: 'boolean', defaultValue: false, exampleText: '0', summary: 'Protein hashes and similar-gene search.', feature: true },
  WASM_MAX_MEMORY: { name: 'WASM_MAX_MEMORY', kind: 'bytes', defaultValue: 16 * MiB, exampleText: '16MiB', summary: 'Sandbox memory limit (bytes; units B, KiB, MiB, GiB, KB, MB, GB).', feature: false },
  WASM_MAX_TIME: { name: 'WASM_MAX_TIME', kind: 'duration', defaultValue: 1000, exampleText: '1000ms', summary: 'Sandbox wall-clock limit per run (milliseconds; units ms, s).', feature: false },
  WASM_MAX_GAS: { name: 'WASM_MAX_GAS', kind: 'count', defaultValue: 10_000_000, exampleText: '10000000', summary: 'Sandbox fuel per run: function entries and loop iterations.', feature: false },
};

export function isFlagName(key: string): key is FlagName {
  return (FLAG_NAMES as readonly string[]).includes(key);
}

/** The flags a rollback turns off (the plan's manual rollback process). */
export const ROLLBACK_FLAGS: readonly FlagName[] = ['CHIMERA_ENABLED', 'WASM_EXEC_ENABLED', 'PROTEIN_HASH_ENABLED'];
