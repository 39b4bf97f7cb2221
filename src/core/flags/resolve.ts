import { FLAGS, FLAG_NAMES, type FlagName, ROLLBACK_FLAGS } from './catalog';
import type { FlagDiagnostic } from './diagnostic';
import { parseFlagValue, safeFallback } from './values';

/** Where an effective value came from; exactly one per flag, shown to the user. */
export type FlagSource = 'rollback' | 'env' | 'dotenv' | 'settings' | 'default';

export interface EffectiveFlag {
  value: boolean | number;
  source: FlagSource;
  /** The text as written in its source; undefined for defaults and rollbacks. */
  raw?: string;
  /** False when the text could not be used and a safe value was put in its place (see the diagnostics). */
  valid: boolean;
}

export type EffectiveFlags = Record<FlagName, EffectiveFlag>;

export interface FlagInputs {
  /** The extension host's (or CLI's) process environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The `.env` values in effect (last occurrence per key). */
  dotenv: Readonly<Record<string, string>>;
  /** `chimera.flags` from VS Code settings. */
  settings: Readonly<Record<string, unknown>>;
  /** An active rollback (automatic or manual) overrides every source until someone re-arms. */
  rollbackActive: boolean;
}

export interface Resolution {
  flags: EffectiveFlags;
  /** CHIMERA_FREEZE=1 from any source: every feature off, whatever the other flags say. */
  frozen: boolean;
  rolledBack: boolean;
  /** Invalid values from the environment or the settings (the `.env` ones are diagnosed in the file). */
  diagnostics: FlagDiagnostic[];
}

const nowhere = { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } };

function settingText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** Precedence, highest first: rollback → process environment → `.env` → settings → defaults. */
export function resolveFlags(inputs: FlagInputs): Resolution {
  const diagnostics: FlagDiagnostic[] = [];
  const flags = {} as EffectiveFlags;
  for (const name of FLAG_NAMES) {
    if (inputs.rollbackActive && ROLLBACK_FLAGS.includes(name)) {
      flags[name] = { value: false, source: 'rollback', valid: true };
      continue;
    }
    const candidates: [FlagSource, string | undefined][] = [
      ['env', inputs.env[name]],
      ['dotenv', inputs.dotenv[name]],
      ['settings', settingText(inputs.settings[name])],
    ];
    const found = candidates.find(([, raw]) => raw !== undefined);
    if (!found) {
      flags[name] = { value: FLAGS[name].defaultValue, source: 'default', valid: true };
      continue;
    }
    const [source, raw] = found as [FlagSource, string];
    const parsed = parseFlagValue(name, raw);
    if (parsed.ok) {
      flags[name] = { value: parsed.value, source, raw, valid: true };
    } else {
      flags[name] = { value: safeFallback(name), source, raw, valid: false };
      if (source !== 'dotenv') {
        const where = source === 'env' ? 'environment' : 'settings';
        diagnostics.push({ file: where, code: parsed.code, severity: 'error', message: `${name} from the ${where === 'environment' ? 'process environment' : 'chimera.flags setting'}: ${parsed.message}`, range: nowhere });
      }
    }
  }
  return { flags, frozen: flags.CHIMERA_FREEZE.value === true, rolledBack: inputs.rollbackActive, diagnostics };
}
