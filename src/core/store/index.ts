// Content addressing: CIDs, the local module cache, genome CARs and trustless gateway fetch.
import type { CacheLookup, CachePut, ModuleCache } from './cache';
import { cidOfSync } from './cid';
import { type FetchByCidOptions, type FetchByCidResult, fetchByCid } from './gateway';

export { RAW_CODEC, SHA2_256, cidOf, cidOfSync, parseCid, verifyBlock, type BlockCheck, type CidProblem, type ParsedCid } from './cid';
export { DEFAULT_CACHE_MAX_BYTES, ModuleCache, type CacheLookup, type CacheMissReason, type CachePut, type CacheStats, type ModuleCacheOptions } from './cache';
export { GENOME_FORMAT, GENOME_VERSION, exportGenomeCar, readGenomeCar, type GenomeCar, type GenomeCarProblem, type GenomeManifest, type GenomeManifestGene, type GenomeModule, type ReadGenomeCar } from './car';
export {
  DEFAULT_FETCH_MAX_BYTES,
  GatewayAvailability,
  blockUrl,
  fetchByCid,
  gatewaysFromEnv,
  type FetchByCidOptions,
  type FetchByCidResult,
  type GatewayAttempt,
  type GatewayOutcome,
} from './gateway';

export type LoadedModule =
  | { ok: true; cid: string; bytes: Uint8Array; source: 'cache' | 'gateway'; cached: CacheLookup; fetched?: FetchByCidResult }
  | { ok: false; cid: string; cached: CacheLookup; fetched: FetchByCidResult };

/** A module by CID: the local cache first, then the gateways; fetched bytes (already verified) are kept in the cache. */
export async function loadModule(cid: string, cache: ModuleCache, fetchOptions: FetchByCidOptions): Promise<LoadedModule> {
  const cached = await cache.get(cid);
  if (cached.hit) return { ok: true, cid: cached.cid, bytes: cached.bytes, source: 'cache', cached };
  const fetched = await fetchByCid(cid, fetchOptions);
  if (!fetched.ok) return { ok: false, cid: fetched.cid, cached, fetched };
  await cache.put(fetched.bytes);
  return { ok: true, cid: fetched.cid, bytes: fetched.bytes, source: 'gateway', cached, fetched };
}

/** Whether a compiled module was already in the store: a hit counts toward the plan's "IPFS hit rate". */
export type StoredModule = { cache: 'hit' | 'miss'; cid: string; bytes: Uint8Array; put?: CachePut };

/**
 * Keeps a freshly compiled module in the content-addressed store: unchanged source compiles to the same bytes, so the
 * same CID, and is a hit whose verified bytes are the ones that run. A store that cannot write still answers the bytes.
 */
export async function storeCompiledModule(cache: ModuleCache, bytes: Uint8Array): Promise<StoredModule> {
  const cid = cidOfSync(bytes);
  const cached = await cache.get(cid);
  if (cached.hit) return { cache: 'hit', cid, bytes: cached.bytes };
  return { cache: 'miss', cid, bytes, put: await cache.put(bytes) };
}
