import { parse as dotenvParse } from 'dotenv';
import { diagnoseEnvDocument } from '../src/core/flags/diagnose';
import { envValues, parseEnvDocument } from '../src/core/flags/env-document';
import { resolveFlags } from '../src/core/flags/resolve';
import { type Benchmark, timed } from './benchmark';

/** A 1 MB `.env` in the shapes real files have: comments, quotes, export, inline comments, flags and some mistakes. */
function bigEnvFile(): string {
  const lines = ['CHIMERA_ENABLED=1', 'CHIMERA_CANARY=0.10', 'WASM_EXEC_ENABLED=1', 'WASM_MAX_MEMORY=32MiB', ''];
  let size = 0;
  for (let i = 0; size < 1024 * 1024; i++) {
    const block = [`# service ${i}`, `SERVICE_${i}_URL="https://example.invalid/${i}"`, `SERVICE_${i}_TIMEOUT=${i % 97}`, `export FEATURE_${i}='on' # inline`, i % 50 === 0 ? `CHIMERA_ENABLE=${i % 2}` : `SERVICE_${i}_NAME=svc-${i}`, ''];
    lines.push(...block);
    size += block.join('\n').length + 1;
  }
  return lines.join('\n');
}

/**
 * A 1 MB `.env` written badly on purpose, with CRLF endings: keys repeated from a small pool, lower-case keys, spaces around
 * `=`, trailing blanks, lines without `=`, invalid keys, unclosed quotes, multi-line values, near misses of flag names
 * and flags set again and again with invalid values. Every line-level and entry-level rule has work to do.
 */
function hostileEnvFile(): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 1024 * 1024; i++) {
    const block = [
      `# block ${i}`,
      `DUP_${i % 500}=${i}`,
      `service_${i}_host = host-${i}.example.invalid   `,
      `export  Feature_${i % 300}: on`,
      i % 3 === 0 ? `KEY_ONLY_${i}` : `BAD KEY ${i}=x`,
      `QUOTE_${i}="unclosed value ${i}`,
      i % 4 === 0 ? `MULTI_${i}="first line\r\nsecond line ${i}"` : `MULTI_${i}='one line'`,
      [`CHIMERA_ENABLE=${i % 2}`, `WASM_MAX_MEM=${i}MiB`, `chimera_canary=${i % 100}%`, `WASM_MAX_TIME=${i}parsecs`, `CHIMERA_ENABLED=maybe`, `PROTEIN_HASH_ENABLED=1`][i % 6]!,
      '   ',
    ];
    lines.push(...block);
    size += block.join('\r\n').length + 2;
  }
  return lines.join('\r\n');
}

const text = bigEnvFile();
const hostileText = hostileEnvFile();

function resolveAndDiagnose(source: string): void {
  const document = parseEnvDocument(source);
  diagnoseEnvDocument(document, { file: '.env', example: null });
  resolveFlags({ env: {}, dotenv: envValues(document), settings: {}, rollbackActive: false });
}

export const benchmark: Benchmark = {
  name: 'flags: resolve and diagnose a 1 MB .env',
  description: `parseEnvDocument + diagnoseEnvDocument + resolveFlags of a ${(text.length / 1024 / 1024).toFixed(2)} MB file, against dotenv.parse of the same text (goal: at most 3×)`,
  unit: 'ms',
  runs: 9,
  baseline: async () => timed(() => dotenvParse(text)),
  subject: async () => timed(() => resolveAndDiagnose(text)),
};

export const benchmarks: Benchmark[] = [
  {
    name: 'flags: resolve and diagnose a hostile 1 MB .env',
    description: `the same work on a ${(hostileText.length / 1024 / 1024).toFixed(2)} MB CRLF file full of mistakes (repeated keys, lower case, spaces, trailing blanks, missing '=', unclosed quotes, near-miss flag names, invalid flag values; some 44,000 diagnostics), against dotenv.parse of the same text`,
    unit: 'ms',
    runs: 9,
    baseline: async () => timed(() => dotenvParse(hostileText)),
    subject: async () => timed(() => resolveAndDiagnose(hostileText)),
  },
];
