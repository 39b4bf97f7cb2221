export { proteinHash, type Protein } from './protein';
export { labelledTree, type LabelledTree, type NormalizeOptions } from './normalize';
export { structuralDigest, structuralVector, canonicalSerialization, PROTEIN_VERSION, VECTOR_LENGTH } from './fingerprint';
export { behaviourSignature, canonicalInputs } from './behaviour';
export { type SimilarityClass, type Similarity, type Comparable, SIMILARITY_CLASSES, THRESHOLDS, compareProteins, classify, classOfCosine, cosine, parseSimilarityClass } from './similarity';
export { SimilarityIndex, type Match, type QueryOptions, type SerializedIndex } from './similarity-index';
export { listFunctions, type NamedFunction } from './functions';
