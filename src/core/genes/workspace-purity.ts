/**
 * Purity across files: a file's imported names are decided by the summaries of the files they come from, computed
 * lazily (only the files a function actually uses an import of) and cached by a key that covers the file's content
 * and the keys of the files it depends on. Import cycles: files that reach one another through such imports (a
 * strongly connected component) are analysed with each other's imports unknown, i.e. impure ("assume impure on a
 * cycle"); the result does not depend on which file was asked for first.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import ts from 'typescript';
import type { Binding, FileModel, Scope } from './collect';
import { decodeSource } from './decode';
import { type ExtractedFile, analyzeParsed, parseForGenes } from './extract';
import { knownPureName } from './known-pure';
import { type ExportEntry, type ImportOracle, type ImportedMeaning, type ModuleSummary, ownExport } from './module-summary';
import { ModuleResolver, type Resolution } from './module-resolver';
import type { CancellationToken, FileGenes } from './types';

/** When the whole request (the file and the summaries it needs) must stop. */
export interface Budget {
  deadline?: number;
  cancellation?: CancellationToken;
}

class Stopped extends Error {
  constructor(
    readonly code: 'cancelled' | 'budget-exceeded',
    message: string,
  ) {
    super(message);
  }
}

export interface WorkspacePurityOptions {
  /** The workspace folder: no tsconfig.json is looked for above it, and messages name files relative to it. */
  root?: string;
  maxBytes?: number;
  /** Analysed files whose genes are kept for a later request (the files met as dependencies first). */
  keepGenes?: number;
}

export interface WorkspaceFileGenes {
  genes: FileGenes;
  /** Covers the file's content and, through theirs, every file its verdicts rest on: key a cache of its analysis on it. */
  key: string;
  /** The files (absolute) it imports from, with the sha-256 of their bytes: its verdicts rest on their summaries. */
  dependencies: { file: string; digest: string }[];
}

const EMPTY_SUMMARY: ModuleSummary = { exports: {}, stars: [] };
/** Rounds of the fixed point over an import cycle before its imports are left unknown. */
const MAX_ROUNDS = 8;

interface FileNode {
  file: string;
  text: string | undefined;
  /** Why the file has no analysis (unreadable, too large, …). */
  failure?: FileGenes;
  digest: string;
  specifiers: string[];
  model?: FileModel;
  edges: Map<string, Resolution>;
  index: number;
  lowlink: number;
  onStack: boolean;
  /** The first file of its strongly connected component: files with the same one import one another. */
  component?: FileNode;
  key?: string;
  summary?: ModuleSummary;
}

interface Facts {
  /** Import specifiers a function uses a name of, re-exported ones and `export *` ones. */
  specifiers: string[];
}

export class WorkspacePurity {
  /** Summaries by key (content and dependencies): kept across sessions, so an unchanged file is not analysed again. */
  private readonly summaries = new Map<string, ModuleSummary>();
  private readonly facts = new Map<string, Facts>();
  private readonly kept = new Map<string, FileGenes>();
  /** Per file, the stat signature under which its digest was read. */
  private readonly signatures = new Map<string, { signature: string; digest: string }>();
  private readonly pendingSignatures = new Map<string, string>();
  /** Files analysed, and those analysed in an import cycle (a component of more than one file). */
  readonly counts = { analysed: 0, inCycles: 0, cycles: 0 };
  private resolver: ModuleResolver;
  private nodes = new Map<string, FileNode>();
  private overlay = new Map<string, string>();
  private counter = 0;
  private readonly stack: FileNode[] = [];
  private wanted = new Set<string>();
  private budget: Budget = {};

  constructor(private readonly options: WorkspacePurityOptions = {}) {
    this.resolver = new ModuleResolver(options.root);
  }

  /**
   * Forgets what was read from the disk (file contents, module resolution, tsconfig files); the summaries stay,
   * keyed by content. Call it before analysing again after files may have changed (the editor: every request).
   */
  newSession(): void {
    this.resolver = new ModuleResolver(this.options.root);
    this.nodes = new Map();
    this.overlay = new Map();
    this.counter = 0;
  }

  /** Genes of `file` (absolute) with its imports decided; `text`: its content when it is not the one on disk (an editor buffer). */
  analyse(file: string, text?: string, budget: Budget = {}): WorkspaceFileGenes {
    if (text !== undefined && !this.nodes.has(file)) this.overlay.set(file, text);
    this.wanted.add(file);
    this.budget = budget;
    try {
      const node = this.nodes.get(file) ?? this.visit(file);
      const files = new Set([...node.edges.values()].flatMap((r) => (r.kind === 'file' ? [r.file] : [])));
      const dependencies = [...files].map((dependency) => ({ file: dependency, digest: this.nodes.get(dependency)?.digest ?? '' }));
      if (node.failure) {
        // Stopped by the budget is not a fact about the file: the next request tries again.
        if (node.failure.errors.some((e) => e.code === 'budget-exceeded' || e.code === 'cancelled')) this.nodes.delete(file);
        return { genes: node.failure, key: node.key!, dependencies };
      }
      let genes = this.kept.get(node.key!);
      this.kept.delete(node.key!);
      genes ??= this.extract(node).genes;
      return { genes: { ...genes, file }, key: node.key!, dependencies };
    } catch (error) {
      if (!(error instanceof Stopped)) throw error;
      // Half a walk is not a session: forget it (the summaries of finished files stay, keyed by content).
      this.nodes = new Map();
      this.stack.length = 0;
      return { genes: { file, genes: [], skipped: [], errors: [{ code: error.code, message: error.message }] }, key: '', dependencies: [] };
    } finally {
      this.wanted.delete(file);
      this.budget = {};
    }
  }

  /** The requested file's own walk stops with the budget too (a dependency's is checked between files). */
  private parseOptions(file: string): { maxBytes?: number } & Budget {
    return { ...(this.options.maxBytes !== undefined ? { maxBytes: this.options.maxBytes } : {}), ...(this.wanted.has(file) ? this.budget : {}) };
  }

  private checkBudget(): void {
    if (this.budget.cancellation?.isCancellationRequested) throw new Stopped('cancelled', 'the analysis was cancelled');
    if (this.budget.deadline !== undefined && Date.now() > this.budget.deadline) throw new Stopped('budget-exceeded', 'the analysis ran out of its time budget');
  }

  /** Tarjan's algorithm over "uses an import of", depth first; each component is analysed once all it depends on is. */
  private visit(file: string): FileNode {
    this.checkBudget();
    const node = this.load(file);
    this.nodes.set(file, node);
    node.index = node.lowlink = this.counter++;
    this.stack.push(node);
    node.onStack = true;
    for (const specifier of node.specifiers) {
      const resolution = this.resolver.resolve(specifier, file);
      node.edges.set(specifier, resolution);
      if (resolution.kind !== 'file') continue;
      const known = this.nodes.get(resolution.file);
      if (!known) node.lowlink = Math.min(node.lowlink, this.visit(resolution.file).lowlink);
      else if (known.onStack) node.lowlink = Math.min(node.lowlink, known.index);
    }
    if (node.lowlink === node.index) {
      const members: FileNode[] = [];
      let member: FileNode;
      do {
        member = this.stack.pop()!;
        member.onStack = false;
        member.component = node;
        members.push(member);
      } while (member !== node);
      if (members.length > 1) {
        this.counts.cycles++;
        this.counts.inCycles += members.length;
      }
      for (const m of members) m.key = this.keyOf(m);
      if (members.length > 1) {
        // Each member's verdicts rest on the others' contents: one key for the component, in every member's key.
        const component = createHash('sha256');
        for (const m of [...members].sort((a, b) => (a.file < b.file ? -1 : 1))) component.update(`${m.file}\0${m.key!}\0`);
        const componentKey = component.digest('hex');
        for (const m of members) m.key = createHash('sha256').update(m.key!).update(componentKey).digest('hex');
      }
      if (members.length === 1) this.summarize(node);
      else this.summarizeCycle(members);
    }
    return node;
  }

  private load(file: string): FileNode {
    const node: FileNode = { file, text: undefined, digest: '', specifiers: [], edges: new Map(), index: 0, lowlink: 0, onStack: false };
    const overlay = this.overlay.get(file);
    let bytes: Uint8Array | undefined;
    if (overlay !== undefined) {
      bytes = Buffer.from(overlay, 'utf8');
      node.text = overlay;
    } else {
      // A file whose stat is unchanged since it was last read keeps its digest (and, through it, its facts and summary).
      const signature = statSignature(file);
      const seen = signature === undefined ? undefined : this.signatures.get(file);
      if (seen && seen.signature === signature && this.facts.has(seen.digest)) {
        node.digest = seen.digest;
        node.specifiers = this.facts.get(seen.digest)!.specifiers;
        return node;
      }
      const read = readBytes(file);
      if ('code' in read) {
        node.failure = { file, genes: [], skipped: [], errors: [read] };
        node.digest = `unreadable:${read.code}`;
        return node;
      }
      bytes = read.bytes;
      if (signature !== undefined) this.pendingSignatures.set(file, signature);
    }
    node.digest = createHash('sha256').update(bytes).digest('hex');
    const signature = this.pendingSignatures.get(file);
    if (signature !== undefined) {
      this.pendingSignatures.delete(file);
      this.signatures.set(file, { signature, digest: node.digest });
    }
    const facts = this.facts.get(node.digest);
    if (facts) {
      node.specifiers = facts.specifiers;
      return node;
    }
    node.text ??= this.decode(node, bytes);
    if (node.text === undefined) return node;
    const parsed = parseForGenes(file, node.text, this.parseOptions(file));
    if ('genes' in parsed) {
      node.failure = parsed.genes;
      return node;
    }
    node.model = parsed.model;
    node.specifiers = importSpecifiers(parsed.model);
    this.facts.set(node.digest, { specifiers: node.specifiers });
    return node;
  }

  private decode(node: FileNode, bytes: Uint8Array): string | undefined {
    const decoded = decodeSource(bytes);
    if (decoded.ok) return decoded.text;
    node.failure = { file: node.file, genes: [], skipped: [], errors: [decoded.error] };
    return undefined;
  }

  /** The text of a file whose facts came from an earlier read: read again only when it must be analysed. */
  private textOf(node: FileNode): string | undefined {
    if (node.text !== undefined) return node.text;
    const read = readBytes(node.file);
    if ('code' in read) {
      node.failure = { file: node.file, genes: [], skipped: [], errors: [read] };
      return undefined;
    }
    node.text = this.decode(node, read.bytes);
    return node.text;
  }

  /** The content digest with, per import, what it resolves to and that file's key (or that it is in the same cycle). */
  private keyOf(node: FileNode): string {
    const hash = createHash('sha256').update(node.file.slice(node.file.lastIndexOf('.'))).update('\0').update(node.digest);
    for (const [specifier, resolution] of node.edges) {
      hash.update(`\0${specifier}\0${resolution.kind}`);
      if (resolution.kind === 'unresolved') continue;
      hash.update(`\0${resolution.file}`);
      const target = this.nodes.get(resolution.file);
      if (target) hash.update(`\0${target.component === node.component ? 'cycle' : target.key!}`);
    }
    return hash.digest('hex');
  }

  private summarize(node: FileNode): void {
    if (node.failure) {
      node.summary = EMPTY_SUMMARY;
      return;
    }
    const known = this.summaries.get(node.key!);
    if (known && !this.wanted.has(node.file)) {
      node.summary = known;
      node.model = undefined;
      return;
    }
    const extracted = this.extract(node);
    this.counts.analysed++;
    node.summary = extracted.summary ?? EMPTY_SUMMARY;
    this.summaries.set(node.key!, node.summary);
    // Its genes are asked for later (a file met as a dependency first): keep a bounded number.
    const keep = this.options.keepGenes ?? 0;
    if (keep > 0 && !this.wanted.has(node.file)) {
      this.kept.set(node.key!, extracted.genes);
      if (this.kept.size > keep) this.kept.delete(this.kept.keys().next().value!);
    } else if (this.wanted.has(node.file)) this.kept.set(node.key!, extracted.genes);
  }

  /**
   * An import cycle, as a greatest fixed point (as recursion inside a file): every function of the cycle's files is
   * first assumed pure, the files are analysed with that assumption, and again with what came out, until nothing
   * changes; each step can only take purity away. Without a fixed point within MAX_ROUNDS, the cycle's imports stay
   * unknown (impure).
   */
  private summarizeCycle(members: FileNode[]): void {
    const cached = members.map((m) => this.summaries.get(m.key!));
    if (cached.every((summary) => summary !== undefined) && members.every((m) => !this.wanted.has(m.file))) {
      members.forEach((m, i) => (m.summary = cached[i]));
      return;
    }
    const live = members.filter((m) => !m.failure);
    for (const m of members) if (m.failure) m.summary = EMPTY_SUMMARY;
    // Imports inside the cycle unknown: the shape of every export (what is a function) and the fallback.
    const pessimistic = live.map((m) => this.extract(m));
    let assumed = pessimistic.map((extracted) => assumePure(extracted.summary ?? EMPTY_SUMMARY));
    let final: ExtractedFile[] = pessimistic;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      live.forEach((m, i) => (m.summary = assumed[i]));
      const next = live.map((m) => this.extract(m));
      const summaries = next.map((extracted) => extracted.summary ?? EMPTY_SUMMARY);
      if (summaries.every((summary, i) => JSON.stringify(summary) === JSON.stringify(assumed[i]))) {
        final = next;
        break;
      }
      assumed = summaries;
    }
    live.forEach((m, i) => {
      const extracted = final[i]!;
      this.counts.analysed++;
      m.summary = extracted.summary ?? EMPTY_SUMMARY;
      this.summaries.set(m.key!, m.summary);
      if (this.wanted.has(m.file) || (this.options.keepGenes ?? 0) > 0) this.kept.set(m.key!, extracted.genes);
    });
  }

  private extract(node: FileNode): ExtractedFile {
    let model = node.model;
    node.model = undefined;
    const text = this.textOf(node);
    if (text === undefined) return { genes: node.failure! };
    if (!model) {
      const parsed = parseForGenes(node.file, text, this.parseOptions(node.file));
      if ('genes' in parsed) return { genes: parsed.genes };
      model = parsed.model;
    }
    return analyzeParsed(model, text, { imports: this.oracleFor(node) });
  }

  private oracleFor(node: FileNode): ImportOracle {
    return {
      lookup: (specifier, imported, path) => {
        const resolution = node.edges.get(specifier) ?? this.resolver.resolve(specifier, node.file);
        if (resolution.kind !== 'file') {
          const name = knownPureName(specifier, imported, path);
          if (name !== undefined) {
            return { kind: 'export', entry: { kind: 'function', name, line: 0, purity: 'pure', file: specifier }, consumed: path.length };
          }
          if (resolution.kind === 'unresolved') return { kind: 'unknown', message: 'the module cannot be resolved' };
          return { kind: 'unknown', message: resolution.reason === 'declaration' ? 'a declaration file (no bodies to analyse)' : 'a package in node_modules (not analysed)' };
        }
        const target = this.nodes.get(resolution.file);
        if (!target?.summary) {
          const cycle = target && target.component === node.component;
          return { kind: 'unknown', message: cycle ? `${this.show(resolution.file)} and this file import each other (an import cycle): assumed impure` : `${this.show(resolution.file)} was not analysed` };
        }
        if (imported === '*') {
          if (path.length === 0) return { kind: 'unknown', message: 'the whole module is used as a value' };
          return this.lookupIn(target, path[0]!, path, 1, new Set());
        }
        return this.lookupIn(target, imported, path, 0, new Set());
      },
    };
  }

  /** `name` exported by `node`, then the members of `path` from `at` on read from it (class statics, namespaces). */
  private lookupIn(node: FileNode, name: string, path: readonly string[], at: number, seen: Set<string>): ImportedMeaning {
    const found = this.findExport(node, name, seen);
    if (!found) return { kind: 'unknown', message: `${this.show(node.file)} has no analysed export ${name}` };
    if ('meaning' in found) return found.meaning;
    let { entry } = found;
    let consumed = at;
    while (entry.kind === 'container' && consumed < path.length) {
      const member = ownExport({ exports: entry.members, stars: [] }, path[consumed]!);
      if (!member || member.kind === 'reexport') break;
      entry = member;
      consumed++;
    }
    if (entry.kind === 'reexport') return { kind: 'unknown', message: 'an unresolved re-export' };
    return { kind: 'export', entry: { ...entry, file: this.show(found.file) }, consumed };
  }

  private findExport(node: FileNode, name: string, seen: Set<string>): { entry: ExportEntry; file: string } | { meaning: ImportedMeaning } | undefined {
    const visitKey = `${node.file}\0${name}`;
    if (seen.has(visitKey) || !node.summary) return undefined;
    seen.add(visitKey);
    const entry = ownExport(node.summary, name);
    if (entry && entry.kind !== 'reexport') return { entry, file: node.file };
    if (entry) {
      const next = this.follow(node, entry.specifier);
      if (!next) return { meaning: { kind: 'unknown', message: `re-exported from '${entry.specifier}', which is not analysed` } };
      if (entry.imported === '*') return { meaning: { kind: 'unknown', message: 'a re-exported module object' } };
      return this.findExport(next, entry.imported, seen);
    }
    if (name === 'default') return undefined;
    for (const specifier of node.summary.stars) {
      const next = this.follow(node, specifier);
      const found = next && this.findExport(next, name, seen);
      if (found) return found;
    }
    return undefined;
  }

  private follow(node: FileNode, specifier: string): FileNode | undefined {
    const resolution = node.edges.get(specifier);
    if (resolution?.kind !== 'file') return undefined;
    const target = this.nodes.get(resolution.file);
    return target?.summary ? target : undefined;
  }

  /** Workspace-relative with `/`, as the messages name files. */
  private show(file: string): string {
    const root = this.options.root;
    if (!root) return file;
    const rel = relative(root, file);
    return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
  }
}

/** The same exports with every function assumed pure: where the fixed point over a cycle starts. */
function assumePure(summary: ModuleSummary): ModuleSummary {
  const assume = (entries: Record<string, ExportEntry>): Record<string, ExportEntry> => {
    const out = Object.create(null) as Record<string, ExportEntry>;
    for (const [name, entry] of Object.entries(entries)) {
      if (entry.kind === 'function') out[name] = { kind: 'function', name: entry.name, line: entry.line, purity: 'pure' };
      else if (entry.kind === 'container') out[name] = { ...entry, members: assume(entry.members), ...(entry.instance ? { instance: assume(entry.instance) } : {}) };
      else out[name] = entry;
    }
    return out;
  };
  return { exports: assume(summary.exports), stars: summary.stars };
}

function readBytes(file: string): { bytes: Uint8Array } | { code: 'unreadable'; message: string } {
  try {
    return { bytes: readFileSync(file) };
  } catch (error) {
    return { code: 'unreadable', message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
}

function statSignature(file: string): string | undefined {
  try {
    const info = statSync(file, { bigint: true });
    return `${info.size}:${info.mtimeNs}:${info.ctimeNs}:${info.ino}`;
  } catch {
    return undefined;
  }
}

/** The specifiers whose names a function of the file uses, and those the file re-exports. */
function importSpecifiers(model: FileModel): string[] {
  const specifiers = new Set<string>();
  const imports = new Map<string, Binding>();
  for (const binding of model.fileScope.names.values()) if (binding.kind === 'import' && binding.module !== undefined) imports.set(binding.name, binding);
  if (imports.size > 0) {
    for (const ref of model.references) {
      if (!ref.fn) continue;
      const binding = imports.get(ref.id.text);
      if (binding && !specifiers.has(binding.module!) && lookup(ref.scope, ref.id.text) === binding) specifiers.add(binding.module!);
    }
  }
  for (const statement of model.sourceFile.statements) {
    if (!ts.isExportDeclaration(statement) || statement.isTypeOnly) continue;
    if (statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) specifiers.add(statement.moduleSpecifier.text);
    else if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        const binding = imports.get((element.propertyName ?? element.name).text);
        if (binding) specifiers.add(binding.module!);
      }
    }
  }
  return [...specifiers];
}

function lookup(scope: Scope | undefined, name: string): Binding | undefined {
  for (let current = scope; current; current = current.parent) {
    const binding = current.names.get(name);
    if (binding) return binding;
  }
  return undefined;
}
