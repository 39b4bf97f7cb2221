import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspectModule } from '../../core/sandbox/inspect-module';
import { Sandbox } from '../../core/sandbox/sandbox';
import { jsonResult, jsonValue, parseArgument } from '../../core/sandbox/values';
import type { SandboxResult, WasmScalar } from '../../core/sandbox/verdict';
import { type Command, UsageError } from '../command';
import { ExitCode } from '../exit-codes';
import { DEFAULT_FETCH_TIMEOUT_MS, fetchModule, gatewaysOf, looksLikeCid, requireModuleCid } from '../fetch-module';
import { limitsFrom, parseCount } from '../limits';
import { CACHE_OPTION, openModuleStore } from '../module-store';
import { cliSettings } from '../workspace';

/** Argument tuples from the command line or from --inputs (a JSON array of arrays), converted by the export's parameter types. */
function argumentTuples(raw: (string | number)[][], params: string[] | undefined): WasmScalar[][] {
  return raw.map((tuple, row) => {
    if (params && tuple.length !== params.length) throw new UsageError(`the export takes ${params.length} argument(s), ${tuple.length} given${raw.length > 1 ? ` in input ${row + 1}` : ''}`);
    return tuple.map((text, i) => {
      const value = parseArgument(text, params?.[i] ?? 'f64');
      if (value === undefined) throw new UsageError(`argument ${i + 1} '${String(text)}' is not a ${params?.[i] ?? 'number'}`);
      return value;
    });
  });
}

function readInputs(path: string): (string | number)[][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (error) {
    throw new UsageError(`--inputs ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const valid = Array.isArray(parsed) && parsed.every((t) => Array.isArray(t) && t.every((v) => typeof v === 'number' || typeof v === 'string'));
  if (!valid) throw new UsageError(`--inputs ${path} must hold a JSON array of argument arrays, e.g. [[1, 2], ["NaN", "-0"]]`);
  return parsed as (string | number)[][];
}

function describe(result: SandboxResult): string {
  const ms = `${result.ms.toFixed(1)} ms`;
  if (result.verdict === 'ok') return `ok ${JSON.stringify(jsonValue(result.value))} (${ms}${result.fuelUsed === null ? '' : `, fuel ${result.fuelUsed}`})`;
  return `${result.verdict}${result.verdict === 'trap' ? ` (${result.trap})` : ''}: ${result.message} (${ms})`;
}

export const execCommand: Command = {
  name: 'exec',
  needs: 'execution',
  summary: 'Run a WebAssembly export in the sandbox and print the verdict',
  usage:
    'chimera exec <module.wasm|CID> <export> [args…] [--gateway URL]… [--fetch-timeout MS] [--cache DIR] [--inputs FILE] [--max-time MS] [--max-memory BYTES|16MiB] [--max-gas N] [--engines v8]   (put -- before negative arguments)',
  options: {
    inputs: { type: 'string' },
    'max-time': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'max-memory': { type: 'string' },
    'max-gas': { type: 'string' },
    fuel: { type: 'string' },
    engines: { type: 'string' },
    gateway: { type: 'string', multiple: true },
    'fetch-timeout': { type: 'string' },
    ...CACHE_OPTION,
  },
  async run(context, options, positionals) {
    const [modulePath, exportName, ...args] = positionals;
    if (!modulePath || !exportName) throw new UsageError('exec needs a module and an export: chimera exec <module.wasm> <export> [args…]');
    const engines = typeof options.engines === 'string' ? options.engines.split(',').map((e) => e.trim()) : ['v8'];
    const unknown = engines.filter((e) => e !== 'v8');
    // The npm wasmtime binding aborts the process on imports or malformed modules and has no limits (SANDBOX-FACTS.md); it is not shipped.
    if (unknown.length > 0) throw new UsageError(`engine(s) ${unknown.join(', ')} not available: only v8 is installed`);
    if (typeof options.inputs === 'string' && args.length > 0) throw new UsageError('give arguments on the command line or with --inputs, not both');
    const limits = limitsFrom(options);
    let bytes: Uint8Array;
    let fetched: Record<string, unknown> = {};
    if (looksLikeCid(modulePath) && !existsSync(resolve(modulePath))) {
      // By CID: fetched, verified and stored before anything runs; a refusal runs nothing.
      const cid = requireModuleCid(modulePath);
      const gateways = gatewaysOf(options.gateway, cliSettings(context)['ipfs.gateways']);
      const timeoutMs = typeof options['fetch-timeout'] === 'string' ? parseCount(options['fetch-timeout'], '--fetch-timeout', 'ms') : DEFAULT_FETCH_TIMEOUT_MS;
      const module = await fetchModule(cid, await openModuleStore(options), gateways, timeoutMs);
      const attempts = module.attempts.map((a) => ({ gateway: a.gateway, outcome: a.outcome, ...(a.status === undefined ? {} : { status: a.status }) }));
      if (!module.ok) {
        return { exitCode: ExitCode.Findings, data: { cid, export: exportName, verdict: 'fetch-failed', reason: module.reason, detail: module.detail, attempts }, text: `fetch-failed (${module.reason}): ${module.detail}` };
      }
      bytes = module.bytes;
      fetched = { cid, source: module.source, cache: module.source === 'cache' ? 'hit' : 'miss', attempts };
    } else {
      try {
        bytes = readFileSync(resolve(modulePath));
      } catch (error) {
        throw new UsageError(`cannot read ${modulePath}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const inspection = inspectModule(bytes, limits);
    const params = inspection.ok ? inspection.facts.exports.find((e) => e.name === exportName)?.signature?.params : undefined;
    const raw = typeof options.inputs === 'string' ? readInputs(options.inputs) : [args];
    const tuples = argumentTuples(raw, params);
    const sandbox = new Sandbox({ limits, poolSize: 1 });
    let results: SandboxResult[];
    let memoryBytes: number;
    try {
      ({ results, memoryBytes } = await sandbox.runMeasured({ module: bytes, export: exportName, args: tuples, trusted: false }));
    } finally {
      await sandbox.dispose();
    }
    const exitCode = results.every((r) => r.verdict === 'ok') ? ExitCode.Ok : ExitCode.Findings;
    const rendered = results.map(jsonResult);
    const data = { module: modulePath, export: exportName, limits, engines, ...fetched, ...(rendered.length === 1 ? rendered[0] : {}), results: rendered, memoryBytes };
    return { exitCode, data, text: results.map(describe).join('\n') };
  },
};
