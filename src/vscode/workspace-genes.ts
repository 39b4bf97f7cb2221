import * as vscode from 'vscode';
import { type WorkspaceMatch, WorkspaceGeneIndex, contentHash } from '../core/protein/gene-index';
import type { AnalysisController } from './analysis-controller';

const SOURCES = '**/*.{ts,tsx,js,jsx,mts,cts,mjs,cjs}';
const EXCLUDED = '**/{node_modules,.git,dist,out,build,.vscode-test}/**';
const MAX_FILES = 5000;

/**
 * The workspace's protein index for "Find Similar Genes": built in the analysis worker, only for files whose content
 * changed since the last time (content hashes), and kept in the workspace storage between sessions.
 */
export class WorkspaceGenes {
  private index: WorkspaceGeneIndex | undefined;
  private building: Promise<WorkspaceGeneIndex> | undefined;

  constructor(
    private readonly storage: vscode.Uri | undefined,
    private readonly analysis: AnalysisController,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private get file(): vscode.Uri | undefined {
    return this.storage && vscode.Uri.joinPath(this.storage, 'gene-index.json');
  }

  /** Brings the index up to date with the workspace (cancellable); unchanged files cost a hash, not an analysis. */
  refresh(token?: vscode.CancellationToken): Promise<WorkspaceGeneIndex> {
    this.building ??= this.build(token).finally(() => (this.building = undefined));
    return this.building;
  }

  async query(file: vscode.Uri, gene: { name: string; digest: string; vector: number[]; behaviour?: string }, token?: vscode.CancellationToken): Promise<WorkspaceMatch[]> {
    const index = await this.refresh(token);
    return index.query(gene, { exclude: { file: vscode.workspace.asRelativePath(file, false), name: gene.name } });
  }

  private async load(): Promise<WorkspaceGeneIndex> {
    if (this.index) return this.index;
    let restored: unknown;
    try {
      restored = this.file ? JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(this.file)).toString('utf8')) : undefined;
    } catch {
      restored = undefined;
    }
    this.index = WorkspaceGeneIndex.restore(restored);
    return this.index;
  }

  private async build(token?: vscode.CancellationToken): Promise<WorkspaceGeneIndex> {
    const index = await this.load();
    const uris = await vscode.workspace.findFiles(SOURCES, EXCLUDED, MAX_FILES, token);
    const seen = new Set<string>();
    let analyzed = 0;
    for (const uri of uris) {
      if (token?.isCancellationRequested) break;
      const file = vscode.workspace.asRelativePath(uri, false);
      seen.add(file);
      let text: string;
      try {
        text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      } catch {
        continue;
      }
      const hash = contentHash(text);
      if (!index.isStale(file, hash)) continue;
      const result = await this.analysis.request('analyze', { fileName: uri.fsPath, text, features: { compile: false, verify: false, proteinHash: true } });
      index.update(file, hash, result);
      analyzed++;
    }
    if (!token?.isCancellationRequested) index.retain(seen);
    this.log.info(`gene index: ${index.size} genes in ${seen.size} files (${analyzed} analysed, the rest unchanged)`);
    await this.save(index);
    return index;
  }

  private async save(index: WorkspaceGeneIndex): Promise<void> {
    if (!this.file || !this.storage) return;
    try {
      await vscode.workspace.fs.createDirectory(this.storage);
      await vscode.workspace.fs.writeFile(this.file, Buffer.from(JSON.stringify(index)));
    } catch (error) {
      // A full disk or a read-only profile only costs the next session a rebuild.
      this.log.warn(`gene index not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
