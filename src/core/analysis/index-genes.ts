/**
 * One file's genes for the workspace index, in an analysis worker: the genes `analyzeFile` finds (same names, same
 * lines, same protein hashes), without what the index never reads (purity, numeric types, reasons, summaries), and
 * sent as one compact block whose arrays are transferred, not copied.
 */
import type ts from 'typescript';
import { parseForGenes } from '../genes/extract';
import type { CancellationToken, FileError } from '../genes';
import { type GeneBlock, type GeneProtein, geneBlock } from '../protein/compact-index';
import { proteinHash } from '../protein';

export interface IndexGenesRequest {
  fileName: string;
  text: string;
  /** Epoch ms after which the analysis stops with `budget-exceeded`. */
  deadline?: number;
  cancellation?: CancellationToken;
}

/** `stopped`: the deadline or a cancellation cut the file short (left out, retried next time). */
export type IndexGenesResult = { ok: true; block: GeneBlock } | { ok: false; stopped: FileError };

const EMPTY: readonly GeneProtein[] = [];

function stopped(request: IndexGenesRequest): FileError | undefined {
  if (request.cancellation?.isCancellationRequested) return { code: 'cancelled', message: 'The index build was cancelled.' };
  if (request.deadline !== undefined && Date.now() > request.deadline) return { code: 'budget-exceeded', message: 'The file ran out of its time budget.' };
  return undefined;
}

/**
 * The genes of a file as extraction names them: every collected function in source order, `name#n` for the n-th of
 * a name, and the ones a syntax error falls in left out (skipped); a file extraction refuses has none.
 */
function hashedGenes(sourceFile: ts.SourceFile, functions: readonly { node: ts.FunctionLikeDeclaration; name: string }[], request: IndexGenesRequest): GeneProtein[] | FileError {
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const seenNames = new Map<string, number>();
  const genes: GeneProtein[] = [];
  for (const fn of functions) {
    const start = fn.node.getStart(sourceFile);
    const occurrence = (seenNames.get(fn.name) ?? 0) + 1;
    seenNames.set(fn.name, occurrence);
    if (diagnostics.length > 0 && diagnostics.some((d) => d.start >= start && d.start <= fn.node.end)) continue;
    const halt = stopped(request);
    if (halt) return halt;
    const name = occurrence === 1 ? fn.name : `${fn.name}#${occurrence}`;
    const protein = proteinHash(sourceFile, fn.node, { selfName: name.split('.').pop()! });
    genes.push({ name, line: sourceFile.getLineAndCharacterOfPosition(start).line + 1, digest: protein.digest, vector: protein.vector, behaviour: protein.behaviour });
  }
  return genes;
}

export function indexGenes(request: IndexGenesRequest): IndexGenesResult {
  const parsed = parseForGenes(request.fileName, request.text, {
    ...(request.deadline !== undefined ? { deadline: request.deadline } : {}),
    ...(request.cancellation ? { cancellation: request.cancellation } : {}),
  });
  if ('genes' in parsed) {
    const halt = parsed.genes.errors.find((e) => e.code === 'cancelled' || e.code === 'budget-exceeded');
    // Too large, too deep: extraction gives such a file no genes, and so does the index.
    return halt ? { ok: false, stopped: halt } : { ok: true, block: geneBlock(EMPTY) };
  }
  const genes = hashedGenes(parsed.model.sourceFile, parsed.model.functions, request);
  return Array.isArray(genes) ? { ok: true, block: geneBlock(genes) } : { ok: false, stopped: genes };
}
