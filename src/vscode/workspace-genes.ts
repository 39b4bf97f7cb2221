import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { readConfig } from './config';
import { excludeGlobs } from '../core/analysis/exclude-globs';
import type { IndexBuildSummary, IndexQueryPayload } from '../core/analysis/protocol';
import type { CompactMatch } from '../core/protein/compact-index';
import type { AnalysisController } from './analysis-controller';

export type WorkspaceMatch = CompactMatch;

/** How often the build's shared-memory counters are shown: often enough to move, rare enough to cost nothing. */
const PROGRESS_POLL_MS = 250;

export interface IndexSettings {
  maxFiles: number;
  /** files.exclude and search.exclude, as walk globs (.gitignore is read by the walk itself). */
  excludes: string[];
}

/** The one place the workspace index reads its settings. */
export function readIndexSettings(folder: vscode.WorkspaceFolder): IndexSettings {
  return {
    maxFiles: readConfig(folder)['index.maxFiles'],
    excludes: excludeGlobs(vscode.workspace.getConfiguration('files', folder).get('exclude'), vscode.workspace.getConfiguration('search', folder).get('exclude')),
  };
}

type Progress = vscode.Progress<{ message?: string }>;

/**
 * "Find Similar Genes" over the workspace. The analysis worker builds (on a pool), holds, persists and queries the
 * compact index; this host side only sends a build or a query and shows progress. After a reload the first query
 * is answered from the persisted index, and a refresh of the changed files follows in the background.
 */
export class WorkspaceGenes {
  private readonly building = new Map<string, Promise<IndexBuildSummary | undefined>>();

  constructor(
    private readonly storage: vscode.Uri | undefined,
    private readonly extensionUri: vscode.Uri,
    private readonly analysis: AnalysisController,
    private readonly log: vscode.LogOutputChannel,
    /** Shows (or clears, with undefined) a note in the Genes view: the file limit was hit. */
    private readonly note: (message: string | undefined) => void,
  ) {}

  /** One index per workspace folder, in the extension's workspace storage (nothing is written into the workspace). */
  private indexFile(folder: vscode.WorkspaceFolder): string {
    const id = createHash('sha256').update(folder.uri.toString()).digest('hex').slice(0, 16);
    return join(this.storage?.fsPath ?? join(tmpdir(), 'chimera-index'), 'gene-index', `${id}.idx`);
  }

  /** Brings the folder's index up to date (cancellable); unchanged files cost a hash, not an analysis. */
  refresh(folder: vscode.WorkspaceFolder, progress?: Progress, token?: vscode.CancellationToken): Promise<IndexBuildSummary | undefined> {
    const key = folder.uri.toString();
    let running = this.building.get(key);
    if (!running) {
      running = this.build(folder, progress, token).finally(() => this.building.delete(key));
      this.building.set(key, running);
    }
    return running;
  }

  async query(file: vscode.Uri, gene: { name: string; digest: string; vector: number[]; behaviour?: string }, token?: vscode.CancellationToken, progress?: Progress): Promise<WorkspaceMatch[]> {
    const folder = vscode.workspace.getWorkspaceFolder(file);
    if (!folder) return [];
    const payload: IndexQueryPayload = {
      indexFile: this.indexFile(folder),
      file: vscode.workspace.asRelativePath(file, false),
      name: gene.name,
      protein: { digest: gene.digest, vector: gene.vector, ...(gene.behaviour ? { behaviour: gene.behaviour } : {}) },
    };
    let answer = await this.analysis.request('indexQuery', payload);
    if (answer.ready) {
      this.log.info(`gene index: answered from the index in ${Math.round(answer.loadMs)} ms load + ${Math.round(answer.queryMs)} ms query; refreshing changed files in the background`);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Chimera genes', cancellable: false }, (background) => this.refresh(folder, background));
      return answer.matches;
    }
    await this.refresh(folder, progress, token);
    answer = await this.analysis.request('indexQuery', payload);
    return answer.matches;
  }

  private async build(folder: vscode.WorkspaceFolder, progress?: Progress, token?: vscode.CancellationToken): Promise<IndexBuildSummary | undefined> {
    const settings = readIndexSettings(folder);
    const shared = new SharedArrayBuffer(8);
    const counts = new Int32Array(shared);
    const call = this.analysis.call('indexBuild', {
      workspace: folder.uri.fsPath,
      indexFile: this.indexFile(folder),
      workerScript: vscode.Uri.joinPath(this.extensionUri, 'dist', 'analysis-worker.js').fsPath,
      excludes: settings.excludes,
      maxFiles: settings.maxFiles,
      progress: shared,
    });
    const cancelling = token?.onCancellationRequested(() => call.cancel());
    const timer = setInterval(() => {
      const total = Atomics.load(counts, 1);
      if (total > 0) progress?.report({ message: `indexing files ${Atomics.load(counts, 0)}/${total}` });
    }, PROGRESS_POLL_MS);
    let summary: IndexBuildSummary;
    try {
      summary = await call.result;
    } catch (error) {
      this.log.error(`gene index not built: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      clearInterval(timer);
      cancelling?.dispose();
    }
    if (!summary.ok) {
      this.log.error(`gene index not built: ${summary.error}`);
      return summary;
    }
    this.log.info(`gene index: ${summary.genes} genes in ${summary.files} files (${summary.analysed} analysed, ${summary.reused} unchanged, ${summary.failed} failed) in ${summary.buildMs} ms, ${summary.bytes} bytes${summary.cancelled ? '; cancelled, the rest follows on the next build' : ''}`);
    if (summary.limited) {
      const message = `The gene index holds ${summary.limited.limit} of the workspace's ${summary.limited.found} source files (setting chimera.index.maxFiles).`;
      this.log.warn(message);
      this.note(message);
    } else this.note(undefined);
    return summary;
  }
}
