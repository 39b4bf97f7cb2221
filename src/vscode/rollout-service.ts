import * as vscode from 'vscode';
import { type RolloutSnapshot, loadRolloutSnapshot } from '../core/rollout/workspace';
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

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{.env,.env.*,.chimera/rollback.json}');
    const schedule = () => this.scheduleReload();
    this.disposables.push(
      this.changed,
      watcher,
      watcher.onDidChange(schedule),
      watcher.onDidCreate(schedule),
      watcher.onDidDelete(schedule),
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('chimera') && schedule()),
      vscode.workspace.onDidChangeWorkspaceFolders(schedule),
    );
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
    this.loading = loadRolloutSnapshot(folder.uri.fsPath, {
      env: process.env,
      settings: config.flags,
      envFile: config.envFile,
      machineId: vscode.env.machineId,
      canarySalt: config.canarySalt,
      canaryOverride: config.canaryOverride,
    }).then(
      (snapshot) => {
        this.current = snapshot;
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
    for (const disposable of this.disposables) disposable.dispose();
  }
}
