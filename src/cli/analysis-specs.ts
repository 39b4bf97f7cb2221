import type { CommandSpec } from './command';
import { ROLLOUT_OPTIONS } from './workspace';

/**
 * What help and the parser know of the commands that parse code. Their implementations
 * (src/cli/commands/*, spreading these specs) ship in dist/cli-analysis.js with the
 * TypeScript compiler, which dist/cli.js loads only when one of them runs.
 */
export const HASH_SPEC: CommandSpec = {
  name: 'hash',
  needs: 'proteinHash',
  summary: 'Print the protein hash (structural fingerprint) of every function in the files',
  usage: 'chimera hash <file…> [--vectors] [--json]',
  options: { vectors: { type: 'boolean' } },
};

export const SIMILAR_SPEC: CommandSpec = {
  name: 'similar',
  needs: 'proteinHash',
  summary: 'List every pair of functions in the files that is at least as similar as the threshold',
  usage: 'chimera similar <file…> [--threshold equivalent|very-similar|similar] [--json]',
  options: { threshold: { type: 'string' } },
};

export const COMPILE_SPEC: CommandSpec = {
  name: 'compile',
  needs: 'analysis',
  summary: 'Compile a pure numeric gene to WebAssembly (exactly JavaScript semantics) and print its CID',
  usage: 'chimera compile <file> <gene|@LINE> [--out FILE] [--json]',
  options: { out: { type: 'string', short: 'o' } },
};

export const RUN_SPEC: CommandSpec = {
  name: 'run',
  needs: 'execution',
  summary: 'Compile a gene, run it as WebAssembly in the sandbox and as JavaScript, and compare the results',
  usage: 'chimera run <file> <gene|@LINE> [args…] [--inputs FILE] [--fuel N] [--max-time MS] [--max-memory BYTES] [--cache DIR] [--json]',
  options: { inputs: { type: 'string' }, fuel: { type: 'string' }, 'max-time': { type: 'string' }, 'max-memory': { type: 'string' }, cache: { type: 'string' } },
};

export const GENES_SPEC: CommandSpec = {
  name: 'genes',
  needs: 'analysis',
  summary: 'List the functions (genes) of source files with their purity and the reasons',
  usage: 'chimera genes <file…> [--workspace DIR] [--max-bytes N] [--json]',
  options: { 'max-bytes': { type: 'string' }, workspace: { type: 'string' } },
};

export const EXPORT_SPEC: CommandSpec = {
  name: 'export',
  needs: 'analysis',
  summary: 'Export the compiled genes of files as a CAR (a content-addressed genome)',
  usage: 'chimera export --car OUT.car <file…> [--json]',
  options: { car: { type: 'string' } },
};

export const CHECK_SPEC: CommandSpec = {
  name: 'check',
  needs: 'analysis',
  summary: 'Smoke-test a whole workspace for CI: flags, genes compiled and verified, protein hashes, monitoring rules, a rollback drill',
  usage: `chimera check [paths…] [--exclude GLOB]… [--jobs N] [--cache DIR | --no-cache] [--junit FILE] [--format human|github] [--json] [--record] [--max-file-bytes N] [--file-timeout MS] [--protein-hash]`,
  options: {
    ...ROLLOUT_OPTIONS,
    exclude: { type: 'string', multiple: true },
    jobs: { type: 'string', short: 'j' },
    cache: { type: 'string' },
    'no-cache': { type: 'boolean' },
    junit: { type: 'string' },
    format: { type: 'string' },
    record: { type: 'boolean' },
    'max-file-bytes': { type: 'string' },
    'file-timeout': { type: 'string' },
    'protein-hash': { type: 'boolean' },
  },
};

export const INDEX_SPEC: CommandSpec = {
  name: 'index',
  needs: 'proteinHash',
  summary: 'Build or refresh the workspace gene index (.chimera/index/), or query it with --query FILE#NAME',
  usage: 'chimera index [--workspace DIR] [--index-dir DIR] [--exclude GLOB…] [--max-files N] [--jobs N] [--query FILE#NAME [--limit N]] [--json]',
  options: { 'index-dir': { type: 'string' }, query: { type: 'string' }, exclude: { type: 'string', multiple: true }, 'max-files': { type: 'string' }, jobs: { type: 'string' }, limit: { type: 'string' } },
};
