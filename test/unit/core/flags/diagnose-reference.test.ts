import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FLAG_NAMES } from '../../../../src/core/flags/catalog';
import { diagnoseEnvDocument, nearestFlag } from '../../../../src/core/flags/diagnose';
import { envValues, parseEnvDocument } from '../../../../src/core/flags/env-document';
import { referenceDiagnoseEnvDocument, referenceEnvValues, referenceNearestFlag, referenceParseEnvDocument } from '../../../support/flags-reference';

// The optimized parser and diagnostics take shortcuts (fast paths, offsets computed from the match, a line cursor):
// on every file, including hostile ones, they must give exactly what the straightforward implementation gives.

const SPACES = [' ', '\t', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u3000', '\v', '\f', '\u1680', '\u205f'];
const spaceArb = fc.constantFrom('', '', '', ' ', '  ', ...SPACES);
const nearMissArb = fc.constantFrom(...FLAG_NAMES, 'CHIMERA_ENABLE', 'chimera_enabled', 'Chimera_Canary', 'WASM_MAX_MEM', 'PROTEIN_HASH_ENABLE', 'WASM_EXEC_ENABLE', 'DRY_RUN_MOD', 'CHIMERA_X', 'wasm_thing', 'PROTEIN_', 'CHIMERA_FREEZ', 'WASM_MAX_GAZ', 'export');
const keyArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][\w.-]{0,14}$/),
  fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/),
  nearMissArb,
  fc.constantFrom('export', 'EXPORT', 'ß', 'KÉY', 'a b', 'K#Y', '.', '-x', '1'),
);
const separatorArb = fc.constantFrom('=', '=', '=', ' = ', '= ', ' =', ': ', ':', ':\t', '\t=\t', ' =\n', ':\n', '=\u00a0', '\u2028=', '==');
const valueArb = fc.oneof(
  fc.stringMatching(/^[^\n\r#'"`]{0,12}$/),
  fc.string({ maxLength: 10 }).map((s) => `"${s.replace(/"/g, '')}"`),
  fc.string({ maxLength: 10 }).map((s) => `'${s.replace(/'/g, '')}'`),
  fc.string({ maxLength: 10 }).map((s) => `\`${s.replace(/`/g, '')}\``),
  fc.constantFrom('1', '0', 'yes', 'maybe', '0.5', '50', '50%', '2', '16MiB', '1mb', '2s', '10min', '1e7', '1_000', '-1', 'on', ' on '),
  fc.constantFrom('"unclosed', "'half", '`tick', '1 # comment', 'a#b', '"multi\nline"', "'multi\n\nline'", '`a\nb`', '"esc\\nape\\r"', '"back\\\\slash"', '\'"mixed\'', '""', "''", '"', "'", ''),
  fc.constantFrom('x\u2028y', '"a\u2029b"', '\u00a0v\u00a0', 'v  ', 'v\t', '"q" trailing', "'q'#c", '"a\\"b"'),
);
const entryLineArb = fc
  .tuple(spaceArb, fc.constantFrom('', '', 'export ', 'export  ', 'export\t', 'export\u00a0', 'export export ', 'export\n'), keyArb, separatorArb, valueArb, spaceArb, fc.constantFrom('', '', ' # note', '#x'))
  .map((parts) => parts.join(''));
const lineArb = fc.oneof(
  { weight: 6, arbitrary: entryLineArb },
  { weight: 2, arbitrary: fc.constantFrom('', '# comment', '   ', '\t', 'garbage line', '=nokey', 'KEYONLY', 'export KEYONLY', 'lower_only', 'export', 'export ', '  # indented comment', '#', 'A B=1', 'K#=1', 'x=\u2028', '\ufeffBOM=1') },
  { weight: 1, arbitrary: fc.string({ maxLength: 15 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 15, unit: 'binary' }) },
);
const eolArb = fc.constantFrom('\n', '\n', '\r\n', '\r');
const fileArb = fc
  .tuple(fc.array(fc.tuple(lineArb, eolArb), { maxLength: 14 }), fc.boolean())
  .map(([lines, finalEol]) => lines.map(([line, eol], i) => line + (i < lines.length - 1 || finalEol ? eol : '')).join(''));

test('property: the optimized parser gives exactly the reference document (entries, offsets, positions, lines, map)', () => {
  fc.assert(
    fc.property(fileArb, (text) => {
      const document = parseEnvDocument(text);
      assert.deepEqual(document, referenceParseEnvDocument(text));
      assert.deepEqual(envValues(document), referenceEnvValues(document));
    }),
    { numRuns: 4000, seed: 20261126 },
  );
});

test('property: the optimized diagnostics are exactly the reference ones, in the same order', () => {
  const example = parseEnvDocument('CHIMERA_ENABLED=0\nSERVICE_URL=x\nWASM_MAX_GAS=1e7');
  fc.assert(
    fc.property(fileArb, fc.constantFrom('none', 'example', 'isExample'), (text, mode) => {
      const document = parseEnvDocument(text);
      const options = mode === 'isExample' ? { file: '.env.example', isExample: true } : { file: '.env', example: mode === 'example' ? example : null, exampleFile: '.env.example' };
      assert.deepEqual(diagnoseEnvDocument(document, options), referenceDiagnoseEnvDocument(referenceParseEnvDocument(text), options));
    }),
    { numRuns: 4000, seed: 20261127 },
  );
});

test('property: the near-miss check finds exactly the flag the full edit distance finds', () => {
  const keys = fc.oneof(nearMissArb, keyArb, fc.string({ maxLength: 24 }), nearMissArb.chain((name) => fc.tuple(fc.nat(name.length), fc.string({ maxLength: 3 }), fc.nat(3)).map(([at, insert, cut]) => name.slice(0, at) + insert + name.slice(at + cut))));
  fc.assert(
    fc.property(keys, (key) => {
      assert.equal(nearestFlag(key), referenceNearestFlag(key), key);
    }),
    { numRuns: 20000, seed: 20261128 },
  );
});

test('the benchmark-shaped file and a hostile one give the reference entries and diagnostics', () => {
  const blocks: string[] = ['CHIMERA_ENABLED=1', 'CHIMERA_CANARY=0.10', ''];
  for (let i = 0; i < 400; i++) {
    blocks.push(`# service ${i}`, `SERVICE_${i}_URL="https://example.invalid/${i}"`, `export FEATURE_${i}='on' # inline`, i % 7 === 0 ? `CHIMERA_ENABLE=${i % 2}` : `SERVICE_${i}_NAME=svc-${i}`);
    blocks.push(i % 5 === 0 ? `service_${i} = lower ` : `DUP_${i % 13}=${i}`, i % 11 === 0 ? `BROKEN ${i}` : `WASM_MAX_TIME=${i}s`, i % 9 === 0 ? `MULTI_${i}="a\nb"` : '');
  }
  for (const text of [blocks.join('\n'), blocks.join('\r\n'), `${blocks.join('\n')}\n`]) {
    const document = parseEnvDocument(text);
    assert.deepEqual(document, referenceParseEnvDocument(text));
    const options = { file: '.env', example: null };
    const diagnostics = diagnoseEnvDocument(document, options);
    assert.ok(diagnostics.length > 100);
    assert.deepEqual(diagnostics, referenceDiagnoseEnvDocument(document, options));
  }
});

test('a document that is not the parser own (a copy) is diagnosed the same, repeated keys counted again', () => {
  const text = 'A=1\nB=2\nA=3\nCHIMERA_ENABLE=1\nB=4\nA=5\n';
  const document = parseEnvDocument(text);
  const copy = { ...document, entries: [...document.entries] };
  const options = { file: '.env', example: null };
  const expected = referenceDiagnoseEnvDocument(document, options);
  assert.deepEqual(diagnoseEnvDocument(copy, options), expected);
  assert.deepEqual(diagnoseEnvDocument(document, options), expected);
  assert.equal(expected.filter((d) => d.code === 'duplicate-key').length, 3);
});
