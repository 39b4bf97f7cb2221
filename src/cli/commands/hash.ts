import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { listFunctions, proteinHash, type Protein } from '../../core/protein';
import { type Command, UsageError } from '../command';
import { HASH_SPEC } from '../analysis-specs';
import { ExitCode } from '../exit-codes';

/** One function of a file with its protein, as `chimera hash` and `chimera similar` report it. */
export interface HashedGene {
  file: string;
  name: string;
  line: number;
  protein: Protein;
}

/** Parses each file and hashes its named functions; an unreadable file is a usage error. */
export function hashFiles(workspace: string, files: string[]): HashedGene[] {
  if (files.length === 0) throw new UsageError('give at least one file');
  const genes: HashedGene[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(resolve(workspace, file), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    for (const fn of listFunctions(sourceFile)) genes.push({ file, name: fn.name, line: fn.line, protein: proteinHash(sourceFile, fn.node, { selfName: fn.selfName }) });
  }
  return genes;
}

export const hashCommand: Command = {
  ...HASH_SPEC,
  async run(context, options, files) {
    const withVectors = options.vectors === true;
    const genes = hashFiles(context.workspace, files).map(({ file, name, line, protein }) => ({
      file,
      name,
      line,
      protein: protein.digest,
      ...(protein.behaviour ? { behaviour: protein.behaviour } : {}),
      ...(withVectors ? { vector: Array.from(protein.vector) } : {}),
    }));
    const text = genes.map((g) => `${g.file}:${g.line}  ${g.name}  ${g.protein}`).join('\n');
    return { exitCode: ExitCode.Ok, data: { genes }, text: text || 'no functions found' };
  },
};
