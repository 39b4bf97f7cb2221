import * as vscode from 'vscode';
import { type RolloutSnapshot, loadRolloutSnapshot, watchedFilesGlob, workspaceOptionsOf } from '../core/rollout/workspace';
import { SETTINGS_SECTION } from '../core/config/settings';
import { readConfig } from './config';

/**
 * Keeps the rollout snapshot of the first workspace folder current: `.env`, `.env.example`, the rollback state and the
 * settings are watched, and every change produces one new snapshot for the view, the status bar and the gate.
 */
export class RolloutService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RolloutSnapshot | undefined>();
  readonly onDidChange = this.changed.event;
  private current: RolloutSnapshot | undefined;
  private loading: Promise<RolloutSnapshot | undefined> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private pending: NodeJS.Timeout | undefined;
  private watcher: { glob: string; value: vscode.Disposable } | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const schedule = () => this.scheduleReload();
    this.watch(watchedFilesGlob('.env'));
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(SETTINGS_SECTION) && schedule()),
      vscode.workspace.onDidChangeWorkspaceFolders(schedule),
    );
  }

  /** (Re)creates the file watcher when the files to watch change (a custom chimera.envFile name). */
  private watch(glob: string): void {
    if (this.watcher?.glob === glob) return;
    this.watcher?.value.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(glob);
    const schedule = () => this.scheduleReload();
    const subscriptions = [watcher, watcher.onDidChange(schedule), watcher.onDidCreate(schedule), watcher.onDidDelete(schedule)];
    this.watcher = { glob, value: vscode.Disposable.from(...subscriptions) };
  }

  get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  get snapshot(): RolloutSnapshot | undefined {
    return this.current;
  }

  /** The current snapshot, loading it on first use. */
  async get(): Promise<RolloutSnapshot | undefined> {
    return this.current ?? this.reload();
  }

  reload(): Promise<RolloutSnapshot | undefined> {
    const folder = this.folder;
    if (!folder || folder.uri.scheme !== 'file') {
      this.current = undefined;
      return Promise.resolve(undefined);
    }
    const config = readConfig(folder.uri);
    this.watch(watchedFilesGlob(config.envFile));
    this.loading = loadRolloutSnapshot(folder.uri.fsPath, workspaceOptionsOf(config, process.env, vscode.env.machineId)).then(
      (snapshot) => {
        this.current = snapshot;
        if (snapshot.rollback?.problem) this.log.warn(`rollback state: ${snapshot.rollback.reason}`);
        this.log.info(`flags: phase ${snapshot.phase.id}, analysis ${snapshot.features.analysis ? 'on' : `off (${snapshot.features.blockedBy})`}, ${snapshot.diagnostics.length} diagnostic(s)`);
        this.changed.fire(snapshot);
        return snapshot;
      },
      (error: unknown) => {
        this.log.error(`reading the rollout flags failed: ${error instanceof Error ? error.message : String(error)}`);
        return this.current;
      },
    );
    return this.loading;
  }

  private scheduleReload(): void {
    // Saves and watchers come in bursts; one reload per burst is enough.
    clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.reload(), 150);
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.watcher?.value.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
