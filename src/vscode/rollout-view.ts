import * as vscode from 'vscode';
import { isFlagName } from '../core/flags/catalog';
import { PRODUCT } from '../core/product';
import { preflightChecklist } from '../core/rollout/moves';
import { PHASES, type PhaseId, criterionRows } from '../core/rollout/phases';
import { flagsReport } from '../core/rollout/report';
import { type FromWebview, type RolloutState, type ToWebview, WEBVIEW_COMMANDS } from './rollout-protocol';
import type { Observability } from './observability';

/** What the features bundle hands the view: the metrics state, the triggers formatted for display, and their sources. */
export interface LiveValues extends Pick<Observability, 'current' | 'onDidChange'> {
  triggerRows(): RolloutState['triggers'];
  /** The phase's criteria and the triggers with their sources (src/core/rollout/sources.ts: metrics code, so not in this bundle). */
  measureRows(phase: PhaseId): RolloutState['measures'];
}
import type { RolloutService } from './rollout-service';
import { webviewHtml } from './webview-html';

const ALLOWED_COMMANDS = new Set<string>(WEBVIEW_COMMANDS);

/** The "Rollout" webview view of the Chimera sidebar: phase timeline, flags with sources, canary, criteria, actions. */
export class RolloutViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'chimera.rollout';

  private view: vscode.WebviewView | undefined;
  private readonly rendered = new vscode.EventEmitter<RolloutState>();
  /** Fires each time the webview has drawn a state; tests and the screenshot harness wait on it. */
  readonly onDidRender = this.rendered.event;
  private lastState: RolloutState | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly rollout: RolloutService,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private live: LiveValues | undefined;

  /** Live values once the features bundle is loaded: the criteria and triggers re-render on every evaluation. */
  attach(live: LiveValues): vscode.Disposable {
    this.live = live;
    this.refresh();
    return live.onDidChange(() => this.refresh());
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = webviewHtml(view.webview, this.extensionUri, { title: 'Chimera Rollout', script: 'rollout.js', style: 'rollout.css' });
    view.webview.onDidReceiveMessage((message: FromWebview) => void this.receive(message));
    view.onDidDispose(() => (this.view = undefined));
  }

  refresh(): void {
    if (!this.view) return;
    void this.state().then((state) => {
      this.lastState = state;
      return this.post({ type: 'state', state });
    });
  }

  dispose(): void {
    this.rendered.dispose();
  }

  private async state(): Promise<RolloutState> {
    const snapshot = await this.rollout.get();
    const base: RolloutState = {
      version: PRODUCT.version,
      trusted: vscode.workspace.isTrusted,
      workspace: this.rollout.folder?.name,
      phases: PHASES.map(({ id, name, timeline }) => ({ id, name, timeline })),
      criteria: [],
      triggers: this.live?.triggerRows() ?? [],
      measures: [],
      envFile: snapshot?.envFile ?? '.env',
    };
    if (!snapshot) return base;
    const current = snapshot.phase.id === 'custom' ? snapshot.phase.nearest : snapshot.phase.id;
    const criteria = criterionRows(PHASES[current]!, this.live?.current().criteria ?? []);
    const next = PHASES[current + 1];
    const checklist = next ? await preflightChecklist(snapshot, { confirmed: false, exampleFixedByMove: [] }) : [];
    return {
      ...base,
      report: flagsReport(snapshot),
      criteria,
      measures: this.live?.measureRows(current) ?? [],
      ...(next ? { nextPhase: { id: next.id, name: next.name, checklist: checklist.map(({ text, status, detail }) => ({ text, status, ...(detail ? { detail } : {}) })) } } : {}),
    };
  }

  private async receive(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.refresh();
        return;
      case 'rendered':
        this.log.debug('rollout view rendered');
        if (this.lastState) this.rendered.fire(this.lastState);
        return;
      case 'command':
        if (ALLOWED_COMMANDS.has(message.command)) await vscode.commands.executeCommand(message.command, ...(typeof message.argument === 'number' ? [message.argument] : []));
        return;
      case 'openFlag':
        await this.openFlag(message.flag);
        return;
    }
  }

  /** Reveals where a flag's effective value comes from: its line in `.env`, or the setting. */
  private async openFlag(flag: string): Promise<void> {
    const snapshot = this.rollout.snapshot;
    const folder = this.rollout.folder;
    if (!snapshot || !folder || !isFlagName(flag)) return;
    const source = snapshot.resolution.flags[flag].source;
    if (source === 'settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'chimera.flags');
      return;
    }
    if (source !== 'dotenv' || snapshot.env.status !== 'ok') return;
    const entry = snapshot.env.document.effective.get(flag);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, snapshot.envFile));
    const position = entry ? new vscode.Position(entry.valuePosition.line - 1, entry.valuePosition.column - 1) : new vscode.Position(0, 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
  }

  private async post(message: ToWebview): Promise<void> {
    await this.view?.webview.postMessage(message);
  }
}
