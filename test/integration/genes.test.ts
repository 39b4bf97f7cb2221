import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FileAnalysis } from '../../src/core/analysis/pipeline';
import type { ChimeraApi } from '../../src/vscode/extension';
import { EXTENSION_ID, ask, codeOf, diagnosticsOf, eventually, hasDriver } from './harness';

suite('Genes in the editor', () => {
  let api: ChimeraApi;
  let numbers: vscode.Uri;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!.activate();
    numbers = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'vs', 'base', 'common', 'numbers.ts');
    await eventually('analysis to be allowed (Phase 1)', () => api.rollout.snapshot?.features.analysis);
  });

  test('Analyze Current File finds the genes with purity, and compiles the pure numeric ones', async () => {
    await vscode.window.showTextDocument(numbers);
    const analysis = await vscode.commands.executeCommand<FileAnalysis>('chimera.analyzeFile', numbers);
    assert.ok(analysis, 'the analysis was refused');
    const byName = new Map(analysis.genes.map((g) => [g.gene.name, g]));
    assert.deepEqual([...byName.keys()].sort(), ['Counter.increment', 'Counter.sum', 'clamp', 'clampValue', 'isPointWithinTriangle', 'jitter', 'rot']);
    assert.equal(byName.get('jitter')?.gene.purity, 'impure');
    assert.equal(byName.get('clamp')?.compile?.verdict, 'ok');
  });

  test('the Genes tree groups the genes of the open file', async () => {
    const groups = await eventually('the tree to fill', () => {
      const roots = api.features().genesTree.getChildren();
      return roots.length > 0 ? roots : undefined;
    });
    const labels = groups.map((g) => String(api.features().genesTree.getTreeItem(g).label));
    assert.deepEqual(labels, ['Pure · numeric', 'Impure']);
    const impure = api.features().genesTree.getChildren(groups[1]).map((n) => String(api.features().genesTree.getTreeItem(n).label));
    assert.deepEqual(impure.sort(), ['Counter.increment', 'jitter']);
  });

  test('code lenses show purity, the CID, Run and similar genes', async () => {
    const lenses = await eventually('lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', numbers);
      return found.length > 0 ? found : undefined;
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('pure · numeric'), titles.join(' | '));
    assert.ok(titles.some((t) => /^compiles · bafkrei/.test(t)), titles.join(' | '));
    assert.ok(titles.includes('Run ▶'));
    assert.ok(titles.some((t) => /^impure: .*Math\.random/.test(t)), titles.join(' | '));
    if (hasDriver()) {
      await vscode.commands.executeCommand('workbench.view.extension.chimera');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await ask('screenshot', 'gene-lenses');
    }
  });

  test('Verify Genes compares every compiled gene with its JavaScript: no mismatch', async () => {
    const analysis = await vscode.commands.executeCommand<FileAnalysis>('chimera.verifyGenes', numbers);
    const verified = analysis.genes.filter((g) => g.verify);
    assert.ok(verified.length >= 4);
    for (const g of verified) assert.equal(g.verify?.verdict, 'ok', `${g.gene.name}: ${JSON.stringify(g.verify?.mismatches[0])}`);
    assert.equal(vscode.languages.getDiagnostics(numbers).filter((d) => codeOf(d) === 'wasm-mismatch').length, 0);
  });

  test('asking to explain a gene shows its purity as a diagnostic with a stable code', async () => {
    await vscode.commands.executeCommand('chimera.explainGene', numbers, 'jitter');
    const diagnostics = await diagnosticsOf(numbers, (d) => d.some((x) => codeOf(x) === 'gene-impure'));
    const impure = diagnostics.find((d) => codeOf(d) === 'gene-impure')!;
    assert.match(impure.message, /Math\.random/);
    assert.equal(impure.range.start.line, 59, 'on the line of jitter');
  });

  test('Run Gene is refused without WASM_EXEC_ENABLED, then returns the right value once it is on', async () => {
    assert.equal(await vscode.commands.executeCommand('chimera.runGene', numbers, 'clamp', '5, 0, 3'), undefined);
    const config = vscode.workspace.getConfiguration('chimera');
    await config.update('flags', { WASM_EXEC_ENABLED: '1' }, vscode.ConfigurationTarget.Workspace);
    try {
      await eventually('execution to be allowed', () => api.rollout.snapshot?.features.execution);
      const response = await vscode.commands.executeCommand<{ ok: boolean; results: { value: unknown; js: unknown; match: boolean }[] }>('chimera.runGene', numbers, 'clamp', '5, 0, 3');
      assert.equal(response.ok, true);
      assert.deepEqual(response.results.map((r) => [r.value, r.js, r.match]), [[3, 3, true]]);
      const edge = await vscode.commands.executeCommand<{ results: { value: unknown }[] }>('chimera.runGene', numbers, 'rot', '-7, 3');
      assert.deepEqual(edge.results.map((r) => r.value), [2]);
    } finally {
      await config.update('flags', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('Show Gene WebAssembly opens a read-only view of the module with its CID', async () => {
    const cid = await vscode.commands.executeCommand<string>('chimera.showWasm', numbers, 'clamp');
    assert.match(cid, /^bafkrei/);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'chimera-wasm');
    assert.ok(shown);
    assert.match(shown.document.getText(), new RegExp(`CID ${cid}`));
    assert.match(shown.document.getText(), /^000000 {2}00 61 73 6d/m);
  });

  test('Find Similar Genes searches the workspace index and finds the renamed clone', async () => {
    const config = vscode.workspace.getConfiguration('chimera');
    await config.update('flags', { PROTEIN_HASH_ENABLED: '1' }, vscode.ConfigurationTarget.Workspace);
    try {
      await eventually('protein hashes to be allowed', () => api.rollout.snapshot?.features.proteinHash);
      const hash = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'vs', 'base', 'common', 'hash.ts');
      await vscode.window.showTextDocument(hash);
      await eventually('an analysis with protein hashes', async () => {
        const analysis = await vscode.commands.executeCommand<FileAnalysis | undefined>('chimera.analyzeFile', hash);
        return analysis?.genes.some((g) => g.protein) ? analysis : undefined;
      });
      const matches = await vscode.commands.executeCommand<{ file: string; name: string; class: string }[]>('chimera.findSimilar', hash, 'numberHash');
      assert.ok(matches.length > 0, 'no similar gene found');
      assert.deepEqual([matches[0]!.file, matches[0]!.name, matches[0]!.class], ['src/vs/base/common/hash.ts', 'combineHash', 'equivalent']);
      const clamp = await vscode.commands.executeCommand<{ name: string }[]>('chimera.findSimilar', numbers, 'clamp');
      assert.ok(clamp.some((m) => m.name === 'clampValue'), JSON.stringify(clamp));
    } finally {
      await config.update('flags', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
