/** The gene compiler: pure numeric TypeScript → WebAssembly with exactly JavaScript's results. */
export { compileGene, qualifiedNameOf, type CompileOptions } from './compile-gene';
export { createInProcessExecutor, prepareCall, type GeneExecutor, type RunOutcome } from './gene-executor';
export { javascriptSource, loadJavaScriptGene, type JavaScriptGene, type JavaScriptOutcome } from './javascript-gene';
export type { CompileResult, CompiledGene, FunctionSourceMap, GeneDependency, GeneEntry, GeneParameter, GeneSignature, GeneType, ResultType, Specialisation, UnsupportedGene } from './types';
export { parseGeneValue, toJsonValue, type GeneValue, type JsonGeneValue } from './values';
export { EDGE_VALUES, generateInputs, seededRandom, verifyCompiledGene, verifyGene, type Mismatch, type VerifyOptions, type VerifyReport } from './verify';
export { runGene, type GeneRunResult } from './run-gene';
export { compileSelected, type SelectedCompilation } from './compile-selected';
