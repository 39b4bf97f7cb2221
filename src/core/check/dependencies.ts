// Whether a cached analysis still stands: its file is unchanged (the cache key) and so is every file its verdicts
// rest on — the files it imports from, their digests as recorded, and, through their own entries, theirs in turn.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { type CheckCache, type FileSummary, cacheKey, contentDigest, statSignature } from './cache';

export class DependencyCheck {
  private readonly digests = new Map<string, string | undefined>();
  private readonly memo = new Map<string, boolean>();

  constructor(
    private readonly workspace: string,
    private readonly cache: CheckCache,
    private readonly settings: string,
  ) {}

  /** How a dependency is recorded: workspace-relative with `/` inside the workspace, absolute outside. */
  name(file: string): string {
    const rel = relative(this.workspace, file);
    return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
  }

  /** Every recorded dependency has the recorded digest and a cached analysis that still stands (cycles included). */
  unchanged(summary: FileSummary): boolean {
    const visited: string[] = [];
    const stack = new Set<string>([summary.file]);
    const ok = Object.entries(summary.dependencies ?? {}).every(([dependency, digest]) => this.digestOf(dependency) === digest && this.visit(dependency, stack, visited));
    // A "true" reached through a file still being checked was an assumption: it is kept only once the whole walk holds.
    if (ok) for (const file of visited) this.memo.set(file, true);
    return ok;
  }

  private visit(file: string, stack: Set<string>, visited: string[]): boolean {
    const known = this.memo.get(file);
    if (known !== undefined) return known;
    if (stack.has(file)) return true;
    const digest = this.digestOf(file);
    const entry = digest === undefined ? undefined : this.cache.peek(cacheKey(file, digest, this.settings));
    if (!entry) {
      this.memo.set(file, false);
      return false;
    }
    stack.add(file);
    visited.push(file);
    for (const [dependency, recorded] of Object.entries(entry.dependencies ?? {})) {
      if (this.digestOf(dependency) !== recorded || !this.visit(dependency, stack, visited)) {
        this.memo.set(file, false);
        stack.delete(file);
        return false;
      }
    }
    stack.delete(file);
    return true;
  }

  /** The sha-256 of a file's bytes, from its unchanged stat signature when the cache knows it. */
  digestOf(file: string): string | undefined {
    if (this.digests.has(file)) return this.digests.get(file);
    const path = isAbsolute(file) ? file : join(this.workspace, file);
    let digest: string | undefined;
    try {
      const info = statSync(path);
      digest = this.cache.knownDigest(file, statSignature(info));
      if (digest === undefined) {
        const readAt = Date.now();
        digest = contentDigest(readFileSync(path));
        this.cache.rememberDigest(file, info, digest, readAt);
      }
    } catch {
      digest = undefined;
    }
    this.digests.set(file, digest);
    return digest;
  }
}
