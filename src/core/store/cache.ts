import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cidOfSync, parseCid, verifyBlock } from './cid';

export interface ModuleCacheOptions {
  /** Upper bound of the bytes kept in blocks; least recently used blocks go first. Default 64 MiB. */
  maxBytes?: number;
  /** A hit rewrites the block's mtime (the persisted LRU order) at most this often; 0 = on every hit. Default 10 s. */
  touchIntervalMs?: number;
}

export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** Why a lookup missed; a cache never throws at its caller, it only misses. */
export type CacheMissReason = 'absent' | 'corrupted' | 'invalid-cid' | 'unavailable' | 'io-error';

export type CacheLookup = { hit: true; cid: string; bytes: Uint8Array } | { hit: false; cid: string; reason: CacheMissReason; detail?: string };

export type CachePut =
  | { stored: true; cid: string; evicted: string[] }
  | { stored: false; cid: string; reason: 'too-large' | 'unavailable' | 'io-error'; detail: string };

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries whose bytes no longer matched their CID; each was dropped. */
  corrupted: number;
  evictions: number;
  /** Writes that failed (full disk, read-only or missing directory); the cache carried on without them. */
  writeFailures: number;
  /** hits / (hits + misses): the plan's "IPFS hit rate"; null before the first lookup. */
  hitRatio: number | null;
  entries: number;
  bytes: number;
  maxBytes: number;
  /** Null while the directory is usable; otherwise why every operation misses. */
  unavailable: string | null;
}

interface Entry {
  size: number;
  /** When the block's mtime was last set, by this process. */
  touchedAt: number;
}

/** Temp files older than this belong to a writer that died; younger ones may be another process's write in flight. */
const STALE_TEMP_MS = 60 * 60 * 1000;

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * A content-addressed cache of WebAssembly modules in one directory: `blocks/<cid>` holds the bytes,
 * `refs/<sha256(key)>` maps a caller's key (e.g. compiler version + gene source hash) to a CID.
 * Reads are verified against the CID, writes are atomic (temp file + rename), the size is bounded with
 * least-recently-used eviction (access order persisted as file mtimes, so it survives restarts).
 */
export class ModuleCache {
  private readonly entries = new Map<string, Entry>(); // insertion order = least recently used first
  private totalBytes = 0;
  private hits = 0;
  private misses = 0;
  private corrupted = 0;
  private evictions = 0;
  private writeFailures = 0;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly touchIntervalMs: number,
    private unavailable: string | null,
  ) {}

  private get blocksDir(): string {
    return join(this.dir, 'blocks');
  }
  private get tempDir(): string {
    return join(this.dir, 'tmp');
  }
  private get refsDir(): string {
    return join(this.dir, 'refs');
  }

  /** Opens (creating) the cache directory; an unusable directory yields a cache that always misses, with the reason in stats(). */
  static async open(dir: string, options: ModuleCacheOptions = {}): Promise<ModuleCache> {
    const maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    if (!(Number.isFinite(maxBytes) && maxBytes >= 0)) throw new RangeError(`maxBytes must be a non-negative number, got ${maxBytes}`);
    const cache = new ModuleCache(dir, maxBytes, options.touchIntervalMs ?? 10_000, null);
    try {
      for (const sub of [cache.blocksDir, cache.tempDir, cache.refsDir]) await mkdir(sub, { recursive: true });
    } catch (error) {
      cache.unavailable = describe(error);
      return cache;
    }
    await cache.loadIndex();
    await cache.removeStaleTemps();
    await cache.evictOverflow();
    return cache;
  }

  private async loadIndex(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.blocksDir);
    } catch (error) {
      this.unavailable = describe(error);
      return;
    }
    const found: { cid: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      const parsed = parseCid(name);
      if (!parsed.ok || parsed.text !== name) continue; // not ours; never read or delete it
      try {
        const info = await stat(join(this.blocksDir, name));
        if (info.isFile()) found.push({ cid: name, size: info.size, mtimeMs: info.mtimeMs });
      } catch {
        // Removed meanwhile by another process: simply not indexed.
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.cid < b.cid ? -1 : 1));
    for (const { cid, size, mtimeMs } of found) this.remember(cid, size, mtimeMs);
  }

  private async removeStaleTemps(): Promise<void> {
    try {
      const now = Date.now();
      for (const name of await readdir(this.tempDir)) {
        const path = join(this.tempDir, name);
        const info = await stat(path).catch(() => undefined);
        if (info && now - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
      }
    } catch {
      // Leftover temp files cost space, not correctness.
    }
  }

  private remember(cid: string, size: number, touchedAt: number): void {
    this.forget(cid);
    this.entries.set(cid, { size, touchedAt });
    this.totalBytes += size;
  }

  private forget(cid: string): void {
    const entry = this.entries.get(cid);
    if (!entry) return;
    this.entries.delete(cid);
    this.totalBytes -= entry.size;
  }

  private blockPath(cid: string): string {
    return join(this.blocksDir, cid);
  }

  private miss(cid: string, reason: CacheMissReason, detail?: string): CacheLookup {
    this.misses++;
    return detail === undefined ? { hit: false, cid, reason } : { hit: false, cid, reason, detail };
  }

  /** The verified bytes of a module, or a miss with its reason; a corrupted entry is dropped so the caller rebuilds it. */
  async get(cid: string): Promise<CacheLookup> {
    const parsed = parseCid(cid);
    if (!parsed.ok) return this.miss(cid, 'invalid-cid', parsed.detail);
    const key = parsed.text;
    if (this.unavailable !== null) return this.miss(key, 'unavailable', this.unavailable);
    const path = this.blockPath(key);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if (isMissing(error)) {
        this.forget(key);
        return this.miss(key, 'absent');
      }
      return this.miss(key, 'io-error', describe(error));
    }
    const check = verifyBlock(parsed.cid, bytes);
    if (!check.ok) {
      this.corrupted++;
      await this.exclusive(async () => {
        // Re-read under the lock: a concurrent put may have just replaced the bad file with good bytes.
        const current = await readFile(path).catch(() => undefined);
        if (current && verifyBlock(parsed.cid, current).ok) return;
        this.forget(key);
        await unlink(path).catch(() => undefined);
      });
      return this.miss(key, 'corrupted', check.detail);
    }
    // Persisting the order costs a syscall, so recent touches are not repeated; the in-memory order is always exact.
    const entry = this.entries.get(key);
    const now = Date.now();
    if (entry && now - entry.touchedAt < this.touchIntervalMs) this.remember(key, bytes.length, entry.touchedAt);
    // A failed touch means an eviction removed the file meanwhile: the bytes are still good, the index must not list it.
    else if (await this.touch(path)) this.remember(key, bytes.length, now);
    this.hits++;
    return { hit: true, cid: key, bytes };
  }

  /** Marks a block as just used, on disk too, so the LRU order survives a restart. */
  private async touch(path: string): Promise<boolean> {
    const now = new Date();
    try {
      await utimes(path, now, now);
      return true;
    } catch {
      return false;
    }
  }

  /** Stores a module under its CID; failures (full disk, read-only directory) come back as values, never as exceptions. */
  async put(bytes: Uint8Array): Promise<CachePut> {
    return this.exclusive(() => this.putNow(bytes));
  }

  /** Serialises writes and evictions, so an eviction never deletes a file that a concurrent put has just written. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async putNow(bytes: Uint8Array): Promise<CachePut> {
    const cid = cidOfSync(bytes);
    if (this.unavailable !== null) {
      this.writeFailures++;
      return { stored: false, cid, reason: 'unavailable', detail: this.unavailable };
    }
    if (bytes.length > this.maxBytes) return { stored: false, cid, reason: 'too-large', detail: `${bytes.length} bytes exceed the cache bound of ${this.maxBytes}` };
    const path = this.blockPath(cid);
    if (this.entries.has(cid) && (await this.touch(path))) {
      this.remember(cid, bytes.length, Date.now());
      return { stored: true, cid, evicted: [] };
    }
    const temp = join(this.tempDir, `${cid}.${process.pid}.${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(temp, bytes, { flag: 'wx' });
      await rename(temp, path);
    } catch (error) {
      this.writeFailures++;
      await unlink(temp).catch(() => undefined);
      return { stored: false, cid, reason: 'io-error', detail: describe(error) };
    }
    this.remember(cid, bytes.length, Date.now());
    return { stored: true, cid, evicted: await this.evictOverflow() };
  }

  /** Removes least recently used blocks until the total fits the bound. */
  private async evictOverflow(): Promise<string[]> {
    const evicted: string[] = [];
    for (const cid of this.entries.keys()) {
      if (this.totalBytes <= this.maxBytes) break;
      this.forget(cid);
      try {
        await unlink(this.blockPath(cid));
      } catch (error) {
        if (!isMissing(error)) continue; // still on disk; dropped from the index so the loop ends
      }
      this.evictions++;
      evicted.push(cid);
    }
    return evicted;
  }

  private refPath(key: string): string {
    return join(this.refsDir, createHash('sha256').update(key).digest('hex'));
  }

  /** Stores a module and records that `key` names it, e.g. a hash of the compiler version and the gene's source. */
  async putWithKey(key: string, bytes: Uint8Array): Promise<CachePut> {
    const put = await this.put(bytes);
    if (!put.stored) return put;
    const path = this.refPath(key);
    const temp = join(this.tempDir, `ref.${process.pid}.${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(temp, put.cid, { flag: 'wx' });
      await rename(temp, path);
    } catch (error) {
      this.writeFailures++;
      await unlink(temp).catch(() => undefined);
      return { stored: false, cid: put.cid, reason: 'io-error', detail: describe(error) };
    }
    return put;
  }

  /** The module last stored under `key`, verified like get(); a key never stored (or whose block was evicted) is a miss. */
  async getByKey(key: string): Promise<CacheLookup> {
    if (this.unavailable !== null) return this.miss('', 'unavailable', this.unavailable);
    let cid: string;
    try {
      cid = (await readFile(this.refPath(key), 'utf8')).trim();
    } catch (error) {
      return isMissing(error) ? this.miss('', 'absent') : this.miss('', 'io-error', describe(error));
    }
    const lookup = await this.get(cid);
    if (!lookup.hit && lookup.reason !== 'io-error') await unlink(this.refPath(key)).catch(() => undefined);
    return lookup;
  }

  stats(): CacheStats {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      corrupted: this.corrupted,
      evictions: this.evictions,
      writeFailures: this.writeFailures,
      hitRatio: lookups === 0 ? null : this.hits / lookups,
      entries: this.entries.size,
      bytes: this.totalBytes,
      maxBytes: this.maxBytes,
      unavailable: this.unavailable,
    };
  }
}
