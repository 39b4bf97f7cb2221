import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';

/** Node 20.19 and ≥ 22.12 load ES modules with require(); VS Code 1.99.3's extension host runs Node 20.18, which does not. */
function requireLoadsEsm(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
}

// What differs between VS Code 1.99.3 (Void's base) and the current release, for the APIs Chimera relies on. The same
// assertions run in both workbenches; where the versions differ, the test says which behaviour each one has.
suite('Compatibility: VS Code 1.99.3 and the current release', () => {
  test('the extension host runs the Node that its VS Code ships: 20.18 for 1.99.3, so the bundles target node20', () => {
    if (vscode.version === '1.99.3') assert.match(process.version, /^v20\.18\./);
    assert.ok(Number(process.versions.node.split('.')[0]) >= 20);
  });

  test('an ES module loads with import() everywhere, but with require() not in 1.99.3: what the host loads must be CommonJS or bundled', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'chimera-esm-')), 'answer.mjs');
    writeFileSync(file, 'export const answer = 42;\n');
    assert.equal(((await import(file)) as { answer: number }).answer, 42);
    const load = () => createRequire(__filename)(file) as { answer: number };
    if (requireLoadsEsm()) assert.equal(load().answer, 42);
    else assert.throws(load, (error: NodeJS.ErrnoException) => error.code === 'ERR_REQUIRE_ESM');
  });

  test('worker threads and WebAssembly work in the extension host (the analysis worker and the sandbox need both)', async () => {
    // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
    const add = 'AGFzbQEAAAABBwFgAn9/AX8DAgEABwcBA2FkZAAACgkBBwAgACABags=';
    const worker = new Worker(`const { parentPort } = require('node:worker_threads');
      WebAssembly.instantiate(Buffer.from('${add}', 'base64')).then(({ instance }) => parentPort.postMessage(instance.exports.add(2, 40)));`, { eval: true });
    try {
      assert.equal(await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject)), 42);
    } finally {
      await worker.terminate();
    }
  });

  test('createTelemetryLogger honours the telemetry level: off in the test settings, so the sender never sees an event', async () => {
    const seen: string[] = [];
    const logger = vscode.env.createTelemetryLogger({ sendEventData: (name) => seen.push(name), sendErrorData: (error) => seen.push(error.message) }, { ignoreBuiltInCommonProperties: true });
    try {
      assert.equal(vscode.env.isTelemetryEnabled, false);
      assert.equal(logger.isUsageEnabled, false);
      logger.logUsage('compat-probe', { n: 1 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(seen, []);
    } finally {
      logger.dispose();
    }
  });

  test('onDidChangeCodeLenses makes the next code-lens request see the new lenses', async () => {
    const changed = new vscode.EventEmitter<void>();
    let title = 'before';
    const provider = vscode.languages.registerCodeLensProvider({ language: 'plaintext', scheme: 'untitled' }, {
      onDidChangeCodeLenses: changed.event,
      provideCodeLenses: () => [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title, command: '' })],
    });
    try {
      const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'lens me' });
      const titles = async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)).map((l) => l.command?.title);
      assert.ok((await titles()).includes('before'));
      title = 'after';
      changed.fire();
      assert.ok((await titles()).includes('after'));
    } finally {
      provider.dispose();
      changed.dispose();
    }
  });

  test('workspace.findFiles finds the workspace files (ripgrep-backed in 1.99.3: the Debian rg the host installs)', async () => {
    const found = await vscode.workspace.findFiles('src/**/*.ts', '**/node_modules/**', 50);
    assert.ok(found.some((uri) => uri.path.endsWith('/src/vs/base/common/numbers.ts')), found.map((u) => u.path).join(', '));
  });

  test('workspace trust: --disable-workspace-trust means trusted, with the trust events present', () => {
    assert.equal(vscode.workspace.isTrusted, true);
    assert.equal(typeof vscode.workspace.onDidGrantWorkspaceTrust, 'function');
  });
});
