import * as vscode from 'vscode';
import { PRODUCT } from '../core/product';
import type { FromWebview, RolloutState, ToWebview } from './rollout-protocol';
import { webviewHtml } from './webview-html';

const ALLOWED_COMMANDS = new Set(['chimera.showLog', 'chimera.refresh']);

/** The "Rollout" webview view of the Chimera sidebar. */
export class RolloutViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'chimera.rollout';

  private view: vscode.WebviewView | undefined;
  private readonly rendered = new vscode.EventEmitter<RolloutState>();
  /** Fires each time the webview has drawn a state; tests and the screenshot harness wait on it. */
  readonly onDidRender = this.rendered.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = webviewHtml(view.webview, this.extensionUri, { title: 'Chimera Rollout', script: 'rollout.js', style: 'rollout.css' });
    view.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message));
    view.onDidDispose(() => (this.view = undefined));
  }

  refresh(): void {
    void this.post({ type: 'state', state: this.state() });
  }

  dispose(): void {
    this.rendered.dispose();
  }

  private state(): RolloutState {
    return { version: PRODUCT.version, trusted: vscode.workspace.isTrusted, workspace: vscode.workspace.workspaceFolders?.[0]?.name };
  }

  private receive(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.refresh();
        return;
      case 'rendered':
        this.log.debug('rollout view rendered');
        this.rendered.fire(this.state());
        return;
      case 'command':
        if (ALLOWED_COMMANDS.has(message.command)) void vscode.commands.executeCommand(message.command);
        return;
    }
  }

  private async post(message: ToWebview): Promise<void> {
    await this.view?.webview.postMessage(message);
  }
}
