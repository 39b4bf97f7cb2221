/**
 * Differential verification: the compiled gene against its own JavaScript, on edge values and seeded random
 * inputs, compared with Object.is. A mismatch means the compiler is wrong for this gene; it carries the input.
 */
import type ts from 'typescript';
import { compileGene } from './compile-gene';
import { TYPE_ERROR_MESSAGE } from '../wasm-abi';
import { type GeneExecutor, type RunOutcome, createInProcessExecutor } from './gene-executor';
import { EDGE_STRINGS, literalStrings, randomString } from './strings/string-inputs';
import { type JavaScriptGene, type JavaScriptOutcome, loadJavaScriptGene } from './javascript-gene';
import { type CompiledGene, type GeneType, type UnsupportedGene, elementTypeOf, isArrayType } from './types';
import { edgeArrays, randomArray } from './arrays/array-inputs';
import { type GeneElement, type GeneValue, type JsonGeneValue, sameGeneValue, toJsonValue } from './values';

/** The values where JavaScript's numeric semantics are easiest to get wrong. */
export const EDGE_VALUES: readonly number[] = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 2, 3, 7, 10, -7, 100,
  NaN, Infinity, -Infinity,
  2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 31 + 0.5, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, 2 ** 64, 1e21,
  Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON,
];

export interface VerifyOptions {
  /** Seed of the random inputs: the same seed checks the same inputs. */
  seed?: number;
  /** Random tuples on top of the edge tuples. */
  randomInputs?: number;
  /** Fuel per WASM call (WASM_MAX_GAS); JavaScript runs only where the WASM finished within it. */
  fuel?: number;
  /** Wall-clock limit per JavaScript call. */
  timeoutMs?: number;
  executor?: GeneExecutor;
  name?: string;
}

export interface Mismatch {
  input: JsonGeneValue[];
  wasm: string;
  js: string;
}

export interface VerifyReport {
  verdict: 'ok' | 'mismatch' | 'unsupported';
  gene: string;
  /** Inputs where both sides returned a value and were compared. */
  compared: number;
  /** Inputs where a resource limit (fuel, stack, time) stopped one side, so nothing could be compared. */
  inconclusive: number;
  mismatches: Mismatch[];
  unsupported?: UnsupportedGene;
}

/** mulberry32: a small, seeded, reproducible generator. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bits = new DataView(new ArrayBuffer(8));

function randomNumber(random: () => number): number {
  switch (Math.floor(random() * 5)) {
    case 0:
      return Math.floor(random() * 21) - 10;
    case 1:
      return Math.floor(random() * 2001) - 1000;
    case 2:
      return (random() - 0.5) * 2e6;
    case 3:
      return EDGE_VALUES[Math.floor(random() * EDGE_VALUES.length)]!;
    default:
      // Any bit pattern: subnormals, huge magnitudes, NaN.
      bits.setUint32(0, Math.floor(random() * 2 ** 32));
      bits.setUint32(4, Math.floor(random() * 2 ** 32));
      return bits.getFloat64(0);
  }
}

/**
 * Edge tuples (every edge value in every position), then seeded random tuples. Strings take the edge strings and
 * `literals` (the gene's own, which reach its branches) alike.
 */
export function generateInputs(types: readonly GeneType[], seed: number, randomCount: number, literals: readonly string[] = []): GeneValue[][] {
  const random = seededRandom(seed);
  const inputs: GeneValue[][] = [];
  const strings = [...EDGE_STRINGS, ...literalStrings(literals)];
  const arrays = new Map(types.filter(isArrayType).map((type) => [type, edgeArrays(elementTypeOf(type), EDGE_VALUES, strings)]));
  const pick = (type: GeneType, edge: number): GeneValue => {
    if (isArrayType(type)) {
      const edgeArray = arrays.get(type)!;
      return [...edgeArray[edge % edgeArray.length]!];
    }
    return type === 'boolean' ? edge % 2 === 0 : type === 'string' ? strings[edge % strings.length]! : EDGE_VALUES[edge % EDGE_VALUES.length]!;
  };
  if (types.length === 0) return [[]];
  const edges = types.some((type) => type === 'string' || type === 'string[]') ? Math.max(EDGE_VALUES.length, strings.length) : EDGE_VALUES.length;
  for (let edge = 0; edge < edges; edge++) {
    inputs.push(types.map((type) => pick(type, edge)));
    if (types.length > 1) inputs.push(types.map((type, i) => (i === 0 ? pick(type, edge) : pick(type, Math.floor(random() * edges)))));
  }
  const randomElement = (type: GeneType): GeneElement => (type === 'boolean' ? random() < 0.5 : type === 'string' ? randomString(random, literals) : randomNumber(random));
  const randomValue = (type: GeneType): GeneValue => (isArrayType(type) ? randomArray(random, () => randomElement(elementTypeOf(type))) : randomElement(type));
  for (let i = 0; i < randomCount; i++) inputs.push(types.map(randomValue));
  return inputs;
}

const show = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' || typeof value === 'boolean' ? String(toJsonValue(value)) : String(value);
};

export async function verifyGene(sourceFile: ts.SourceFile, fn: ts.FunctionLikeDeclaration, options: VerifyOptions = {}): Promise<VerifyReport> {
  const compiled = compileGene(sourceFile, fn, options.name === undefined ? {} : { name: options.name });
  if (compiled.verdict === 'unsupported') return { verdict: 'unsupported', gene: options.name ?? '', compared: 0, inconclusive: 0, mismatches: [], unsupported: compiled };
  return verifyCompiledGene(sourceFile, compiled, options);
}

export async function verifyCompiledGene(sourceFile: ts.SourceFile, gene: CompiledGene, options: VerifyOptions = {}): Promise<VerifyReport> {
  const inputs = generateInputs(gene.signature.params.map((p) => p.type), options.seed ?? 1, options.randomInputs ?? 200, gene.literals);
  const executor = options.executor ?? createInProcessExecutor();
  const outcomes = await executor.runBatch(gene, inputs, { fuel: options.fuel ?? 1_000_000 });
  let js: JavaScriptGene;
  try {
    js = loadJavaScriptGene(sourceFile, gene, { timeoutMs: options.timeoutMs ?? 100 });
  } catch (error) {
    // Nothing to compare against: the gene stays unverified rather than failing the whole file's analysis.
    const unsupported: UnsupportedGene = { verdict: 'unsupported', construct: 'JavaScript rebuild', reason: `the gene's JavaScript could not be rebuilt: ${error instanceof Error ? error.message : String(error)}`, line: 1, column: 1 };
    return { verdict: 'unsupported', gene: gene.name, compared: 0, inconclusive: 0, mismatches: [], unsupported };
  }
  const expected = await rerunPastTimeLimit(gene, inputs, outcomes, js, executor, options.fuel ?? 1_000_000);
  const report: VerifyReport = { verdict: 'ok', gene: gene.name, compared: 0, inconclusive: 0, mismatches: [] };
  inputs.forEach((input, i) => {
    const wasm = outcomes[i]!;
    const mismatch = compareOne(wasm, input, js, expected.get(i));
    if (mismatch === 'inconclusive') report.inconclusive++;
    else {
      report.compared++;
      if (mismatch) report.mismatches.push({ input: input.map(toJsonValue), ...mismatch });
    }
  });
  if (report.mismatches.length > 0) report.verdict = 'mismatch';
  return report;
}

/** The JavaScript gets its own copies: the WebAssembly's arguments were written from the originals. */
const callJavaScript = (js: JavaScriptGene, input: readonly GeneValue[]): JavaScriptOutcome => js.call(input.map((value) => (Array.isArray(value) ? [...value] : value)));

/**
 * A call stopped by the sandbox's time limit ends its whole batch, and the calls after it never ran (e.g. `count(s, '')`
 * loops for ever, in JavaScript too). Which call looped is not known (progress is reported in chunks), so the
 * JavaScript, bounded by its own time limit, says which of the unanswered inputs end; those run again, once. Returns
 * the JavaScript outcomes it computed, by input index.
 */
async function rerunPastTimeLimit(gene: CompiledGene, inputs: readonly (readonly GeneValue[])[], outcomes: RunOutcome[], js: JavaScriptGene, executor: GeneExecutor, fuel: number): Promise<Map<number, JavaScriptOutcome>> {
  const expected = new Map<number, JavaScriptOutcome>();
  const stopped = outcomes.findIndex((outcome) => outcome.verdict === 'timeout');
  if (stopped === -1) return expected;
  const again: number[] = [];
  for (let i = stopped; i < inputs.length; i++) {
    if (outcomes[i]!.verdict !== 'timeout') continue;
    const outcome = callJavaScript(js, inputs[i]!);
    expected.set(i, outcome);
    if (outcome.verdict !== 'timeout') again.push(i);
  }
  if (again.length === 0) return expected;
  const rerun = await executor.runBatch(gene, again.map((i) => inputs[i]!), { fuel });
  again.forEach((row, k) => (outcomes[row] = rerun[k]!));
  return expected;
}

function compareOne(wasm: RunOutcome, input: readonly GeneValue[], js: JavaScriptGene, known: JavaScriptOutcome | undefined): { wasm: string; js: string } | undefined | 'inconclusive' {
  // Without fuel JavaScript could run for ever: only inputs the WASM finished are worth running. The sandbox's time
  // limit and out of memory are resource limits too (JavaScript's own limits differ, e.g. "Invalid string length").
  if (wasm.verdict === 'out-of-fuel' || wasm.verdict === 'timeout' || wasm.verdict === 'unsupported' || wasm.verdict === 'memory-limit') return 'inconclusive';
  const expected = known ?? callJavaScript(js, input);
  if (expected.verdict === 'timeout') return 'inconclusive';
  if (expected.verdict === 'threw' && /call stack/i.test(expected.message)) return 'inconclusive';
  if (wasm.verdict === 'stack-overflow') return 'inconclusive';
  const jsText = expected.verdict === 'ok' ? show(expected.value) : `threw ${expected.message}`;
  // Reading a property of undefined: both sides threw a TypeError.
  if (wasm.verdict === 'trap' && wasm.message === TYPE_ERROR_MESSAGE && expected.verdict === 'threw' && /TypeError|Cannot read/.test(expected.message)) return undefined;
  if (wasm.verdict !== 'ok') return { wasm: `${wasm.verdict} ${wasm.message}`, js: jsText };
  if (expected.verdict === 'ok' && sameGeneValue(wasm.value, expected.value)) return undefined;
  return { wasm: show(wasm.value), js: jsText };
}
