import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ChimeraApi } from '../../../src/vscode/extension';
import { EXTENSION_ID, artifact, ask, codeOf, diagnosticsOf, nextEvent } from '../harness';

suite('The packaged .vsix, installed into code-server, in Restricted Mode', () => {
  test('the workspace is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('the installed extension holds only what runs: bundles, media and the manifest', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the .vsix is not installed');
    for (const shipped of ['dist/extension.js', 'dist/features.js', 'dist/analysis-worker.js', 'dist/metrics.js', 'dist/sandbox-child.js', 'media/rollout.js', 'package.json']) {
      assert.ok(existsSync(join(extension.extensionPath, shipped)), `${shipped} is missing from the package`);
    }
    for (const excluded of ['src', 'test', 'bench', 'node_modules', 'tsconfig.json', 'esbuild.mjs', 'dist/extension.js.map', 'dist/cli.js']) {
      assert.equal(existsSync(join(extension.extensionPath, excluded)), false, `${excluded} must not ship`);
    }
  });

  test('it activates in Restricted Mode, as its "limited" untrustedWorkspaces capability promises', async () => {
    const extension = vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!;
    assert.equal(extension.packageJSON.capabilities.untrustedWorkspaces.supported, 'limited');
    const api = await extension.activate();
    assert.equal(extension.isActive, true);
    const rendered = nextEvent(api.rolloutView.onDidRender, 'the Rollout webview to render');
    await vscode.commands.executeCommand('workbench.view.extension.chimera');
    const state = await rendered;
    assert.equal(state.trusted, false);
    await ask('screenshot', 'restricted-mode');
    assert.ok(existsSync(artifact('restricted-mode.png')));
  });
});

suite('Restricted Mode keeps Chimera read-only', () => {
  test('flags are still diagnosed in Restricted Mode', async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const uri = vscode.Uri.joinPath(root, '.env.restricted');
    writeFileSync(uri.fsPath, 'CHIMERA_ENABLED=maybe\n');
    await vscode.workspace.openTextDocument(uri);
    const diagnostics = await diagnosticsOf(uri, (d) => d.some((x) => codeOf(x) === 'invalid-boolean'));
    assert.ok(diagnostics.length > 0);
  });

  test('Roll Back Now refuses to write .env without trust', async () => {
    const envPath = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.env');
    const before = readFileSync(envPath, 'utf8');
    await vscode.commands.executeCommand('chimera.rollBack', 'must not happen');
    assert.equal(readFileSync(envPath, 'utf8'), before);
    assert.equal(existsSync(join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.chimera', 'rollback.json')), false);
  });
});

suite('Restricted Mode runs no analysis and no WebAssembly', () => {
  test('Analyze Current File and Run Gene are refused, and nothing is analysed', async () => {
    const api = await vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!.activate();
    const numbers = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'vs', 'base', 'common', 'numbers.ts');
    const document = await vscode.workspace.openTextDocument(numbers);
    await vscode.window.showTextDocument(document);
    assert.equal(await vscode.commands.executeCommand('chimera.analyzeFile', numbers), undefined);
    assert.equal(await vscode.commands.executeCommand('chimera.runGene', numbers, 'clamp', '1, 2, 3'), undefined);
    // Nothing is fetched or run by CID either: the refusal comes before any gateway is asked.
    assert.equal(await vscode.commands.executeCommand('chimera.runGeneByCid', 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', 'f', '[]'), undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(api.features().analysis.resultFor(document), undefined, 'no analysis ran in Restricted Mode');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', numbers);
    assert.equal(lenses.length, 0);
  });
});
