import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type ts from 'typescript';
import { type CompileResult, type CompiledGene, compileSelected } from '../../core/compiler';
import { cidOf } from '../../core/store/cid';
import { type Command, UsageError } from '../command';
import { COMPILE_SPEC } from '../analysis-specs';
import { ExitCode } from '../exit-codes';

export interface LoadedGene {
  sourceFile: ts.SourceFile;
  /** The compiler's verdict; purity problems found by the extractor are `unsupported` too. */
  compiled: CompileResult;
}

/** Reads `file`, selects the gene by qualified name or `@LINE`, and compiles it; a bad file or selector is a usage error. */
export function loadAndCompile(workspace: string, file: string | undefined, selector: string | undefined): LoadedGene {
  if (!file || !selector) throw new UsageError('give a file and a gene (its qualified name or @LINE)');
  let text: string;
  try {
    text = readFileSync(resolve(workspace, file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const selected = compileSelected(file, text, selector);
  if (!selected.ok) throw new UsageError(selected.message);
  return { sourceFile: selected.sourceFile, compiled: selected.compiled };
}

/** `compiled for number arguments (inferred: t from JSDoc, power from its uses)` for a specialisation; nothing otherwise. */
export function specialisationLines(compiled: CompiledGene): string[] {
  const specialisation = compiled.specialisation;
  if (!specialisation) return [];
  return [`${specialisation.note} (inferred: ${specialisation.inferred.map((p) => `${p.name} from ${p.from === 'jsdoc' ? 'JSDoc' : 'its uses'}`).join(', ')})`];
}

export const describeRefusal = (result: Extract<CompileResult, { verdict: 'unsupported' }>) => `${result.construct} at ${result.line}:${result.column}: ${result.reason}`;

export const compileCommand: Command = {
  ...COMPILE_SPEC,
  async run(context, options, [file, selector]) {
    const { compiled } = loadAndCompile(context.workspace, file, selector);
    if (compiled.verdict === 'unsupported') {
      const reason = describeRefusal(compiled);
      return {
        exitCode: ExitCode.Findings,
        data: { cid: null, bytes: null, wasmSize: 0, exports: [], verdict: 'unsupported', reason, construct: compiled.construct, line: compiled.line, column: compiled.column },
        text: `unsupported: ${reason}`,
      };
    }
    const cid = await cidOf(compiled.bytes);
    if (typeof options.out === 'string') writeFileSync(resolve(context.workspace, options.out), compiled.bytes);
    return {
      exitCode: ExitCode.Ok,
      data: {
        cid,
        bytes: Buffer.from(compiled.bytes).toString('base64'),
        wasmSize: compiled.bytes.length,
        exports: compiled.exports,
        verdict: 'ok',
        reason: null,
        imports: compiled.imports,
        signature: compiled.signature,
        sourceMap: compiled.sourceMap,
        ...(compiled.specialisation ? { specialisation: compiled.specialisation } : {}),
      },
      text: [`${compiled.name}  ${cid}  ${compiled.bytes.length} bytes`, ...specialisationLines(compiled), `exports: ${compiled.exports.join(', ')}`, ...(typeof options.out === 'string' ? [`written to ${options.out}`] : [])].join('\n'),
    };
  },
};
