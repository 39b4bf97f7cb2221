import * as assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ChimeraApi } from '../../src/vscode/extension';
import { EXTENSION_ID, artifact, ask, hasDriver, nextEvent } from './harness';

suite('Chimera extension in a real workbench', () => {
  let api: ChimeraApi;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
  });

  test('activates in the sample Void workspace and exports its API', () => {
    const extension = vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!;
    assert.equal(extension.isActive, true);
    assert.equal(vscode.workspace.workspaceFolders?.[0]?.name, 'void-sample');
    assert.equal(typeof api.rolloutView.refresh, 'function');
  });

  test('contributes its commands under the "Chimera" category', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string; category: string }[];
    assert.ok(contributed.length > 0);
    for (const { command, category } of contributed) {
      assert.equal(category, 'Chimera', `${command} has category ${category}`);
      assert.ok(registered.has(command), `${command} is contributed but not registered`);
    }
  });

  test('the Chimera activity-bar view renders the Rollout webview with the workspace state', async () => {
    const rendered = nextEvent(api.rolloutView.onDidRender, 'the Rollout webview to render');
    await vscode.commands.executeCommand('workbench.view.extension.chimera');
    const state = await rendered;
    assert.equal(state.workspace, 'void-sample');
    assert.equal(state.trusted, true);
    if (!hasDriver()) return;
    // Screenshots must be taken while the extension host still runs: webviews go blank at exit.
    await ask('screenshot', 'chimera-view');
    assert.ok(existsSync(artifact('chimera-view.png')));
    assert.ok(statSync(artifact('chimera-view.png')).size > 10_000, 'the screenshot is suspiciously small');
  });

  test('a button in the webview reaches the extension through the typed message protocol', async function () {
    if (!hasDriver()) this.skip();
    await vscode.commands.executeCommand('workbench.view.extension.chimera');
    const rendered = nextEvent(api.rolloutView.onDidRender, 'a re-render after Refresh');
    await vscode.commands.executeCommand('chimera.refresh');
    await rendered;
    const again = nextEvent(api.rolloutView.onDidRender, 'a re-render after clicking Refresh in the webview');
    await ask('click-webview', EXTENSION_ID, '#refresh');
    await again;
  });
});
