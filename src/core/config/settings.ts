/**
 * The `chimera.*` settings: every key, its default and how a raw value is read, defined once. The extension reads them
 * through VS Code (src/vscode/config.ts), the CLI from `.vscode/settings.json` (settings-file.ts); a unit test keeps
 * this table equal to package.json `contributes.configuration`. Adding a setting is one line here plus its
 * package.json entry.
 */

/** How one setting's raw value is read: the value, or undefined when it is not acceptable (the default applies). */
interface Setting<T> {
  readonly default: T;
  /** What an acceptable value is, for messages. */
  readonly expected: string;
  read(raw: unknown): T | undefined;
  /** In package.json `restrictedConfigurations`: VS Code ignores the workspace's value in Restricted Mode. */
  readonly restricted?: true;
}

type Options = { restricted?: true };

function string(defaultValue: string, options: Options & { trim?: true } = {}): Setting<string> {
  return { default: defaultValue, expected: 'a string', read: (raw) => (typeof raw === 'string' ? (options.trim ? raw.trim() : raw) : undefined), ...(options.restricted ? { restricted: true } : {}) };
}

function boolean(defaultValue: boolean): Setting<boolean> {
  return { default: defaultValue, expected: 'true or false', read: (raw) => (typeof raw === 'boolean' ? raw : undefined) };
}

/** A whole number in [minimum, maximum]; a numeric string counts too (settings.json written by hand). */
function integer(defaultValue: number, range: { minimum: number; maximum?: number }, options: Options = {}): Setting<number> {
  const maximum = range.maximum ?? Number.MAX_SAFE_INTEGER;
  return {
    default: defaultValue,
    expected: range.minimum === 1 ? 'a positive whole number' : `a whole number from ${range.minimum} to ${maximum}`,
    read: (raw) => {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      return Number.isInteger(value) && value >= range.minimum && value <= maximum ? value : undefined;
    },
    ...(options.restricted ? { restricted: true } : {}),
  };
}

function oneOf<const T extends string>(values: readonly T[], defaultValue: T): Setting<T> & { values: readonly T[] } {
  return { default: defaultValue, values, expected: `one of ${values.join(', ')}`, read: (raw) => (values.includes(raw as T) ? (raw as T) : undefined) };
}

function stringList(options: Options = {}): Setting<readonly string[]> {
  return {
    default: [],
    expected: 'a list of strings',
    read: (raw) => (Array.isArray(raw) && raw.every((item) => typeof item === 'string') ? raw : undefined),
    ...(options.restricted ? { restricted: true } : {}),
  };
}

function stringMap(): Setting<Record<string, unknown>> {
  return { default: {}, expected: 'an object', read: (raw) => (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined) };
}

/** Keys without the `chimera.` prefix. */
export const SETTINGS = {
  flags: stringMap(),
  envFile: string('.env', { restricted: true }),
  'canary.salt': string('chimera'),
  'canary.override': oneOf(['auto', 'in', 'out'], 'auto'),
  'codeLens.enabled': boolean(true),
  'analysis.maxFileBytes': integer(2 * 1024 * 1024, { minimum: 1 }),
  'metrics.port': integer(0, { minimum: 0, maximum: 65535 }, { restricted: true }),
  'metrics.pushgatewayUrl': string('', { trim: true, restricted: true }),
  'prometheus.url': string('', { trim: true, restricted: true }),
  'telemetry.enabled': boolean(true),
  'telemetry.endpoint': string('', { trim: true, restricted: true }),
  'telemetry.posthog.projectKey': string('', { trim: true, restricted: true }),
  'telemetry.posthog.host': string('', { trim: true, restricted: true }),
  'check.maxFileBytes': integer(2 * 1024 * 1024, { minimum: 1 }),
  'check.fileTimeout': integer(30_000, { minimum: 1 }),
  'index.maxFiles': integer(50_000, { minimum: 1 }),
  'ipfs.gateways': stringList({ restricted: true }),
} as const satisfies Record<string, Setting<unknown>>;

export type SettingKey = keyof typeof SETTINGS;
export type ChimeraSettings = { readonly [K in SettingKey]: (typeof SETTINGS)[K]['default'] };

export const SETTINGS_SECTION = 'chimera';

export function qualifiedKey(key: SettingKey): string {
  return `${SETTINGS_SECTION}.${key}`;
}

/** A value that was set but is not acceptable: the default is used instead. */
export interface SettingProblem {
  key: SettingKey;
  value: unknown;
  /** What an acceptable value is ("a positive whole number"). */
  expected: string;
}

/** `where` names the file for the CLI ("in .vscode/settings.json"). */
export function describeProblem(problem: SettingProblem, where?: string): string {
  const shown = typeof problem.value === 'object' ? JSON.stringify(problem.value) : String(problem.value);
  return `${qualifiedKey(problem.key)}${where ? ` ${where}` : ''} takes ${problem.expected}, not '${shown}'`;
}

/**
 * Every setting, read through `lookup` (unset = undefined); an unacceptable value falls back to the default and is
 * handed to `onProblem`.
 */
export function readSettings(lookup: (key: SettingKey) => unknown, onProblem?: (problem: SettingProblem) => void): ChimeraSettings {
  const settings: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const setting: Setting<unknown> = SETTINGS[key];
    const raw = lookup(key);
    const value = raw === undefined ? undefined : setting.read(raw);
    if (raw !== undefined && value === undefined) onProblem?.({ key, value: raw, expected: setting.expected });
    settings[key] = value ?? setting.default;
  }
  return settings as ChimeraSettings;
}
