import { parse as dotenvParse } from 'dotenv';
import { performance } from 'node:perf_hooks';
import { diagnoseEnvDocument } from '../src/core/flags/diagnose';
import { envValues, parseEnvDocument } from '../src/core/flags/env-document';
import { resolveFlags } from '../src/core/flags/resolve';
import type { Benchmark } from './benchmark';

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

const text = bigEnvFile();

function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

export const benchmark: Benchmark = {
  name: 'flags: resolve and diagnose a 1 MB .env',
  description: `parseEnvDocument + diagnoseEnvDocument + resolveFlags of a ${(text.length / 1024 / 1024).toFixed(2)} MB file, against dotenv.parse of the same text (goal: at most 3×)`,
  unit: 'ms',
  runs: 9,
  baseline: async () => timed(() => dotenvParse(text)),
  subject: async () =>
    timed(() => {
      const document = parseEnvDocument(text);
      diagnoseEnvDocument(document, { file: '.env', example: null });
      resolveFlags({ env: {}, dotenv: envValues(document), settings: {}, rollbackActive: false });
    }),
};
