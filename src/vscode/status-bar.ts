import * as vscode from 'vscode';
import type { RolloutSnapshot } from '../core/rollout/workspace';

/** One quiet item: the phase, or why nothing runs; a click opens the Chimera view. */
export class RolloutStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('chimera.phase', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Chimera Rollout';
    this.item.command = 'workbench.view.extension.chimera';
  }

  /** What the item shows now; read by the integration tests. */
  get text(): string {
    return this.item.text;
  }

  update(snapshot: RolloutSnapshot | undefined): void {
    if (!snapshot) return void this.item.hide();
    const phase = snapshot.phase.id === 'custom' ? `custom ≈ Phase ${snapshot.phase.nearest}` : `Phase ${snapshot.phase.id}`;
    const blocked = snapshot.features.blockedBy;
    const state = blocked === 'rollback' ? 'rolled back' : blocked === 'frozen' ? 'frozen' : blocked === 'disabled' ? 'off' : `canary ${snapshot.canary.in ? 'in' : 'out'}${snapshot.canary.override ? ' (override)' : ''}`;
    this.item.text = `$(${blocked === 'rollback' || blocked === 'frozen' ? 'debug-pause' : 'beaker'}) Chimera · ${phase} · ${state}`;
    this.item.tooltip = `Chimera ${phase}${state ? ` — ${state}` : ''}; canary bucket ${snapshot.canary.bucket.toFixed(4)}${snapshot.canary.override ? ` (override ${snapshot.canary.override})` : ''}`;
    this.item.backgroundColor = blocked === 'rollback' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
