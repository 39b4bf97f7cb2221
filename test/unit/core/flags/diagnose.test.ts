import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnoseEnvDocument } from '../../../../src/core/flags/diagnose';
import type { FlagDiagnostic } from '../../../../src/core/flags/diagnostic';
import { parseEnvDocument } from '../../../../src/core/flags/env-document';

const FULL_EXAMPLE = parseEnvDocument(
  'CHIMERA_ENABLED=0\nCHIMERA_FREEZE=0\nDRY_RUN_MODE=0\nCHIMERA_CANARY=0\nWASM_EXEC_ENABLED=0\nPROTEIN_HASH_ENABLED=0\nWASM_MAX_MEMORY=16MiB\nWASM_MAX_TIME=1000ms\nWASM_MAX_GAS=10000000\n',
);

function diagnose(text: string, options: { isExample?: boolean; example?: boolean } = {}): FlagDiagnostic[] {
  return diagnoseEnvDocument(parseEnvDocument(text), { file: options.isExample ? '.env.example' : '.env', example: options.example === false ? null : FULL_EXAMPLE, isExample: options.isExample ?? false });
}

function only(diagnostics: FlagDiagnostic[], code: string): FlagDiagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

function at(d: FlagDiagnostic | undefined): [number, number, number] {
  assert.ok(d, 'expected a diagnostic');
  return [d.range.start.line, d.range.start.column, d.range.end.column];
}

test('a clean Phase 1 file has no diagnostics', () => {
  assert.deepEqual(diagnose('CHIMERA_ENABLED=1\nDRY_RUN_MODE=1\n'), []);
});

test('duplicate-key: reported on every later occurrence, naming the line in effect', () => {
  const found = only(diagnose('CHIMERA_ENABLED=1\nDRY_RUN_MODE=1\nCHIMERA_ENABLED=0\nCHIMERA_ENABLED=1\n'), 'duplicate-key');
  assert.equal(found.length, 2);
  assert.deepEqual(at(found[0]), [3, 1, 16]);
  assert.match(found[0]!.message, /line 4 is the one in effect/);
  assert.deepEqual(at(found[1]), [4, 1, 16]);
  assert.match(found[1]!.message, /this line \(4\) is the one in effect/);
});

test('invalid-boolean: error on the value, anything else than 1/0/true/false/yes/no/on/off', () => {
  const [d] = only(diagnose('CHIMERA_ENABLED=1\nWASM_EXEC_ENABLED=enabled\n'), 'invalid-boolean');
  assert.deepEqual(at(d), [2, 19, 26]);
  assert.equal(d!.severity, 'error');
  for (const ok of ['TRUE', 'Yes', 'off', '0']) assert.equal(only(diagnose(`CHIMERA_ENABLED=${ok}\n`), 'invalid-boolean').length, 0, ok);
});

test('invalid-fraction: NaN, negative, above 100 and hex are errors', () => {
  for (const value of ['NaN', '-0.5', '150', '0x10', 'half']) {
    const [d] = only(diagnose(`CHIMERA_ENABLED=1\nCHIMERA_CANARY=${value}\n`), 'invalid-fraction');
    assert.deepEqual(at(d), [2, 16, 16 + value.length], value);
  }
});

test('canary-as-percent: 1% and 10 suggest 0.01 and 0.10, with a quick fix', () => {
  const [percent] = only(diagnose('CHIMERA_ENABLED=1\nCHIMERA_CANARY=1%\n'), 'canary-as-percent');
  assert.deepEqual(at(percent), [2, 16, 18]);
  assert.equal(percent!.fix!.edits[0]!.newText, '0.01');
  const [ten] = only(diagnose('CHIMERA_ENABLED=1\nCHIMERA_CANARY=10\n'), 'canary-as-percent');
  assert.equal(ten!.fix!.edits[0]!.newText, '0.10');
  assert.match(ten!.message, /did you mean 0\.10/);
});

test('unknown-flag: a near miss names the flag it meant and offers the rename', () => {
  const [d] = only(diagnose('CHIMERA_ENABLE=1\n'), 'unknown-flag');
  assert.deepEqual(at(d), [1, 1, 15]);
  assert.match(d!.message, /did you mean CHIMERA_ENABLED/);
  assert.equal(d!.fix!.edits[0]!.newText, 'CHIMERA_ENABLED');
  assert.equal(only(diagnose('NODE_ENV=production\n'), 'unknown-flag').length, 0, 'unrelated keys are not flags');
});

test('invalid-limit: words and out-of-range sizes are errors; bare bytes and units are fine', () => {
  const [d] = only(diagnose('WASM_MAX_MEMORY=lots\n'), 'invalid-limit');
  assert.deepEqual(at(d), [1, 17, 21]);
  assert.equal(only(diagnose('WASM_MAX_MEMORY=1048576\nWASM_MAX_TIME=2s\nWASM_MAX_GAS=1e7\n'), 'invalid-limit').length, 0);
  assert.equal(only(diagnose('WASM_MAX_MEMORY=8GiB\n'), 'invalid-limit').length, 1);
  assert.equal(only(diagnose('WASM_MAX_TIME=0ms\n'), 'invalid-limit').length, 1);
});

test('no-effect: a feature flag on while CHIMERA_ENABLED is off', () => {
  const [d] = only(diagnose('CHIMERA_ENABLED=0\nWASM_EXEC_ENABLED=1\n'), 'no-effect');
  assert.deepEqual(at(d), [2, 1, 18]);
  assert.equal(only(diagnose('CHIMERA_ENABLED=1\nWASM_EXEC_ENABLED=1\n'), 'no-effect').length, 0);
});

test('frozen: CHIMERA_FREEZE=1 explains that the enabled features have no effect', () => {
  const found = only(diagnose('CHIMERA_ENABLED=1\nCHIMERA_FREEZE=1\nPROTEIN_HASH_ENABLED=1\n'), 'frozen');
  assert.deepEqual(at(found[0]), [3, 1, 21]);
});

test('lowercase-key and space-around-equals, with fixes', () => {
  const diagnostics = diagnose('chimera_enabled = 1\n');
  const [lower] = only(diagnostics, 'lowercase-key');
  assert.deepEqual(at(lower), [1, 1, 16]);
  assert.equal(lower!.fix!.edits[0]!.newText, 'CHIMERA_ENABLED');
  const [spaces] = only(diagnostics, 'space-around-equals');
  assert.deepEqual(at(spaces), [1, 16, 19]);
  assert.equal(spaces!.fix!.edits[0]!.newText, '=');
});

test('key-without-value: a bare key is ignored by dotenv; the fix adds "="', () => {
  const [d] = only(diagnose('CHIMERA_ENABLED=1\nDRY_RUN_MODE\n'), 'key-without-value');
  assert.deepEqual(at(d), [2, 1, 13]);
  assert.deepEqual(d!.fix!.edits[0]!.range.start, { line: 2, column: 13 });
});

test('unmatched-quote: an opening quote that never closes', () => {
  const [d] = only(diagnose('CHIMERA_ENABLED="1\n'), 'unmatched-quote');
  assert.deepEqual(at(d), [1, 17, 19]);
});

test('invalid-key and trailing-whitespace and missing-final-newline', () => {
  const diagnostics = diagnose('MY KEY=1\nCHIMERA_ENABLED=1   \nDRY_RUN_MODE=1');
  assert.deepEqual(at(only(diagnostics, 'invalid-key')[0]), [1, 1, 7]);
  assert.deepEqual(at(only(diagnostics, 'trailing-whitespace')[0]), [2, 18, 21]);
  assert.deepEqual(at(only(diagnostics, 'missing-final-newline')[0]), [3, 15, 16]);
});

test('missing-from-example: every key of .env, not only flags; the fix appends it, disabled, to .env.example', () => {
  const example = parseEnvDocument('CHIMERA_ENABLED=0\n');
  const diagnostics = diagnoseEnvDocument(parseEnvDocument('CHIMERA_ENABLED=1\nWASM_EXEC_ENABLED=1\nAPI_URL=x\n'), { file: '.env', example, exampleFile: '.env.example' });
  const missing = only(diagnostics, 'missing-from-example');
  assert.deepEqual(missing.map((d) => d.range.start.line), [2, 3]);
  const edit = missing[0]!.fix!.edits[0]!;
  assert.equal(edit.file, '.env.example');
  assert.equal(edit.newText, 'WASM_EXEC_ENABLED=0\n');
  assert.deepEqual(edit.range.start, { line: 2, column: 1 });
});

test('example-enables-feature: the example must keep every feature disabled', () => {
  const found = only(diagnose('CHIMERA_ENABLED=1\nCHIMERA_CANARY=0.5\nCHIMERA_FREEZE=1\n', { isExample: true }), 'example-enables-feature');
  assert.deepEqual(found.map(at), [[1, 17, 18], [2, 16, 19]]);
  assert.equal(found[0]!.fix!.edits[0]!.newText, '0');
});

test('multi-line quoted values are value text, not lines to diagnose', () => {
  const diagnostics = diagnose('CHIMERA_ENABLED=1\nNOTE="first\nsecond line with = and spaces\n"\n', { example: false });
  assert.deepEqual(diagnostics.filter((d) => d.code !== 'missing-from-example').map((d) => d.code), []);
});
