/**
 * The incremental cache of `chimera check`: one pack file per (workspace, tool version), read once at the start of a
 * run and written once, atomically, at the end. It holds
 * - per file path, the stat signature (size, mtime, ctime, inode) under which its content digest was last computed,
 *   so an unchanged file is not even read: the signature is trusted only when the file was already older than
 *   RACY_MS when it was hashed (a write within the timestamp granularity could otherwise keep the signature);
 * - per content key (content digest, extension, tool version, analysis settings), the summary of the analysis.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { PRODUCT } from '../product';
import type { Finding } from './types';

/** Bump when what is cached changes shape or meaning. */
const CACHE_SCHEMA = 6;

/** A file modified this recently (before it was hashed) is hashed again next time: its signature may not show a change. */
export const RACY_MS = 2000;

/** Entries and signatures not used in this many runs over the workspace are dropped, so the pack stays the size of the tree. */
const KEEP_RUNS = 8;

/** What the report needs of one analysed file; all the cache keeps (small, so a warm run reads little). */
export interface FileSummary {
  /** Workspace-relative. */
  file: string;
  counts: { genes: number; pure: number; conditional: number; compiled: number; verified: number; mismatches: number; proteinHashed: number };
  findings: Finding[];
  /** Each hashed gene's digest and the digest of the second, independent hashing (null when it had none). */
  protein: { gene: string; line: number; column: number; digest: string; again: string | null }[];
  /**
   * The files it imports from (workspace-relative, or absolute outside it) and the sha-256 of their bytes when it was
   * analysed: its verdicts rest on their summaries, so the entry stands only while they (and theirs) are unchanged.
   */
  dependencies?: Record<string, string>;
}

interface KnownFile {
  signature: string;
  digest: string;
  lastRun: number;
}

interface PackEntry {
  summary: FileSummary;
  lastRun: number;
}

interface Pack {
  schema: number;
  tool: string;
  workspace: string;
  run: number;
  files: Record<string, KnownFile>;
  entries: Record<string, PackEntry>;
}

/** Where the cache lives without --cache: the user's cache folder, so a check writes nothing into the workspace. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'chimera', 'check');
}

/** What must be unchanged for a file's recorded digest to stand without reading it. */
export function statSignature(info: Stats): string {
  return `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
}

/** The digest of a file's bytes. */
export function contentDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The part of every cache key that is the same for all files of a run: the tool's version and the analysis settings. */
export function settingsKey(settings: unknown): string {
  return createHash('sha256').update(JSON.stringify({ schema: CACHE_SCHEMA, tool: PRODUCT.version, settings })).digest('hex').slice(0, 32);
}

/** A key per analysis: the settings, the file's extension (it decides how it parses) and its content digest. */
export function cacheKey(fileName: string, digest: string, settings: string): string {
  return `${settings}${extname(fileName).toLowerCase()}:${digest}`;
}

function packPath(dir: string, workspace: string): string {
  const id = createHash('sha256').update(JSON.stringify({ schema: CACHE_SCHEMA, tool: PRODUCT.version, workspace })).digest('hex').slice(0, 32);
  return join(dir, 'packs', `${id}.json`);
}

function isPack(value: unknown, workspace: string): value is Pack {
  const pack = value as Partial<Pack> | null;
  return (
    typeof pack === 'object' && pack !== null && pack.schema === CACHE_SCHEMA && pack.tool === PRODUCT.version && pack.workspace === workspace &&
    typeof pack.run === 'number' && typeof pack.files === 'object' && pack.files !== null && typeof pack.entries === 'object' && pack.entries !== null
  );
}

function isSummary(value: unknown): value is FileSummary {
  const summary = value as Partial<FileSummary> | null;
  return typeof summary === 'object' && summary !== null && typeof summary.counts === 'object' && Array.isArray(summary.findings) && Array.isArray(summary.protein);
}

export class CheckCache {
  private readonly run: number;
  private changed = false;

  private constructor(
    private readonly path: string,
    private readonly pack: Pack,
  ) {
    this.run = pack.run + 1;
  }

  /** Reads the workspace's pack; a missing, unreadable or foreign one is an empty cache (everything is analysed again). */
  static async open(dir: string, workspace: string): Promise<CheckCache> {
    const root = resolve(workspace);
    const path = packPath(dir, root);
    let pack: Pack = { schema: CACHE_SCHEMA, tool: PRODUCT.version, workspace: root, run: 0, files: {}, entries: {} };
    try {
      const read: unknown = JSON.parse(await readFile(path, 'utf8'));
      if (isPack(read, root)) pack = read;
    } catch {
      // No pack yet, or a damaged one: start empty.
    }
    return new CheckCache(path, pack);
  }

  /** No analysis recorded: the run will need workers for every file. */
  get isEmpty(): boolean {
    return Object.keys(this.pack.entries).length === 0;
  }

  /** The digest recorded for this file when its stat signature is unchanged; undefined: read and hash it. */
  knownDigest(file: string, signature: string): string | undefined {
    const known = this.pack.files[file];
    if (!known || known.signature !== signature) return undefined;
    known.lastRun = this.run;
    return known.digest;
  }

  /** Records the digest of a file just read; a file modified within RACY_MS of `readAt` keeps no signature. */
  rememberDigest(file: string, info: Stats, digest: string, readAt: number): void {
    if (info.mtimeMs >= readAt - RACY_MS || info.ctimeMs >= readAt - RACY_MS) {
      if (this.pack.files[file]) this.changed = true;
      delete this.pack.files[file];
    } else {
      this.changed = true;
      this.pack.files[file] = { signature: statSignature(info), digest, lastRun: this.run };
    }
  }

  /** A missing or malformed entry is a miss: the file is analysed again. */
  get(key: string, fileName: string): FileSummary | undefined {
    const entry = this.pack.entries[key];
    if (!entry || !isSummary(entry.summary)) return undefined;
    entry.lastRun = this.run;
    const { summary } = entry;
    // The content is the key, so the same text under another name is a hit: report it under this name.
    if (summary.file === fileName) return summary;
    return { ...summary, file: fileName, findings: summary.findings.map((finding) => ({ ...finding, file: fileName })) };
  }

  /** The entry under `key` as stored, without counting it as used. */
  peek(key: string): FileSummary | undefined {
    const entry = this.pack.entries[key];
    return entry && isSummary(entry.summary) ? entry.summary : undefined;
  }

  set(key: string, summary: FileSummary): void {
    this.changed = true;
    this.pack.entries[key] = { summary, lastRun: this.run };
  }

  /**
   * Writes the pack atomically (temporary file, rename): a parallel or interrupted run never reads half of it; two
   * runs at once each write a whole pack, and the last one wins (the other's new entries are analysed again later).
   * A run that learnt nothing writes nothing, so "runs" below count the runs that changed the pack.
   */
  async save(): Promise<void> {
    if (!this.changed) return;
    const oldest = this.run - KEEP_RUNS;
    const pack: Pack = { ...this.pack, run: this.run, files: {}, entries: {} };
    for (const [file, known] of Object.entries(this.pack.files)) if (known.lastRun > oldest) pack.files[file] = known;
    for (const [key, entry] of Object.entries(this.pack.entries)) if (entry.lastRun > oldest) pack.entries[key] = entry;
    await mkdir(join(this.path, '..'), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, JSON.stringify(pack));
    await rename(temporary, this.path);
  }
}
