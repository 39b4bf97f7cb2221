import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ChimeraApi } from '../../src/vscode/extension';
import { EXTENSION_ID, ask, codeOf, diagnosticsOf, eventually, hasDriver, nextEvent } from './harness';

suite('Rollout flags in the workbench', () => {
  let api: ChimeraApi;
  let root: vscode.Uri;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!.activate();
    root = vscode.workspace.workspaceFolders![0]!.uri;
  });

  test('the sample workspace resolves to Phase 1 with each flag carrying its source', async () => {
    const snapshot = await eventually('the first snapshot', () => api.rollout.snapshot);
    assert.equal(snapshot.phase.id, 1);
    assert.equal(snapshot.resolution.flags.CHIMERA_ENABLED.source, 'dotenv');
    assert.equal(snapshot.resolution.flags.WASM_EXEC_ENABLED.source, 'default');
    assert.equal(snapshot.features.analysis, true);
  });

  test('mistakes in a .env file show as diagnostics with stable codes and exact ranges', async () => {
    const uri = vscode.Uri.joinPath(root, '.env.local');
    writeFileSync(uri.fsPath, 'CHIMERA_ENABLE=1\nCHIMERA_CANARY=10\nWASM_MAX_MEMORY=lots\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await diagnosticsOf(uri, (d) => d.length >= 3);
    const byCode = new Map(diagnostics.map((d) => [codeOf(d), d]));
    assert.deepEqual([...byCode.keys()].filter((c) => ['unknown-flag', 'canary-as-percent', 'invalid-limit'].includes(c)).sort(), ['canary-as-percent', 'invalid-limit', 'unknown-flag']);
    assert.ok(byCode.get('unknown-flag')!.range.isEqual(new vscode.Range(0, 0, 0, 14)));
    assert.ok(byCode.get('canary-as-percent')!.range.isEqual(new vscode.Range(1, 15, 1, 17)));
    assert.equal(byCode.get('invalid-limit')!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(byCode.get('unknown-flag')!.source, 'chimera');
  });

  test('a quick fix rewrites the value, and the diagnostic goes away', async () => {
    const uri = vscode.Uri.joinPath(root, '.env.local');
    const document = await vscode.workspace.openTextDocument(uri);
    const [percent] = (await diagnosticsOf(uri, (d) => d.some((x) => codeOf(x) === 'canary-as-percent'))).filter((d) => codeOf(d) === 'canary-as-percent');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, percent!.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Use 0.10');
    assert.ok(fix?.edit, `no "Use 0.10" fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(document.lineAt(1).text, 'CHIMERA_CANARY=0.10');
    await diagnosticsOf(uri, (d) => !d.some((x) => codeOf(x) === 'canary-as-percent'));
  });

  test('hovering a flag name shows what it does and where its value comes from', async () => {
    const uri = vscode.Uri.joinPath(root, '.env');
    await vscode.workspace.openTextDocument(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(1, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /CHIMERA_ENABLED/);
    assert.match(text, /Master switch/);
    assert.match(text, /from \*\*dotenv\*\*/);
  });

  test('Roll Back Now changes .env and the view, beats the process environment, and Re-arm restores', async () => {
    const envPath = join(root.fsPath, '.env');
    const original = readFileSync(envPath, 'utf8');
    await vscode.commands.executeCommand('chimera.rollBack', 'integration test');
    // The command reloads the snapshot before it returns.
    const snapshot = api.rollout.snapshot!;
    assert.equal(snapshot.rollback?.active, true);
    assert.equal(snapshot.features.analysis, false);
    assert.equal(snapshot.resolution.flags.CHIMERA_ENABLED.source, 'rollback');
    assert.match(readFileSync(envPath, 'utf8'), /^CHIMERA_ENABLED=0$/m);
    assert.match(api.statusBar.text, /rolled back/);

    await vscode.commands.executeCommand('workbench.view.extension.chimera');
    const state = await eventually('the view to show the rollback', async () => {
      const rendered = nextEvent(api.rolloutView.onDidRender, 'a render');
      api.rolloutView.refresh();
      const s = await rendered;
      return s.report?.rollback ? s : undefined;
    });
    assert.equal(state.report!.rollback!.reason, 'integration test');
    if (hasDriver()) await ask('screenshot', 'rolled-back');

    await vscode.commands.executeCommand('chimera.rearm');
    assert.equal(api.rollout.snapshot?.rollback?.active, false);
    assert.equal(api.rollout.snapshot?.features.analysis, false, '.env itself still says CHIMERA_ENABLED=0 after the rollback');
    // Put Phase 1 back for the suites that follow.
    writeFileSync(envPath, original);
    await api.rollout.reload();
    assert.equal(api.rollout.snapshot?.features.analysis, true);
    assert.match(api.statusBar.text, /Phase 1 · canary in/);
  });
});
