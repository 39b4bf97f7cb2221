import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_FILE_TIMEOUT_MS } from '../../../../src/core/check/run-check';
import { readWorkspaceSettings } from '../../../../src/core/config/settings-file';
import { SETTINGS, type SettingKey, type SettingProblem, qualifiedKey, readSettings } from '../../../../src/core/config/settings';
import { DEFAULT_MAX_BYTES } from '../../../../src/core/genes/types';
import { repoRoot } from '../../../support/repo';

interface Contributed {
  default: unknown;
  enum?: string[];
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Contributed> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const contributed = manifest.contributes.configuration.properties;
const keys = Object.keys(SETTINGS) as SettingKey[];

test('the settings table declares exactly the chimera.* settings package.json contributes', () => {
  assert.deepEqual(keys.map(qualifiedKey).sort(), Object.keys(contributed).sort());
});

test('every setting has the default package.json declares, and enums the same values', () => {
  for (const key of keys) {
    const declared = contributed[qualifiedKey(key)]!;
    assert.deepEqual(SETTINGS[key].default, declared.default, `${qualifiedKey(key)} default`);
    const setting = SETTINGS[key] as { values?: readonly string[] };
    const values = setting.values ? [...setting.values] : undefined;
    assert.deepEqual(values, declared.enum, `${qualifiedKey(key)} enum`);
  }
});

test('the settings marked restricted are exactly package.json restrictedConfigurations', () => {
  const restricted = keys.filter((key) => 'restricted' in SETTINGS[key]).map(qualifiedKey);
  assert.deepEqual(restricted.sort(), [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort());
});

test('the size and time defaults are the ones the analysis and the check use without settings', () => {
  assert.equal(SETTINGS['analysis.maxFileBytes'].default, DEFAULT_MAX_BYTES);
  assert.equal(SETTINGS['check.maxFileBytes'].default, DEFAULT_MAX_BYTES);
  assert.equal(SETTINGS['check.fileTimeout'].default, DEFAULT_FILE_TIMEOUT_MS);
});

test('unset settings read as their defaults', () => {
  const settings = readSettings(() => undefined);
  for (const key of keys) assert.deepEqual(settings[key], SETTINGS[key].default);
});

test('an unacceptable value falls back to the default and is reported; URLs are trimmed', () => {
  const raw: Partial<Record<SettingKey, unknown>> = { 'metrics.port': 70000, 'canary.override': 'maybe', 'telemetry.enabled': 'no', flags: ['CHIMERA_ENABLED'], 'prometheus.url': '  http://prom:9090 ', 'check.fileTimeout': '5000' };
  const problems: SettingProblem[] = [];
  const settings = readSettings((key) => raw[key], (problem) => problems.push(problem));
  assert.equal(settings['metrics.port'], 0);
  assert.equal(settings['canary.override'], 'auto');
  assert.equal(settings['telemetry.enabled'], true);
  assert.deepEqual(settings.flags, {});
  assert.equal(settings['prometheus.url'], 'http://prom:9090');
  assert.equal(settings['check.fileTimeout'], 5000, 'a numeric string written by hand counts');
  assert.deepEqual(problems.map((p) => p.key).sort(), ['canary.override', 'flags', 'metrics.port', 'telemetry.enabled']);
});

test('the CLI reads .vscode/settings.json (JSONC) through the same table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-settings-'));
  mkdirSync(join(dir, '.vscode'));
  writeFileSync(join(dir, '.vscode', 'settings.json'), '{\n  // flags for CI\n  "chimera.flags": { "CHIMERA_ENABLED": "1" },\n  "chimera.envFile": "config/flags.env", /* custom */\n  "chimera.canary.override": "in",\n  "chimera.check.maxFileBytes": 0,\n}\n');
  const problems: SettingProblem[] = [];
  const settings = readWorkspaceSettings(dir, () => assert.fail('valid JSONC'), (problem) => problems.push(problem));
  assert.deepEqual(settings.flags, { CHIMERA_ENABLED: '1' });
  assert.equal(settings.envFile, 'config/flags.env');
  assert.equal(settings['canary.override'], 'in');
  assert.equal(settings['check.maxFileBytes'], SETTINGS['check.maxFileBytes'].default);
  assert.deepEqual(problems, [{ key: 'check.maxFileBytes', value: 0, expected: 'a positive whole number' }]);
  const logged: string[] = [];
  writeFileSync(join(dir, '.vscode', 'settings.json'), '{ nope');
  assert.deepEqual(readWorkspaceSettings(dir, (line) => logged.push(line)), readSettings(() => undefined));
  assert.match(logged[0] ?? '', /not valid JSON/);
});
