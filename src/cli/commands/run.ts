import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type GeneRunResult, type GeneType, type GeneValue, parseGeneValue, runGene } from '../../core/compiler';
import { createSandboxExecutor } from '../../core/sandbox/sandbox-executor';
import { Sandbox } from '../../core/sandbox/sandbox';
import { storeCompiledModule } from '../../core/store';
import { type Command, UsageError } from '../command';
import { RUN_SPEC } from '../analysis-specs';
import { ExitCode } from '../exit-codes';
import { limitsFrom } from '../limits';
import { openModuleStore } from '../module-store';
import { describeRefusal, loadAndCompile, specialisationLines } from './compile';

/** WASM_MAX_GAS's default: the fuel budget per call. */
const DEFAULT_FUEL = 10_000_000;

function fuelBudget(option: unknown): number {
  const text = typeof option === 'string' ? option : process.env.WASM_MAX_GAS;
  if (text === undefined || text === '') return DEFAULT_FUEL;
  const fuel = Number(text);
  if (!Number.isSafeInteger(fuel) || fuel <= 0) throw new UsageError(`the fuel budget must be a positive integer, got '${text}'`);
  return fuel;
}

/** On the command line an array is JSON text (`'[1, "NaN", -0]'`); in --inputs it is a JSON array. */
function jsonArrayText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * Reads each argument by the type of its parameter: a string parameter takes the text (or JSON string) as it is, an
 * array parameter a JSON array of its element type (special numbers as "NaN", "Infinity", "-Infinity", "-0").
 */
function parseTuple(values: readonly unknown[], where: string, types: readonly (GeneType | undefined)[]): GeneValue[] {
  return values.map((value, index) => {
    const type = types[index];
    const parsed = parseGeneValue(type?.endsWith('[]') ? jsonArrayText(value) : value, type);
    if (parsed === undefined) {
      const expected = type?.endsWith('[]') ? `a JSON array of ${type.slice(0, -2)}s` : type === 'string' ? 'a string' : 'a number, NaN, Infinity, -Infinity, -0, true or false';
      throw new UsageError(`${where}: argument ${index + 1} (${JSON.stringify(value)}) is not ${expected}`);
    }
    return parsed;
  });
}

function readInputs(workspace: string, file: string): unknown[][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(workspace, file), 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read inputs from ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(parsed) || !parsed.every(Array.isArray)) throw new UsageError(`${file} must hold a JSON array of argument arrays`);
  return parsed as unknown[][];
}

const text = (value: unknown) => (typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value));
const show = (r: GeneRunResult) => (r.verdict === 'ok' ? `${text(r.value)}  (js ${text(r.js)}, ${r.match ? 'match' : 'MISMATCH'}, fuel ${r.fuel}, ${r.ms} ms)` : `${r.verdict}: ${r.reason ?? ''}`);

export interface RunCommandOptions {
  /** The sandbox's entry bundles; by default those next to the CLI bundle (dist/sandbox-worker.js, dist/sandbox-child.js). */
  workerScript?: string;
  childScript?: string;
}

export function createRunCommand(setup: RunCommandOptions = {}): Command {
  return {
    ...RUN_SPEC,
    async run(context, options, [file, selector, ...args]) {
      const fuel = fuelBudget(options.fuel);
      const limits = { ...limitsFrom(options), maxFuel: fuel };
      const batch = typeof options.inputs === 'string';
      if (batch && args.length > 0) throw new UsageError('give arguments on the command line or --inputs, not both');
      const raw = batch ? readInputs(context.workspace, options.inputs as string) : [args];
      const { sourceFile, compiled } = loadAndCompile(context.workspace, file, selector);
      if (compiled.verdict === 'unsupported') {
        const reason = describeRefusal(compiled);
        const data = { verdict: 'unsupported', reason };
        return { exitCode: ExitCode.Findings, data: batch ? { results: raw.map(() => data) } : data, text: `unsupported: ${reason}` };
      }
      const types = compiled.signature.params.map((p) => p.type);
      const inputs = raw.map((tuple, index) => parseTuple(tuple, batch ? `${options.inputs as string} tuple ${index + 1}` : 'command line', types));
      const stored = await storeCompiledModule(await openModuleStore(options), compiled.bytes);
      const sandbox = new Sandbox({ limits, poolSize: 1, childPoolSize: 1, ...scripts(setup) });
      const executor = createSandboxExecutor(sandbox);
      let results: GeneRunResult[];
      try {
        results = await runGene(sourceFile, { ...compiled, bytes: stored.bytes }, inputs, { fuel, timeoutMs: limits.maxTimeMs, executor });
      } finally {
        await sandbox.dispose();
      }
      const allGood = results.every((r) => r.verdict === 'ok' && r.match);
      const measured = { cache: stored.cache, memoryBytes: executor.peakMemoryBytes(), ...(compiled.specialisation ? { specialisation: compiled.specialisation } : {}) };
      return {
        exitCode: allGood ? ExitCode.Ok : ExitCode.Findings,
        data: batch ? { results, ...measured } : { ...results[0], results, ...measured },
        text: [...results.map(show), ...specialisationLines(compiled), `module ${stored.cid} (cache ${stored.cache}), peak memory ${measured.memoryBytes} bytes`].join('\n'),
      };
    },
  };
}

function scripts(setup: RunCommandOptions): { workerScript?: string; childScript?: string } {
  return { ...(setup.workerScript ? { workerScript: setup.workerScript } : {}), ...(setup.childScript ? { childScript: setup.childScript } : {}) };
}

export const runCommand = createRunCommand();
