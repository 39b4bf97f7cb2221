// `chimera genes <file…>`: every function of each file with its purity verdict and reasons.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type FileGenes, type Gene, decodeSource, extractGenes, verdictMarks } from '../../core/genes';
import { WorkspacePurity } from '../../core/genes/workspace-purity';
import { type Command, UsageError } from '../command';
import { GENES_SPEC } from '../analysis-specs';
import { ExitCode } from '../exit-codes';

export const genesCommand: Command = {
  ...GENES_SPEC,
  async run(_context, options, positionals) {
    if (positionals.length === 0) throw new UsageError('chimera genes needs at least one file');
    const maxBytes = parseMaxBytes(options['max-bytes']);
    const workspace = await parseWorkspace(options.workspace, maxBytes);
    const files: FileGenes[] = [];
    let unreadable = false;
    for (const file of positionals) {
      const analyzed = await extractFileGenes(file, maxBytes, workspace);
      if (analyzed.errors.some((error) => error.code === 'unreadable' || error.code === 'not-utf8')) unreadable = true;
      files.push(analyzed);
    }
    // Impure genes are what the analysis is for, not findings; only files that could not be read fail the run.
    return { exitCode: unreadable ? ExitCode.Error : ExitCode.Ok, data: { files }, text: files.map(renderFile).join('\n\n') };
  },
};

function parseMaxBytes(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const bytes = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(bytes) || bytes <= 0) throw new UsageError(`--max-bytes takes a positive whole number of bytes, not '${String(value)}'`);
  return bytes;
}

/** `--workspace DIR`: imports resolved against the files of DIR, each with its nearest tsconfig.json. */
async function parseWorkspace(value: unknown, maxBytes: number | undefined): Promise<WorkspacePurity | undefined> {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError('--workspace takes a folder');
  const root = resolve(value);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--workspace ${value} is not a folder`);
  return new WorkspacePurity({ root, ...(maxBytes !== undefined ? { maxBytes } : {}), keepGenes: 1000 });
}

async function extractFileGenes(file: string, maxBytes: number | undefined, workspace: WorkspacePurity | undefined): Promise<FileGenes> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(resolve(file));
  } catch (error) {
    const message = error instanceof Error && 'code' in error ? `cannot read the file (${String((error as NodeJS.ErrnoException).code)})` : 'cannot read the file';
    return { file, genes: [], skipped: [], errors: [{ code: 'unreadable', message }] };
  }
  const decoded = decodeSource(bytes);
  if (!decoded.ok) return { file, genes: [], skipped: [], errors: [decoded.error] };
  if (workspace) return { ...workspace.analyse(resolve(file), decoded.text).genes, file };
  return extractGenes(file, decoded.text, maxBytes === undefined ? {} : { maxBytes });
}

function verdict(gene: Gene): string {
  if (gene.purity !== 'impure') {
    const marks = [gene.purity, ...verdictMarks(gene), gene.numeric ? 'numeric' : '', gene.mayThrow ? 'may throw' : ''].filter(Boolean).join(' · ');
    const condition = gene.reasons.length > 0 ? ` (${gene.reasons.map((r) => `${r.message}, line ${r.line}`).join('; ')})` : '';
    return marks + condition;
  }
  const first = gene.reasons[0];
  return first ? `impure: ${first.message}, line ${first.line}` : 'impure';
}

function renderFile(result: FileGenes): string {
  const count = (purity: Gene['purity']) => result.genes.filter((g) => g.purity === purity).length;
  const lines = [`${result.file}: ${result.genes.length} genes, ${count('pure')} pure, ${count('conditional')} conditional`];
  for (const error of result.errors) lines.push(`  error ${error.code}: ${error.message}`);
  for (const gene of result.genes) lines.push(`  ${gene.line}:${gene.column}  ${gene.name} (${gene.kind})  ${verdict(gene)}`);
  for (const skipped of result.skipped) lines.push(`  ${skipped.line}:${skipped.column}  ${skipped.name} (${skipped.kind})  skipped: ${skipped.reason.message}, line ${skipped.reason.line}`);
  return lines.join('\n');
}
