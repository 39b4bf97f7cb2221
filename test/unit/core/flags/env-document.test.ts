import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as dotenvParse } from 'dotenv';
import fc from 'fast-check';
import { envValues, joinLines, parseEnvDocument } from '../../../../src/core/flags/env-document';

const FIXTURES = [
  'A=1\nB="x\\ny"\r\nexport C = \'q\' # c\nD: e\nE=`m\nl`\nA=2\n',
  'KEY=\nX =  spaced  \n#c\n  Y=z#k',
  '=1\nfoo bar=2\nK="unterminated\nL=3',
  'MULTI="line one\nline two"\nAFTER=yes\r\n',
  "SINGLE='keeps \\n literally'\nDOUBLE=\"expands \\n here\"\n",
  '\uFEFFBOM_KEY=1\n',
  '   \n\n# only comments\n',
  'CHIMERA_CANARY=0.01 # one percent\nexport   WASM_MAX_MEMORY=16MiB\n',
  'dots.and-dashes=ok\nUNICODÉ=1\nK=v=w\n',
];

test('our values equal dotenv.parse on hand-written tricky files', () => {
  for (const text of FIXTURES) assert.deepEqual(envValues(parseEnvDocument(text)), dotenvParse(text), JSON.stringify(text));
});

const keyArb = fc.stringMatching(/^[A-Za-z_][\w.-]{0,8}$/);
const valueArb = fc.oneof(
  fc.stringMatching(/^[^\n\r#'"`]{0,12}$/),
  fc.string({ maxLength: 10 }).map((s) => `"${s.replace(/"/g, '')}"`),
  fc.string({ maxLength: 10 }).map((s) => `'${s.replace(/'/g, '')}'`),
  fc.string({ maxLength: 10 }).map((s) => `\`${s.replace(/`/g, '')}\``),
  fc.constantFrom('"unclosed', "'half", '1 # comment', 'a#b', '"multi\nline"', '"esc\\nape"', ''),
);
const lineArb = fc.oneof(
  fc.tuple(fc.constantFrom('', 'export ', '  '), keyArb, fc.constantFrom('=', ' = ', '= ', ': '), valueArb).map((parts) => parts.join('')),
  fc.constantFrom('', '# comment', '   ', 'garbage line', '=nokey', 'KEYONLY'),
  fc.string({ maxLength: 15 }),
);
const fileArb = fc.tuple(fc.array(lineArb, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r')).map(([lines, eol]) => lines.join(eol));

test('property: for every generated file, our values equal dotenv.parse and the text round-trips byte for byte', () => {
  fc.assert(
    fc.property(fileArb, (text) => {
      const document = parseEnvDocument(text);
      assert.deepEqual(envValues(document), dotenvParse(text));
      assert.equal(joinLines(document.lines), text);
    }),
    { numRuns: 2000, seed: 20261125 },
  );
});

test('entries carry 1-based positions that point at the key and the value, CRLF or not', () => {
  const document = parseEnvDocument('# head\r\n\r\n  export CHIMERA_ENABLED = "1" # on\r\nWASM_MAX_TIME=2s\r\n');
  const enabled = document.effective.get('CHIMERA_ENABLED')!;
  assert.deepEqual(enabled.keyPosition, { line: 3, column: 10 });
  assert.deepEqual(enabled.valuePosition, { line: 3, column: 28 });
  assert.equal(enabled.raw, '"1"');
  assert.equal(enabled.quote, 'double');
  assert.equal(enabled.exported, true);
  assert.equal(document.eol, '\r\n');
  assert.deepEqual(document.effective.get('WASM_MAX_TIME')!.valuePosition, { line: 4, column: 15 });
});
