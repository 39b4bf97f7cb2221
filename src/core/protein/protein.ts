import ts from 'typescript';
import { behaviourSignature } from './behaviour';
import { structuralDigest, structuralVector } from './fingerprint';
import { labelledTree, type NormalizeOptions } from './normalize';

/** A gene's protein: exact structural digest, similarity vector, and behaviour when the gene is numeric. */
export interface Protein {
  /** `phash/v1:` + base32 sha-256; equal for layout (T1) and renaming (T2) clones. */
  digest: string;
  /** VECTOR_LENGTH components in sections (shallow WL, deep WL, logic-token sketch; see fingerprint.ts), quantized to 1e-6; versioned as VECTOR_VERSION. */
  vector: Float64Array;
  /** `b1:…` outputs on canonical inputs, for genes in the evaluable numeric subset. */
  behaviour?: string;
  /** Nodes of the normalized tree: a size hint for people, not part of the identity. */
  size: number;
}

/**
 * The protein hash of one function. Depends only on the TypeScript syntax tree of the
 * function (the source file is accepted for symmetry with other core calls and unused
 * today: no text, position or file name enters the hash).
 */
export function proteinHash(_sourceFile: ts.SourceFile, gene: ts.FunctionLikeDeclaration, options: NormalizeOptions = {}): Protein {
  const tree = labelledTree(gene, options);
  const behaviour = behaviourSignature(gene, options.selfName);
  return { digest: structuralDigest(tree), vector: structuralVector(tree), ...(behaviour ? { behaviour } : {}), size: tree.labels.length };
}
