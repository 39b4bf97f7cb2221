// Gene extraction: every function in a file, with a purity verdict and its reasons. Runs in the analysis worker.
export { extractGenes, extractGenesWithSource, parseSource, scriptKindOf } from './extract';
export { findFunctionNode, selectGene, type GeneSelection } from './find';
export { decodeSource, type DecodedSource } from './decode';
export * from './types';
