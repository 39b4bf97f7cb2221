// The CLI's content-addressed module store: <cache>/modules, where <cache> is --cache or check's cache directory.
import { join, resolve } from 'node:path';
import { defaultCacheDir } from '../core/check/cache';
import { ModuleCache } from '../core/store/cache';

export const CACHE_OPTION = { cache: { type: 'string' } } as const;

/** The cache directory of run, exec and check: --cache DIR, else check's default (never inside the workspace). */
export function cacheDirOf(options: Record<string, unknown>): string {
  return typeof options.cache === 'string' ? resolve(options.cache) : defaultCacheDir();
}

export function openModuleStore(options: Record<string, unknown>): Promise<ModuleCache> {
  return ModuleCache.open(join(cacheDirOf(options), 'modules'));
}
