export { proteinHash, type Protein } from './protein';
export { labelledTree, type LabelledTree, type NormalizeOptions } from './normalize';
export { structuralDigest, structuralVector, canonicalSerialization, PROTEIN_VERSION, VECTOR_VERSION, PROTEIN_DATA_VERSION, VECTOR_LENGTH, SHALLOW_SECTION, DEEP_SECTION, TOKEN_SECTION } from './fingerprint';
export { logicTokens } from './logic-tokens';
export { behaviourSignature, canonicalInputs } from './behaviour';
export { type SimilarityClass, type Similarity, type Comparable, SIMILARITY_CLASSES, THRESHOLDS, compareProteins, classify, classOfCosine, cosine, proteinCosine, tokensReplaced, parseSimilarityClass } from './similarity';
export { SimilarityIndex, type Match, type QueryOptions, type SerializedIndex } from './similarity-index';
export { listFunctions, type NamedFunction } from './functions';
