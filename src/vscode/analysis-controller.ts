import * as vscode from 'vscode';
import type { FileAnalysis } from '../core/analysis/pipeline';
import type { Features } from '../core/rollout/detect';
import { type Need, permission } from '../core/rollout/gate';
import { AnalysisWorker, type WorkerCall } from '../core/analysis/worker-client';
import type { WorkerEvent, WorkerOp, WorkerOps } from '../core/analysis/protocol';
import { readConfig } from './config';
import type { Observability } from './observability';
import type { RolloutService } from './rollout-service';

const LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);
const DEBOUNCE_MS = 400;

export function isAnalyzable(document: vscode.TextDocument): boolean {
  return LANGUAGES.has(document.languageId) && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

/** Why Chimera may not act, or undefined when it may (the core gate: trust first, then the flags). */
export function refusal(features: Features | undefined, need: Need): string | undefined {
  if (!features) return vscode.workspace.isTrusted ? 'the rollout flags have not been read yet' : 'the workspace is not trusted (Restricted Mode)';
  const decision = permission(features, need, vscode.workspace.isTrusted);
  return decision.allowed ? undefined : decision.reason;
}

/**
 * Schedules analyses of open documents in the worker: debounced on edits, the previous run of the same document
 * cancelled when superseded, results kept per document version. The extension host's thread only schedules.
 */
export class AnalysisController implements vscode.Disposable {
  private readonly worker: AnalysisWorker;
  private readonly results = new Map<string, { version: number; analysis: FileAnalysis }>();
  private readonly inFlight = new Map<string, { call: WorkerCall<FileAnalysis>; version: number; verify: boolean; done: Promise<FileAnalysis | undefined> }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private sessions = 0;
  private readonly changed = new vscode.EventEmitter<{ uri: vscode.Uri; analysis: FileAnalysis | undefined }>();
  readonly onDidAnalyze = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly rollout: RolloutService,
    private readonly log: vscode.LogOutputChannel,
    private readonly observability: Pick<Observability, 'observe' | 'geneExtraction' | 'setMemory' | 'securityViolation' | 'cacheLookup' | 'gatewayRequest'>,
    /** The module store, in the extension's global storage: never inside the workspace. */
    moduleCacheDir: string,
  ) {
    // Every WebAssembly run goes through the sandbox, which the worker holds; what it counts comes back as events.
    this.worker = new AnalysisWorker(vscode.Uri.joinPath(extensionUri, 'dist', 'analysis-worker.js').fsPath, {
      setup: { sandbox: true, moduleCacheDir },
      onEvent: (event) => this.onWorkerEvent(event),
    });
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => event.contentChanges.length > 0 && this.schedule(event.document)),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.schedule(editor.document, 0)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      rollout.onDidChange(() => this.reanalyzeVisible()),
    );
    // Created while the flags that enabled Chimera were being announced: the editors already open need a first run.
    setTimeout(() => this.reanalyzeVisible(), 0);
  }

  get features(): Features | undefined {
    return this.rollout.snapshot?.features;
  }

  resultFor(document: vscode.TextDocument): FileAnalysis | undefined {
    const entry = this.results.get(document.uri.toString());
    return entry && entry.version === document.version ? entry.analysis : undefined;
  }

  /**
   * Analyses now (no debounce); resolves with the result, or undefined when refused or superseded. A run already in
   * flight for the same text (and at least the same work) is shared rather than cancelled.
   */
  analyze(document: vscode.TextDocument, options: { verify?: boolean } = {}): Promise<FileAnalysis | undefined> {
    const key = document.uri.toString();
    const verify = options.verify === true;
    const why = refusal(this.features, 'analysis');
    if (why) {
      this.log.info(`analysis of ${vscode.workspace.asRelativePath(document.uri)} refused: ${why}`);
      this.forget(document.uri);
      return Promise.resolve(undefined);
    }
    const running = this.inFlight.get(key);
    if (running && running.version === document.version && (running.verify || !verify)) return running.done;
    running?.call.cancel();
    const snapshot = this.rollout.snapshot!;
    const flags = snapshot.resolution.flags;
    // Imports are decided from the workspace folder's files; each request is a new session, so saved edits to the
    // files it imports from are read again (unchanged ones keep their cached summaries in the worker).
    const folder = document.uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(document.uri) : undefined;
    const call = this.worker.call('analyze', {
      ...(folder ? { workspace: folder.uri.fsPath, session: String(++this.sessions) } : {}),
      fileName: document.uri.fsPath || document.uri.path,
      text: document.getText(),
      features: { compile: true, verify, proteinHash: snapshot.features.proteinHash },
      maxFuel: flags.WASM_MAX_GAS.value as number,
      maxTimeMs: flags.WASM_MAX_TIME.value as number,
      maxMemoryBytes: flags.WASM_MAX_MEMORY.value as number,
      maxBytes: readConfig(document.uri)['analysis.maxFileBytes'],
      deadline: Date.now() + 30_000,
    });
    const version = document.version;
    const done = this.settle(document, call);
    this.inFlight.set(key, { call, version, verify, done });
    return done;
  }

  private async settle(document: vscode.TextDocument, call: WorkerCall<FileAnalysis>): Promise<FileAnalysis | undefined> {
    const key = document.uri.toString();
    const version = document.version;
    const current = () => this.inFlight.get(key)?.call === call;
    try {
      const analysis = await call.result;
      if (!current()) return undefined;
      this.inFlight.delete(key);
      if (analysis.errors.some((e) => e.code === 'cancelled')) return undefined;
      this.results.set(key, { version, analysis });
      this.measure(analysis);
      const t = analysis.timings;
      this.log.debug(`analysed ${vscode.workspace.asRelativePath(document.uri)}: ${analysis.genes.length} genes (extract ${t.extractMs.toFixed(1)} ms, compile ${t.compileMs.toFixed(1)} ms, verify ${t.verifyMs.toFixed(1)} ms, hash ${t.hashMs.toFixed(1)} ms)`);
      this.changed.fire({ uri: document.uri, analysis });
      return analysis;
    } catch (error) {
      if (current()) this.inFlight.delete(key);
      this.observability.observe('extract', 0, { error: true });
      this.log.error(`analysis of ${vscode.workspace.asRelativePath(document.uri)} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** The plan's metrics: one observation per stage that ran; a mismatch is a Chimera error, a refused gene is not. */
  private measure(analysis: FileAnalysis): void {
    const t = analysis.timings;
    const failed = analysis.errors.some((e) => e.code !== 'cancelled' && e.code !== 'too-large');
    this.observability.geneExtraction(!failed);
    this.observability.observe('extract', t.extractMs / 1000, { error: failed });
    const compiled = analysis.genes.filter((g) => g.compile);
    if (compiled.length > 0) this.observability.observe('compile', t.compileMs / 1000);
    const verified = analysis.genes.filter((g) => g.verify);
    if (verified.length > 0) this.observability.observe('verify', t.verifyMs / 1000, { error: verified.some((g) => g.verify?.verdict === 'mismatch') });
    if (analysis.genes.some((g) => g.protein)) this.observability.observe('hash', t.hashMs / 1000);
  }

  /** The plan's numbers the worker's sandbox and module store produce: memory in use, violations, store hits, gateway attempts. */
  private onWorkerEvent(event: WorkerEvent): void {
    switch (event.event) {
      case 'memory':
        return this.observability.setMemory(event.memoryBytes, event.memoryLimitBytes);
      case 'violation':
        this.log.warn(`sandbox: security violation (${event.kind}${event.import ? `: ${event.import}` : ''})`);
        return this.observability.securityViolation(event.kind);
      case 'cache':
        return this.observability.cacheLookup(event.hit);
      case 'gateway':
        return this.observability.gatewayRequest(event.ok);
    }
  }

  /** A one-off call to the worker (run a gene, get its module). */
  request<K extends WorkerOp>(op: K, payload: WorkerOps[K]['payload']): Promise<WorkerOps[K]['result']> {
    return this.worker.call(op, payload).result;
  }

  /** A call the caller may cancel (the workspace index build). */
  call<K extends WorkerOp>(op: K, payload: WorkerOps[K]['payload']): WorkerCall<WorkerOps[K]['result']> {
    return this.worker.call(op, payload);
  }

  private schedule(document: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    if (!isAnalyzable(document) || refusal(this.features, 'analysis')) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      // Switching back to an unchanged file costs nothing.
      if (!this.resultFor(document)) void this.analyze(document);
    }, delay));
  }

  /** On every flags change: a rollback or freeze stops everything at once; otherwise visible files are re-analysed. */
  private reanalyzeVisible(): void {
    if (refusal(this.features, 'analysis')) {
      for (const key of new Set([...this.results.keys(), ...this.inFlight.keys(), ...this.timers.keys()])) this.forget(vscode.Uri.parse(key));
      return;
    }
    // What may run changed (e.g. protein hashes came on): earlier results no longer describe it.
    this.results.clear();
    for (const editor of vscode.window.visibleTextEditors) if (isAnalyzable(editor.document)) this.schedule(editor.document, 0);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.inFlight.get(key)?.call.cancel();
    this.inFlight.delete(key);
    clearTimeout(this.timers.get(key));
    if (this.results.delete(key)) this.changed.fire({ uri, analysis: undefined });
  }

  dispose(): void {
    void this.shutdown();
  }

  /** Stops analyses and the worker, whose sandbox closes its pools first; return it from deactivate(). */
  shutdown(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const running of this.inFlight.values()) running.call.cancel();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.shutdownPromise ??= this.worker.dispose();
    return this.shutdownPromise;
  }
}
