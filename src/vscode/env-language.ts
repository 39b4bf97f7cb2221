import { basename } from 'node:path';
import * as vscode from 'vscode';
import { FLAGS, isFlagName } from '../core/flags/catalog';
import { diagnoseEnvDocument, missingExampleDiagnostic } from '../core/flags/diagnose';
import { type FlagDiagnostic, type Range as CoreRange, docsLink } from '../core/flags/diagnostic';
import { parseEnvDocument } from '../core/flags/env-document';
import { PHASES } from '../core/rollout/phases';
import type { RolloutSnapshot } from '../core/rollout/workspace';
import type { RolloutService } from './rollout-service';

const ENV_FILE = /^\.env(\..+)?$/;
const SEVERITY: Record<FlagDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function isEnvDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && ENV_FILE.test(basename(document.uri.fsPath));
}

export function toRange(range: CoreRange): vscode.Range {
  return new vscode.Range(range.start.line - 1, range.start.column - 1, range.end.line - 1, range.end.column - 1);
}

function toDiagnostic(d: FlagDiagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
  diagnostic.source = 'chimera';
  diagnostic.code = { value: d.code, target: vscode.Uri.parse(docsLink(d.code)) };
  return diagnostic;
}

/**
 * Diagnostics, quick fixes and hovers for `.env` files. Open documents are diagnosed from their live text, so a fix
 * shows while typing; the workspace's own files are also diagnosed from disk so the Problems view lists them.
 */
export class EnvLanguageFeatures implements vscode.CodeActionProvider, vscode.HoverProvider, vscode.Disposable {
  static readonly selector: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/.env' }, { scheme: 'file', pattern: '**/.env.*' }];
  private readonly collection = vscode.languages.createDiagnosticCollection('chimera');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly rollout: RolloutService) {
    this.disposables.push(
      vscode.languages.registerCodeActionsProvider(EnvLanguageFeatures.selector, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.languages.registerHoverProvider(EnvLanguageFeatures.selector, this),
      vscode.workspace.onDidOpenTextDocument((d) => this.refreshDocument(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.refreshDocument(e.document)),
      vscode.workspace.onDidCloseTextDocument(() => this.refreshAll(this.rollout.snapshot)),
      rollout.onDidChange((snapshot) => this.refreshAll(snapshot)),
    );
  }

  /** The diagnostics of one document's current text, against the workspace's example file. */
  diagnose(document: vscode.TextDocument): FlagDiagnostic[] {
    const snapshot = this.rollout.snapshot;
    const name = this.relativeName(document.uri);
    const isExample = snapshot ? name === snapshot.exampleFile : name.endsWith('.example');
    const exampleText = this.exampleText(snapshot);
    const parsed = parseEnvDocument(document.getText());
    const diagnostics = diagnoseEnvDocument(parsed, { file: name, isExample, example: exampleText === undefined ? null : parseEnvDocument(exampleText), exampleFile: snapshot?.exampleFile ?? '.env.example' });
    if (!isExample && exampleText === undefined && snapshot && name === snapshot.envFile) diagnostics.push(missingExampleDiagnostic(name, snapshot.exampleFile));
    return diagnostics;
  }

  private exampleText(snapshot: RolloutSnapshot | undefined): string | undefined {
    if (!snapshot) return undefined;
    const open = vscode.workspace.textDocuments.find((d) => this.relativeName(d.uri) === snapshot.exampleFile);
    if (open) return open.getText();
    return snapshot.example.status === 'ok' ? snapshot.example.text : undefined;
  }

  private relativeName(uri: vscode.Uri): string {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? vscode.workspace.asRelativePath(uri, false) : basename(uri.fsPath);
  }

  private refreshDocument(document: vscode.TextDocument): void {
    if (isEnvDocument(document)) this.collection.set(document.uri, this.diagnose(document).map(toDiagnostic));
  }

  private refreshAll(snapshot: RolloutSnapshot | undefined): void {
    this.collection.clear();
    const folder = this.rollout.folder;
    if (snapshot && folder) {
      // Files on disk first (including unusable ones: binary, too large), then open documents from their live text.
      for (const file of [snapshot.envFile, snapshot.exampleFile]) {
        const own = snapshot.diagnostics.filter((d) => d.file === file);
        if (own.length > 0) this.collection.set(vscode.Uri.joinPath(folder.uri, file), own.map(toDiagnostic));
      }
    }
    for (const document of vscode.workspace.textDocuments) this.refreshDocument(document);
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const wanted = context.diagnostics.filter((d) => d.source === 'chimera');
    if (wanted.length === 0) return [];
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const actions: vscode.CodeAction[] = [];
    for (const core of this.diagnose(document)) {
      if (!core.fix) continue;
      const match = wanted.find((d) => (d.code as { value: string }).value === core.code && d.range.isEqual(toRange(core.range)));
      if (!match || !toRange(core.range).intersection(range)) continue;
      const action = new vscode.CodeAction(core.fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [match];
      action.isPreferred = true;
      const edit = new vscode.WorkspaceEdit();
      for (const change of core.fix.edits) {
        const target = change.file === this.relativeName(document.uri) ? document.uri : folder ? vscode.Uri.joinPath(folder.uri, change.file) : undefined;
        if (!target) continue;
        if (target.toString() !== document.uri.toString()) edit.createFile(target, { ignoreIfExists: true });
        edit.replace(target, toRange(change.range), change.newText);
      }
      action.edit = edit;
      actions.push(action);
    }
    return actions;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const wordRange = document.getWordRangeAtPosition(position, /[A-Za-z_][\w.-]*/);
    const word = wordRange ? document.getText(wordRange) : '';
    if (!isFlagName(word)) return undefined;
    const spec = FLAGS[word];
    const effective = this.rollout.snapshot?.resolution.flags[word];
    const phases = PHASES.filter((p) => word in p.flags && (p.flags as unknown as Record<string, unknown>)[word] !== (PHASES[0]!.flags as unknown as Record<string, unknown>)[word]).map((p) => `Phase ${p.id}`);
    const markdown = new vscode.MarkdownString(`**${word}** — ${spec.summary}\n\n`);
    if (effective) markdown.appendMarkdown(`Effective: \`${String(effective.value)}\` from **${effective.source}**${effective.valid ? '' : ' (invalid text; a safe value is used)'}\n\n`);
    markdown.appendMarkdown(`Default: \`${String(spec.defaultValue)}\`${phases.length > 0 ? ` · set by ${phases.join(', ')}` : ''}`);
    return new vscode.Hover(markdown, wordRange);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
