// `chimera check`: the plan's CI smoke test of a whole Void workspace.
export { runCheck, recordResult, DEFAULT_FILE_TIMEOUT_MS, type CheckOptions, type CheckOutcome } from './run-check';
export { selectFiles, isSourceFile, type FileSelection } from './walk';
export { globToRegExp, parseIgnoreFile, parseIgnoreLine, matchRules, type IgnoreRule } from './ignore';
export { CheckCache, RACY_MS, cacheKey, contentDigest, defaultCacheDir, settingsKey, statSignature, type FileSummary } from './cache';
export { AnalysisPool, type PoolOutcome } from './pool';
export { toJUnitXml, escapeXml } from './junit';
export { toGitHubAnnotations, annotation, escapeData, escapeProperty } from './github';
export { renderReport, styleFor } from './human';
export { findOnPath } from './monitoring-check';
export * from './types';
