import type ts from 'typescript';
import { type Gene, extractGenesWithSource, findFunctionNode, selectGene } from '../genes';
import { compileGene } from './compile-gene';
import type { CompileResult } from './types';

export type SelectedCompilation =
  | { ok: true; sourceFile: ts.SourceFile; gene: Gene; compiled: CompileResult }
  | { ok: false; message: string };

/**
 * Finds a gene in a file by qualified name or `@LINE` and compiles it. What the extractor found impure or able to
 * throw is refused as `unsupported` with its reason, so the compiler only ever sees genes it may compile.
 */
export function compileSelected(fileName: string, text: string, selector: string): SelectedCompilation {
  const { genes: extracted, sourceFile } = extractGenesWithSource(fileName, text);
  if (!sourceFile || extracted.errors.length > 0) return { ok: false, message: `${fileName}: ${extracted.errors.map((e) => e.message).join('; ')}` };
  const selection = selectGene(extracted.genes, selector);
  if (!selection.ok) return { ok: false, message: `${selection.message}${selection.candidates.length ? ` (candidates: ${selection.candidates.join(', ')})` : ''}` };
  const gene = selection.gene;
  const fn = findFunctionNode(sourceFile, gene);
  if (!fn) return { ok: false, message: `the gene ${gene.name} has no function node` };
  if (gene.purity !== 'pure' || gene.mayThrow) {
    const refusal = gene.reasons.find((reason) => reason.code !== 'calls-parameter');
    const why = refusal ?? { message: gene.mayThrow ? 'the gene may throw' : gene.purity === 'conditional' ? 'the gene is pure only if the functions it calls through parameters are' : 'the gene is impure', line: gene.line, column: gene.column };
    return { ok: true, sourceFile, gene, compiled: { verdict: 'unsupported', construct: gene.mayThrow ? 'mayThrow' : 'impure', reason: why.message, line: why.line, column: why.column } };
  }
  return { ok: true, sourceFile, gene, compiled: compileGene(sourceFile, fn, { name: gene.name }) };
}
