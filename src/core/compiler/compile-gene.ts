/**
 * compileGene: a pure numeric gene (and the genes of the same file it calls) → one WebAssembly module.
 * Functions are compiled depth-first as they are called; imports and helpers are added on first use and
 * laid out at the end (imports, genes, arity adapters, helpers), so the bytes depend on the source only.
 */
import ts from 'typescript';
import { FUEL_GLOBAL, STATUS_GLOBAL, findHostImport } from '../wasm-abi';
import { GENE_MEMORY_MAX_PAGES, HEAP_BASE_GLOBAL, HEAP_GLOBAL, MEMORY_EXPORT } from '../wasm-string-abi';
import { ModuleStrings } from './strings/module-strings';
import type { MemoryHelperName } from './strings/runtime';
import { type CalleeInfo, FunctionCompiler, type ModuleServices, type OuterValue, type ParameterPlan, Refusal, resultFromAnnotation, typeFromAnnotation, valTypeOf } from './function-compiler';
import { ModuleScope } from './module-scope';
import { enumConstants, enumSource, importedEnum } from './enums';
import { type InferredParameter, unannotatedReturnType, inferredParameter, specialisationOf } from './infer-types';
import * as helpers from './runtime-helpers';
import { CodeBuffer, type DefinedFunction, type FunctionRef, type ImportedFunction, ValType, encodeModule } from './wasm-encoder';
import { type CompileResult, type CompiledGene, type FunctionSourceMap, type GeneDependency, type GeneEntry, type ResultType, isArrayType } from './types';

export interface CompileOptions {
  /** Export name of the gene; by default its qualified name (`clamp`, `Easing.Quadratic.In`). */
  name?: string;
}

const FUEL_INDEX = 0;
const STATUS_INDEX = 1;
/** Only in modules that use strings. */
const HEAP_INDEX = 2;
const HEAP_BASE_INDEX = 3;

interface GeneFunction {
  node: ts.FunctionLikeDeclaration;
  name: string;
  ref: FunctionRef;
  params: ParameterPlan[];
  /** Arguments a call must pass: parameters up to the last one without a default. */
  required: number;
  compiler: FunctionCompiler | undefined;
  adapters: Map<number, { ref: FunctionRef; compiler: FunctionCompiler }>;
}

type HelperName = 'toInt32' | 'fmod' | 'round' | 'sign' | 'outOfFuel';

class ModuleBuilder implements ModuleServices {
  readonly fuelGlobal = FUEL_INDEX;
  readonly functions = new Map<ts.Node, GeneFunction>();
  readonly imports = new Map<string, { ref: FunctionRef; arity: 1 | 2 }>();
  readonly helpers = new Map<HelperName, FunctionRef>();
  readonly dependencies = new Map<ts.Node | string, GeneDependency>();
  private readonly scope = new ModuleScope();
  /** Parameters whose types were inferred rather than declared: the module is a specialisation for them. */
  readonly inferred = new Map<ts.ParameterDeclaration, InferredParameter>();
  private readonly strings = new ModuleStrings();

  constructor(readonly sourceFile: ts.SourceFile) {}

  resolveOuter(fn: ts.Node, name: string, at: ts.Node): OuterValue {
    const binding = this.scope.resolve(fn, name);
    if (binding.kind === 'refused') throw new Refusal(at, name, binding.reason);
    if (binding.kind === 'const') {
      this.addDependency(binding.declaration, 'const', name);
      return { kind: 'const', initializer: binding.initializer, scopeOf: binding.declaration, name };
    }
    if (binding.kind === 'function') return { kind: 'function', node: binding.node, name };
    if (binding.kind === 'enum' || binding.kind === 'import') {
      const constants = binding.kind === 'enum' ? enumConstants(binding.declaration) : importedEnum(this.sourceFile.fileName, binding.specifier, binding.importedName);
      if (!constants) throw new Refusal(at, name, `'${name}' is imported from another module`);
      const key = binding.kind === 'enum' ? binding.declaration : `import:${name}`;
      if (!this.dependencies.has(key)) {
        const start = binding.kind === 'enum' ? binding.declaration.getStart(this.sourceFile) : 0;
        this.dependencies.set(key, { kind: 'enum', name, start, end: binding.kind === 'enum' ? binding.declaration.end : 0, source: enumSource({ ...constants, name }) });
      }
      return { kind: 'enum', constants };
    }
    return binding;
  }

  addDependency(declaration: ts.Node, kind: 'function' | 'const', name: string): void {
    if (this.dependencies.has(declaration)) return;
    const start = ts.isFunctionDeclaration(declaration) && declaration.modifiers
      ? declaration.modifiers.end
      : declaration.getStart(this.sourceFile);
    this.dependencies.set(declaration, { kind, name, start, end: declaration.end });
  }

  callee(node: ts.FunctionLikeDeclaration, name: string, argumentCount: number, at: ts.Node): CalleeInfo {
    const fn = this.geneFunction(node, name);
    if (argumentCount > fn.params.length) throw new Refusal(at, 'extra arguments', `'${name}' takes ${fn.params.length} arguments, the call passes ${argumentCount}`);
    if (argumentCount < fn.required) throw new Refusal(at, 'missing argument', `'${name}' needs ${fn.required} arguments; a missing one would be undefined`);
    const declaration = ts.isFunctionDeclaration(node) ? node : node.parent;
    this.addDependency(declaration, ts.isFunctionDeclaration(node) ? 'function' : 'const', name);
    const ref = argumentCount === fn.params.length ? fn.ref : this.adapter(fn, argumentCount).ref;
    return {
      ref,
      params: fn.params.slice(0, argumentCount).map((p) => p.type),
      get result() {
        return fn.compiler?.resultType;
      },
    };
  }

  /** The gene function for a node, compiled on first request (recursion finds it in progress). */
  geneFunction(node: ts.FunctionLikeDeclaration, name: string): GeneFunction {
    let fn = this.functions.get(node);
    if (fn) return fn;
    checkFunctionShape(node);
    const params = this.planParameters(node);
    let required = 0;
    params.forEach((p, index) => {
      if (!p.initializer) required = index + 1;
    });
    fn = { node, name, ref: { index: -1 }, params, required, compiler: undefined, adapters: new Map() };
    this.functions.set(node, fn);
    const annotated = node.type ? resultFromAnnotation(node.type) : unannotatedReturnType(node);
    if (annotated === 'other') throw new Refusal(node.type!, 'return type', `returns ${node.type!.getText()}, not number, boolean or string`);
    const compiler = new FunctionCompiler(this, node, params, annotated);
    fn.compiler = compiler;
    compiler.chargeFuel();
    compiler.compileBody(node.body!);
    return fn;
  }

  private planParameters(node: ts.FunctionLikeDeclaration): ParameterPlan[] {
    const plans: ParameterPlan[] = [];
    for (const parameter of node.parameters) {
      if (!ts.isIdentifier(parameter.name)) throw new Refusal(parameter, 'destructuring parameter', 'destructuring needs objects or arrays');
      if (parameter.dotDotDotToken) throw new Refusal(parameter, 'rest parameter', 'rest parameters are arrays');
      if (parameter.questionToken) throw new Refusal(parameter, 'optional parameter', `'${parameter.name.text}' may be undefined`);
      const name = parameter.name.text;
      if (name === 'this') throw new Refusal(parameter, 'this', 'genes have no `this`');
      let type = typeFromAnnotation(parameter.type);
      if (type === 'other') throw new Refusal(parameter.type!, 'parameter type', `'${name}' is ${parameter.type!.getText()}, not number or boolean`);
      if (type === undefined && !parameter.initializer) {
        const inferred = inferredParameter(parameter, name);
        type = inferred.type;
        this.inferred.set(parameter, inferred);
      }
      if (type === undefined) type = new FunctionCompiler(this, node, plans, undefined).typeOf(parameter.initializer!);
      plans.push({ name, type, initializer: parameter.initializer, node: parameter });
    }
    return plans;
  }

  /** A function taking the first `count` parameters that evaluates the defaults of the rest, as a JavaScript call would. */
  adapter(fn: GeneFunction, count: number): { ref: FunctionRef; compiler: FunctionCompiler } {
    let adapter = fn.adapters.get(count);
    if (adapter) return adapter;
    const compiler = new FunctionCompiler(this, fn.node, fn.params.slice(0, count), fn.compiler?.resultType);
    adapter = { ref: { index: -1 }, compiler };
    fn.adapters.set(count, adapter);
    const missing = fn.params.slice(count).map((p) => compiler.addMissingParameter(p.name, p.type));
    fn.params.slice(count).forEach((p, i) => compiler.compileDefault(p, missing[i]!));
    for (let i = 0; i < fn.params.length; i++) compiler.code.get(i);
    compiler.code.call(fn.ref);
    return adapter;
  }

  hostImport(name: string, arity: 1 | 2): FunctionRef {
    let entry = this.imports.get(name);
    if (!entry) {
      const declared = findHostImport('Math', name);
      if (!declared || declared.params.length !== arity) throw new Error(`Math.${name}/${arity} is not in HOST_IMPORTS`);
      this.imports.set(name, (entry = { ref: { index: -1 }, arity }));
    }
    return entry.ref;
  }

  helper(name: HelperName): FunctionRef {
    let ref = this.helpers.get(name);
    if (!ref) this.helpers.set(name, (ref = { index: -1 }));
    return ref;
  }

  stringHelper(name: MemoryHelperName): FunctionRef {
    return this.strings.helper(name);
  }

  literal(text: string): number {
    return this.strings.literal(text);
  }

  /** Lays out the function index space and encodes the module. */
  finish(entry: GeneFunction, exportName: string): CompiledGene {
    const imports: ImportedFunction[] = [];
    for (const [name, { ref, arity }] of this.imports) {
      ref.index = imports.length;
      imports.push({ module: 'Math', name, type: { params: arity === 1 ? [ValType.F64] : [ValType.F64, ValType.F64], results: [ValType.F64] } });
    }
    const functions: DefinedFunction[] = [];
    const sourceMap: FunctionSourceMap[] = [];
    const lineOf = (offset: number) => this.sourceFile.getLineAndCharacterOfPosition(offset).line + 1;
    const signatureOf = (params: readonly ParameterPlan[], result: ResultType) => ({ params: params.map((p) => valTypeOf(p.type)), results: [valTypeOf(result)] });
    const add = (name: string, compiler: FunctionCompiler, params: readonly ParameterPlan[], ref: FunctionRef, node: ts.Node) => {
      ref.index = imports.length + functions.length;
      functions.push({ name, type: signatureOf(params, compiler.resultType!), locals: compiler.localTypes, localNames: compiler.localNames, code: compiler.code });
      sourceMap.push({ name, wasmIndex: ref.index, startLine: lineOf(node.getStart(this.sourceFile)), endLine: lineOf(node.end) });
    };
    const genes = [...this.functions.values()];
    for (const fn of genes) add(fn === entry ? exportName : fn.name, fn.compiler!, fn.params, fn.ref, fn.node);
    for (const fn of genes) {
      for (const [count, adapter] of [...fn.adapters].sort((a, b) => a[0] - b[0])) {
        adapter.compiler.resultType = fn.compiler!.resultType;
        add(`${fn === entry ? exportName : fn.name}/${count}`, adapter.compiler, fn.params.slice(0, count), adapter.ref, fn.node);
      }
    }
    const arityExports: Record<number, string> = { [entry.params.length]: exportName };
    for (const count of entry.adapters.keys()) arityExports[count] = `${exportName}/${count}`;
    // A string or array crossing the boundary needs the memory even if no code touches it.
    const inMemory = (type: ResultType) => type === 'string' || isArrayType(type);
    if (inMemory(entry.compiler!.resultType!) || entry.params.some((p) => inMemory(p.type))) this.strings.require();
    const literals = this.strings.texts();
    // String helpers first: they may ask for the numeric helpers (outOfFuel) laid out next.
    const usesStrings = this.strings.used;
    const stringHelpers = usesStrings ? this.strings.build({ statusGlobal: STATUS_INDEX, fuelGlobal: FUEL_INDEX, heapGlobal: HEAP_INDEX, outOfFuel: () => this.helper('outOfFuel') }) : [];
    for (const spec of [helpers.toInt32, helpers.fmod, helpers.round, helpers.sign, helpers.outOfFuel]) {
      const ref = this.helpers.get(spec.name.slice('chimera.'.length) as HelperName);
      if (!ref) continue;
      ref.index = imports.length + functions.length;
      const code = new CodeBuffer();
      spec.build(code, { statusGlobal: STATUS_INDEX });
      functions.push({ name: spec.name, type: spec.type, locals: spec.locals, localNames: spec.localNames, code });
    }
    for (const helper of stringHelpers) {
      helper.ref.index = imports.length + functions.length;
      functions.push({ name: helper.name, type: helper.spec.type, locals: helper.spec.locals, localNames: helper.spec.localNames, code: helper.code });
    }
    const layout = usesStrings ? this.strings.layout() : undefined;
    const functionExports = Object.entries(arityExports)
      .map(([count, name]) => ({ name, index: Number(count) === entry.params.length ? entry.ref.index : entry.adapters.get(Number(count))!.ref.index }))
      .sort((a, b) => a.index - b.index);
    const globals = [
      { name: FUEL_GLOBAL, type: ValType.I64 as const, mutable: true, init: 0 },
      { name: STATUS_GLOBAL, type: ValType.I32 as const, mutable: true, init: 0 },
    ];
    const globalExports = [
      { name: FUEL_GLOBAL, index: FUEL_INDEX },
      { name: STATUS_GLOBAL, index: STATUS_INDEX },
    ];
    if (layout) {
      globals.push({ name: HEAP_GLOBAL, type: ValType.I32, mutable: true, init: layout.heapBase }, { name: HEAP_BASE_GLOBAL, type: ValType.I32, mutable: false, init: layout.heapBase });
      globalExports.push({ name: HEAP_GLOBAL, index: HEAP_INDEX }, { name: HEAP_BASE_GLOBAL, index: HEAP_BASE_INDEX });
    }
    const bytes = encodeModule({
      imports,
      functions,
      globals,
      functionExports,
      globalExports,
      ...(layout ? { memory: { minPages: layout.minPages, maxPages: Math.max(layout.minPages, GENE_MEMORY_MAX_PAGES), exportName: MEMORY_EXPORT }, data: layout.data } : {}),
    });
    const entryShape = entryForm(entry.node, this);
    return {
      verdict: 'ok',
      name: exportName,
      bytes,
      signature: { params: entry.params.map((p) => ({ name: p.name, type: p.type, hasDefault: p.initializer !== undefined })), result: entry.compiler!.resultType! },
      arityExports,
      exports: [...functionExports.map((e) => e.name), ...(layout ? [MEMORY_EXPORT] : []), ...globalExports.map((e) => e.name)],
      imports: imports.map((i) => `Math.${i.name}`),
      sourceMap,
      dependencies: [...this.dependencies.values()].sort((a, b) => a.start - b.start),
      entry: entryShape,
      ...specialisationOf(entry.node, this.inferred),
      ...(literals.length > 0 ? { literals } : {}),
    };
  }
}

function checkFunctionShape(node: ts.FunctionLikeDeclaration): void {
  if (!node.body) throw new Refusal(node, 'declaration without body', 'the function has no body');
  if (node.asteriskToken) throw new Refusal(node, 'generator', 'generators return iterators');
  if (node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) throw new Refusal(node, 'async function', 'async functions return promises');
  if (node.typeParameters?.length) throw new Refusal(node.typeParameters[0]!, 'type parameters', 'generic functions are outside the numeric subset');
  if (ts.isGetAccessor(node) && !ts.isIdentifier(node.name)) throw new Refusal(node.name, 'computed getter name', 'the getter has no plain name');
  // A getter is a function without parameters; setters and constructors only have effects.
  if (ts.isSetAccessor(node) || ts.isConstructorDeclaration(node)) throw new Refusal(node, describeKind(node), 'setters and constructors are not genes');
}

const describeKind = (node: ts.Node) => ts.SyntaxKind[node.kind].replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** Whether the function is bound to a name at module level (a declaration or a const initializer). */
function moduleLevelName(node: ts.FunctionLikeDeclaration): { name: string; declaration: ts.Node } | undefined {
  const isModuleLevel = (n: ts.Node | undefined) => n !== undefined && (ts.isSourceFile(n) || ts.isModuleBlock(n));
  if (ts.isFunctionDeclaration(node) && node.name && isModuleLevel(node.parent)) return { name: node.name.text, declaration: node };
  let parent = node.parent;
  while (parent && ts.isParenthesizedExpression(parent)) parent = parent.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && (parent.parent.flags & ts.NodeFlags.Const) !== 0 && isModuleLevel(parent.parent.parent?.parent)) {
    return { name: parent.name.text, declaration: parent };
  }
  return undefined;
}

function entryForm(node: ts.FunctionLikeDeclaration, builder: ModuleBuilder): GeneEntry {
  const named = moduleLevelName(node);
  if (named) {
    builder.addDependency(named.declaration, ts.isFunctionDeclaration(node) ? 'function' : 'const', named.name);
    return { form: 'declared', name: named.name };
  }
  // Verification rebuilds a method as a property of an object literal: it needs a plain name.
  if ((ts.isMethodDeclaration(node) || ts.isGetAccessor(node)) && !ts.isIdentifier(node.name)) throw new Refusal(node.name, 'method name', `${node.name.getText()} is not a plain name`);
  if ((ts.isMethodDeclaration(node) || ts.isGetAccessor(node)) && ts.isIdentifier(node.name)) {
    const start = node.modifiers ? node.modifiers.end : node.getStart(builder.sourceFile);
    return { form: ts.isGetAccessor(node) ? 'getter' : 'method', name: node.name.text, start, end: node.end };
  }
  return { form: 'expression', start: node.getStart(builder.sourceFile), end: node.end };
}

/** `clamp`, `Easing.Quadratic.In`, `Counter.sum`: the names on the way from the module to the function. */
export function qualifiedNameOf(node: ts.Node): string {
  const parts: string[] = [];
  for (let current: ts.Node | undefined = node; current && !ts.isSourceFile(current); current = current.parent) {
    const name = (current as { name?: ts.Node }).name;
    if ((ts.isFunctionDeclaration(current) || ts.isMethodDeclaration(current) || ts.isPropertyAssignment(current) || ts.isVariableDeclaration(current) || ts.isClassDeclaration(current) || ts.isModuleDeclaration(current) || ts.isPropertyDeclaration(current)) && name && (ts.isIdentifier(name) || ts.isStringLiteral(name))) {
      parts.unshift(name.text);
    }
  }
  return parts.length > 0 ? parts.join('.') : 'gene';
}

/**
 * Compiles the gene `fn` of `sourceFile`. Never throws for a gene outside the subset: that is the
 * `unsupported` verdict with the construct and its position.
 */
export function compileGene(sourceFile: ts.SourceFile, fn: ts.FunctionLikeDeclaration, options: CompileOptions = {}): CompileResult {
  const builder = new ModuleBuilder(sourceFile);
  try {
    const exportName = options.name ?? qualifiedNameOf(fn);
    const entry = builder.geneFunction(fn, exportName);
    // Every shorter valid argument count gets an exported adapter, so a host can call the gene as JavaScript would.
    for (let count = entry.required; count < entry.params.length; count++) builder.adapter(entry, count);
    return builder.finish(entry, exportName);
  } catch (error) {
    if (error instanceof Refusal) return unsupported(sourceFile, error.node, error.construct, error.message);
    if (error instanceof RangeError && /call stack/i.test(error.message)) return unsupported(sourceFile, fn, 'deep nesting', 'the gene is nested too deeply to compile');
    throw error;
  }
}

function unsupported(sourceFile: ts.SourceFile, node: ts.Node, construct: string, reason: string): CompileResult {
  const position = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  return { verdict: 'unsupported', construct, reason, line: position.line + 1, column: position.character + 1 };
}
