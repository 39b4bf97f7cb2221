// Finding a gene again: its function node in a parsed file, and a gene by the selector a user typed.
import ts from 'typescript';
import { isGeneNode } from './collect';
import type { Gene } from './types';

/** The function node a gene's offsets point at, found by descending (iteratively) through the nodes that contain it. */
export function findFunctionNode(sourceFile: ts.SourceFile, gene: { start: number; end: number }): ts.FunctionLikeDeclaration | undefined {
  let current: ts.Node | undefined = sourceFile;
  while (current) {
    if (isGeneNode(current) && current.end === gene.end && current.getStart(sourceFile) === gene.start) return current;
    let next: ts.Node | undefined;
    ts.forEachChild(current, (child) => {
      if (child.pos <= gene.start && child.end >= gene.end) {
        next = child;
        return true;
      }
      return undefined;
    });
    current = next;
  }
  return undefined;
}

export type GeneSelection = { ok: true; gene: Gene } | { ok: false; message: string; candidates: string[] };

/**
 * A gene by its qualified name (`Range.contains`), a unique last part of it (`contains`), or `@LINE` (the outermost
 * gene starting on that line).
 */
export function selectGene(genes: readonly Gene[], selector: string): GeneSelection {
  const trimmed = selector.trim();
  const atLine = /^@(\d+)$/.exec(trimmed);
  if (atLine) {
    const line = Number(atLine[1]);
    const onLine = genes.filter((gene) => gene.line === line).sort((a, b) => a.start - b.start);
    if (onLine[0]) return { ok: true, gene: onLine[0] };
    return { ok: false, message: `no function starts on line ${line}`, candidates: [] };
  }
  const exact = genes.find((gene) => gene.name === trimmed);
  if (exact) return { ok: true, gene: exact };
  const bySuffix = genes.filter((gene) => gene.name.endsWith(`.${trimmed}`));
  if (bySuffix.length === 1) return { ok: true, gene: bySuffix[0]! };
  if (bySuffix.length > 1) return { ok: false, message: `'${trimmed}' is ambiguous`, candidates: bySuffix.map((gene) => gene.name) };
  return { ok: false, message: `no function named '${trimmed}'`, candidates: [] };
}
