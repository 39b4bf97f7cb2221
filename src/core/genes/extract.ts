// extractGenes: file text → every function with its name, range, signature and purity verdict, as plain data.
import { createHash } from 'node:crypto';
import ts from 'typescript';
import { type FileModel, type FunctionInfo, collect } from './collect';
import { type NumericSignature, inferNumeric } from './numeric';
import { type ModuleSummary, summarize } from './module-summary';
import { type Fact, analyzePurity } from './purity';
import { DEFAULT_MAX_BYTES, type ExtractOptions, type FileGenes, type Gene, type GeneParam, type Reason, type SkippedGene } from './types';

export function scriptKindOf(fileName: string): ts.ScriptKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(lower)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Parses `text` the way every Chimera module does, so that gene offsets find the same nodes. */
export function parseSource(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
}

export function extractGenes(fileName: string, text: string, options: ExtractOptions = {}): FileGenes {
  return extractGenesWithSource(fileName, text, options).genes;
}

export interface ExtractedFile {
  genes: FileGenes;
  /** Absent when the file could not be parsed or analysed. */
  sourceFile?: ts.SourceFile;
  /** What the file's exports are, for the files that import it. */
  summary?: ModuleSummary;
}

/** extractGenes, also handing back the parsed file so later stages (compiler, protein hash) need not parse it again. */
export function extractGenesWithSource(fileName: string, text: string, options: ExtractOptions = {}): ExtractedFile {
  const parsed = parseForGenes(fileName, text, options);
  return 'model' in parsed ? analyzeParsed(parsed.model, text, options) : parsed;
}

/** The first half of extraction: the parse and the walk (what the imports of a file are is known from here). */
export function parseForGenes(fileName: string, text: string, options: ExtractOptions = {}): { model: FileModel } | { genes: FileGenes } {
  const result: FileGenes = { file: fileName, genes: [], skipped: [], errors: [] };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    result.errors.push({ code: 'too-large', message: `the file has ${bytes} bytes, more than the ${maxBytes}-byte limit for analysis` });
    return { genes: result };
  }
  try {
    const sourceFile = parseSource(fileName, text);
    const collected = collect(sourceFile, options);
    if (!collected.ok) {
      result.errors.push({ code: collected.code, message: collected.message });
      return { genes: result };
    }
    return { model: collected.model };
  } catch (error) {
    // The TypeScript parser recurses; give the worker a larger stack (resourceLimits.stackSizeMb) to go deeper.
    return { genes: tooDeep(result, error) };
  }
}

/** The second half: purity (with the summaries of imported files, when `options.imports` is given) and the genes. */
export function analyzeParsed(model: FileModel, text: string, options: ExtractOptions = {}): ExtractedFile {
  const result: FileGenes = { file: model.sourceFile.fileName, genes: [], skipped: [], errors: [] };
  try {
    return analyzeModel(model, text, result, options.imports);
  } catch (error) {
    return { genes: tooDeep(result, error) };
  }
}

/** A stack overflow (RangeError) in the parser or the analysis: the file's one error; anything else is rethrown. */
function tooDeep(result: FileGenes, error: unknown): FileGenes {
  if (!(error instanceof RangeError)) throw error;
  result.genes = [];
  result.skipped = [];
  result.errors.push({ code: 'too-deep', message: 'the code is nested too deeply to parse on this thread' });
  return result;
}

function analyzeModel(model: FileModel, text: string, result: FileGenes, imports: ExtractOptions['imports']): ExtractedFile {
  const { sourceFile, functions } = model;
  const locate = locator(sourceFile, text);
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const broken = new Map<FunctionInfo, ts.DiagnosticWithLocation>();
  if (diagnostics.length > 0) {
    for (const fn of functions) {
      const start = fn.node.getStart(sourceFile);
      const hit = diagnostics.find((d) => d.start >= start && d.start <= fn.node.end);
      if (hit) broken.set(fn, hit);
    }
  }
  for (const { node, name, kind } of model.bodiless) {
    const start = node.getStart(sourceFile);
    const hit = diagnostics.find((d) => d.start >= start && d.start <= node.end);
    if (!hit) continue;
    const [line, column] = locate(start);
    const [endLine, endColumn] = locate(node.end);
    result.skipped.push({ name, kind, line, column, endLine, endColumn, start, end: node.end, reason: syntaxReason(hit, locate) });
  }
  const purity = analyzePurity(model, new Set(broken.keys()), imports);
  const pure = new Set(functions.filter((fn) => !broken.has(fn) && purity.impure[fn.index]!.length === 0));
  const numeric = inferNumeric(model, pure, purity.bindingOf, purity.geneAt);

  const seenNames = new Map<string, number>();
  const seenIds = new Map<string, number>();
  for (const fn of functions) {
    const start = fn.node.getStart(sourceFile);
    const end = fn.node.end;
    const occurrence = (seenNames.get(fn.name) ?? 0) + 1;
    seenNames.set(fn.name, occurrence);
    const name = occurrence === 1 ? fn.name : `${fn.name}#${occurrence}`;
    const [line, column] = locate(start);
    const [endLine, endColumn] = locate(end);
    const diagnostic = broken.get(fn);
    if (diagnostic) {
      const skipped: SkippedGene = { name, kind: fn.kind, line, column, endLine, endColumn, start, end, reason: syntaxReason(diagnostic, locate) };
      result.skipped.push(skipped);
      continue;
    }
    const signature = numeric.get(fn);
    // Whitespace-insensitive, position-free: the id survives edits elsewhere; twins (same name and text) are numbered.
    const digest = createHash('sha256').update(fn.name).update('\n').update(text.slice(start, end).replace(/\s+/g, ' ')).digest('hex');
    const twin = (seenIds.get(digest) ?? 0) + 1;
    seenIds.set(digest, twin);
    const id = twin === 1 ? digest.slice(0, 16) : createHash('sha256').update(`${digest}\n${twin}`).digest('hex').slice(0, 16);
    const isPure = pure.has(fn);
    const conditions = purity.notes[fn.index]!;
    const receiver = isPure && purity.receiver[fn.index]!;
    const verdict = !isPure ? 'impure' : conditions.length > 0 ? 'conditional' : 'pure';
    const gene: Gene = {
      id,
      name,
      kind: fn.kind,
      line,
      column,
      endLine,
      endColumn,
      start,
      end,
      purity: verdict,
      receiver,
      standalone: !purity.captures[fn.index]!,
      initializesThis: purity.initializes[fn.index]!,
      readsModuleLet: isPure && purity.moduleLets[fn.index]!,
      constructsValue: isPure && purity.constructsValue[fn.index]!,
      mayThrow: purity.mayThrow[fn.index]!,
      // Only unconditional genes without a receiver that stand alone: what the compiler may take.
      numeric: signature !== undefined && verdict === 'pure' && !receiver && !purity.captures[fn.index]! && !purity.initializes[fn.index]!,
      params: paramsOf(fn, signature, sourceFile),
      returns: fn.node.type ? fn.node.type.getText(sourceFile) : (signature?.returns ?? null),
      reasons: reasonsOf(isPure ? [...conditions, ...purity.links[fn.index]!] : purity.impure[fn.index]!, locate, sourceFile),
    };
    result.genes.push(gene);
  }
  result.skipped.sort((a, b) => a.start - b.start);
  const calledAt = new Map(functions.map((fn) => [fn.node.getStart(sourceFile), purity.calledParameters[fn.index]]));
  const summary = summarize({ model, genes: result.genes, bindingOf: purity.bindingOf, constantKind: purity.constantKind, isPrimitive: purity.isPrimitive, calledParameters: (start) => calledAt.get(start), valueClass: purity.valueClass });
  return { genes: result, sourceFile, summary };
}

function syntaxReason(diagnostic: ts.DiagnosticWithLocation, locate: (offset: number) => [number, number]): Reason {
  const [line, column] = locate(diagnostic.start);
  return { code: 'syntax-error', message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '), line, column };
}

function paramsOf(fn: FunctionInfo, signature: NumericSignature | undefined, sourceFile: ts.SourceFile): GeneParam[] {
  return fn.node.parameters.map((parameter, index) => ({
    name: `${parameter.dotDotDotToken ? '...' : ''}${parameter.name.getText(sourceFile)}`,
    type: parameter.type ? parameter.type.getText(sourceFile) : (signature?.params[index] ?? null),
  }));
}

function reasonsOf(facts: readonly Fact[], locate: (offset: number) => [number, number], sourceFile: ts.SourceFile): Reason[] {
  const seen = new Set<string>();
  const reasons: (Reason & { offset: number })[] = [];
  for (const fact of facts) {
    const key = `${fact.code}\0${fact.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const offset = fact.node.getStart(sourceFile);
    const [line, column] = locate(offset);
    reasons.push({ code: fact.code, message: fact.message, line, column, offset, ...(fact.target ? { target: fact.target } : {}) });
  }
  reasons.sort((a, b) => a.offset - b.offset);
  return reasons.map(({ code, message, line, column, target }) => ({ code, message, line, column, ...(target ? { target } : {}) }));
}

/** 1-based line and column (UTF-16 code units, as editors count) of an offset; a leading BOM is not a column. */
function locator(sourceFile: ts.SourceFile, text: string): (offset: number) => [number, number] {
  const bom = text.charCodeAt(0) === 0xfeff;
  return (offset) => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(offset);
    return [line + 1, character + 1 - (bom && line === 0 ? 1 : 0)];
  };
}
