// The incremental cache of `chimera check`: one JSON file per (file content, tool version, analysis settings).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { extname, join } from 'node:path';
import { PRODUCT } from '../product';
import type { Finding } from './types';

/** Bump when what is cached changes shape or meaning. */
const CACHE_SCHEMA = 2;

/** What the report needs of one analysed file; all the cache keeps (small, so a warm run reads little). */
export interface FileSummary {
  /** Workspace-relative. */
  file: string;
  counts: { genes: number; pure: number; compiled: number; verified: number; mismatches: number; proteinHashed: number };
  findings: Finding[];
  /** Each hashed gene's digest and the digest of the second, independent hashing (null when it had none). */
  protein: { gene: string; line: number; column: number; digest: string; again: string | null }[];
}

/** Where the cache lives without --cache: the user's cache folder, so a check writes nothing into the workspace. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'chimera', 'check');
}

/** A key per file: its bytes, its extension (it decides how it parses), the tool's version and the analysis settings. */
export function cacheKey(fileName: string, text: string, settings: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ schema: CACHE_SCHEMA, tool: PRODUCT.version, ext: extname(fileName).toLowerCase(), settings }))
    .update('\0')
    .update(text)
    .digest('hex');
}

export class AnalysisCache {
  constructor(readonly dir: string) {}

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** A missing or unreadable entry is a miss: the file is analysed again. */
  async get(key: string, fileName: string): Promise<FileSummary | undefined> {
    try {
      const entry = JSON.parse(await readFile(this.pathOf(key), 'utf8')) as FileSummary;
      if (!entry.counts || !Array.isArray(entry.findings) || !Array.isArray(entry.protein)) return undefined;
      // The content is the key, so the same text under another name is a hit: report it under this name.
      if (entry.file !== fileName) {
        entry.file = fileName;
        for (const finding of entry.findings) finding.file = fileName;
      }
      return entry;
    } catch {
      return undefined;
    }
  }

  /** Written atomically (temporary file, rename), so a parallel or interrupted run never reads half an entry. */
  async set(key: string, entry: FileSummary): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, JSON.stringify(entry));
    await rename(temporary, path);
  }
}
