import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { FileAnalysis, GeneAnalysis } from '../core/analysis/pipeline';
import type { JsonGeneValue } from '../core/compiler/values';
import { type AnalysisController, isAnalyzable, refusal } from './analysis-controller';
import type { CommandRegistrar } from './command-table';
import type { GeneLanguageFeatures } from './gene-language';
import { geneRange, purityLabel } from './gene-views';
import type { RolloutService } from './rollout-service';
import type { WorkspaceGenes } from './workspace-genes';

/** The `chimera-wasm:` documents: a read-only text view of a gene's module. */
export class WasmDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'chimera-wasm';
  private readonly texts = new Map<string, string>();

  show(gene: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: WasmDocuments.scheme, path: `/${gene}.wasm.txt` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = Array.from(bytes.subarray(offset, offset + 16));
    lines.push(`${offset.toString(16).padStart(6, '0')}  ${row.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47)}  ${row.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('')}`);
  }
  return lines.join('\n');
}

/** Arguments typed by a person: numbers, true/false, NaN, Infinity, -Infinity, -0, separated by commas or spaces. */
export function parseArguments(text: string): JsonGeneValue[] | undefined {
  // JSON form: `["a b", [1, "NaN"], true]`, for strings and arrays; each value is then read by its parameter's type.
  if (text.trim().startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) ? (parsed as JsonGeneValue[]) : undefined;
    } catch {
      return undefined;
    }
  }
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const values: JsonGeneValue[] = [];
  for (const part of parts) {
    if (part === 'NaN' || part === 'Infinity' || part === '-Infinity' || part === '-0') values.push(part);
    else if (part === 'true' || part === 'false') values.push(part === 'true');
    else if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(part)) values.push(Number(part));
    else return undefined;
  }
  return values;
}

interface GeneTarget {
  document: vscode.TextDocument;
  analysis: FileAnalysis;
  entry: GeneAnalysis;
}

export function registerGeneCommands(register: CommandRegistrar, analysis: AnalysisController, rollout: RolloutService, language: GeneLanguageFeatures, workspaceGenes: WorkspaceGenes, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const wasm = new WasmDocuments();

  const refuse = (need: 'analysis' | 'execution' | 'proteinHash', action: string): boolean => {
    const why = refusal(analysis.features, need);
    if (!why) return false;
    log.info(`${action} refused: ${why}`);
    void vscode.window.showWarningMessage(`Chimera: ${action} is not available: ${why}.`);
    return true;
  };

  async function documentFor(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    if (uri) return vscode.workspace.openTextDocument(uri);
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isAnalyzable(document)) {
      void vscode.window.showInformationMessage('Chimera: open a TypeScript or JavaScript file first.');
      return undefined;
    }
    return document;
  }

  /** The gene a command is about: from its arguments (lenses, tree), else picked by the person. */
  async function pickGene(uriOrNode: unknown, name: unknown, filter: (g: GeneAnalysis) => boolean, placeHolder: string): Promise<GeneTarget | undefined> {
    const nodeArgument = uriOrNode && typeof uriOrNode === 'object' && 'entry' in uriOrNode ? (uriOrNode as { entry: GeneAnalysis; uri: vscode.Uri }) : undefined;
    const document = await documentFor(nodeArgument?.uri ?? (uriOrNode instanceof vscode.Uri ? uriOrNode : undefined));
    if (!document) return undefined;
    const result = analysis.resultFor(document) ?? (await analysis.analyze(document));
    if (!result) return undefined;
    const wanted = nodeArgument?.entry.gene.name ?? (typeof name === 'string' ? name : undefined);
    if (wanted) {
      const entry = result.genes.find((g) => g.gene.name === wanted);
      return entry ? { document, analysis: result, entry } : undefined;
    }
    const candidates = result.genes.filter(filter);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Chimera: no suitable genes in this file (${placeHolder.toLowerCase()}).`);
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(candidates.map((entry) => ({ label: entry.gene.name, description: purityLabel(entry), detail: `line ${entry.gene.line}`, entry })), { placeHolder });
    return pick ? { document, analysis: result, entry: pick.entry } : undefined;
  }

  const compiled = (g: GeneAnalysis) => g.compile?.verdict === 'ok';

  return [
    vscode.workspace.registerTextDocumentContentProvider(WasmDocuments.scheme, wasm),
    register('chimera.analyzeFile', async (uri?: vscode.Uri) => {
      if (refuse('analysis', 'Analyze Current File')) return undefined;
      const document = await documentFor(uri);
      if (!document) return undefined;
      return analysis.analyze(document);
    }),
    register('chimera.verifyGenes', async (uri?: vscode.Uri) => {
      if (refuse('analysis', 'Verify Genes in Sandbox')) return undefined;
      const document = await documentFor(uri);
      if (!document) return undefined;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Chimera: verifying genes against JavaScript (dry run)…', cancellable: true }, (_progress, token) => {
        const run = analysis.analyze(document, { verify: true });
        token.onCancellationRequested(() => void analysis.analyze(document));
        return run;
      });
      if (!result) return undefined;
      const verified = result.genes.filter((g) => g.verify);
      const mismatches = verified.filter((g) => g.verify?.verdict === 'mismatch');
      const message = `Chimera verified ${verified.length} gene(s): ${mismatches.length === 0 ? 'WebAssembly equals JavaScript on every input' : `${mismatches.length} mismatch(es) — see Problems`}.`;
      void (mismatches.length ? vscode.window.showErrorMessage(message) : vscode.window.showInformationMessage(message));
      return result;
    }),
    register('chimera.runGene', async (uriOrNode?: unknown, name?: unknown, argumentText?: unknown) => {
      if (refuse('execution', 'Run Gene')) return undefined;
      const target = await pickGene(uriOrNode, name, compiled, 'Pick a compiled gene to run');
      if (!target) return undefined;
      const params = target.entry.gene.params.map((p) => `${p.name}: ${p.type ?? 'number'}`).join(', ');
      const text = typeof argumentText === 'string' ? argumentText : await vscode.window.showInputBox({ title: `Run ${target.entry.gene.name}(${params})`, prompt: 'Arguments separated by commas (numbers, true/false, NaN, Infinity, -0), or a JSON array of them for strings and arrays: ["a b", [1, "NaN"]]', validateInput: (t) => (parseArguments(t) ? undefined : 'Use numbers, true/false, NaN, Infinity, -Infinity or -0, or a JSON array of arguments') });
      if (text === undefined) return undefined;
      const inputs = parseArguments(text);
      if (!inputs) return undefined;
      const flags = rollout.snapshot!.resolution.flags;
      const response = await analysis.request('run', {
        fileName: target.document.uri.fsPath,
        text: target.document.getText(),
        selector: target.entry.gene.name,
        inputs: [inputs],
        maxFuel: flags.WASM_MAX_GAS.value as number,
        maxTimeMs: flags.WASM_MAX_TIME.value as number,
        maxMemoryBytes: flags.WASM_MAX_MEMORY.value as number,
      });
      if (!response.ok) {
        void vscode.window.showWarningMessage(`Chimera: ${target.entry.gene.name} cannot run: ${response.reason}`);
        return response;
      }
      const [r] = response.results;
      language.lastRuns.set(target.entry.gene.id, { verdict: r!.verdict, ms: r!.ms, ...(r!.fuel !== undefined ? { fuel: r!.fuel } : {}) });
      const memory = `memory ${formatBytes(response.memoryBytes)}`;
      const show = (value: unknown) => (Array.isArray(value) ? JSON.stringify(value) : String(value));
      const shown = inputs.map(show).join(', ');
      log.info(`ran ${target.entry.gene.name}(${shown}) in the sandbox: ${r!.verdict} ${String(r!.value)} (JavaScript ${String(r!.js)}), fuel ${r!.fuel}, ${memory}, ${r!.ms} ms; module ${response.cid} (store ${response.cache ?? 'off'})`);
      const summary = r!.verdict === 'ok' ? `${target.entry.gene.name}(${shown}) = ${show(r!.value)} · JavaScript ${show(r!.js)} · ${r!.match ? 'match ✓' : 'MISMATCH ✗'} · fuel ${r!.fuel} · ${memory} · ${r!.ms} ms` : `${target.entry.gene.name}: ${r!.verdict} (${r!.reason ?? ''}) · ${memory}`;
      void (r!.match ? vscode.window.showInformationMessage(summary) : vscode.window.showWarningMessage(summary));
      return response;
    }),
    register('chimera.findSimilar', async (uriOrNode?: unknown, name?: unknown) => {
      if (refuse('proteinHash', 'Find Similar Genes')) return undefined;
      const target = await pickGene(uriOrNode, name, (g) => g.protein !== undefined, 'Pick a gene to compare');
      const protein = target?.entry.protein;
      const folder = target && vscode.workspace.getWorkspaceFolder(target.document.uri);
      if (!target || !protein || !folder) return undefined;
      const matches = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Chimera: indexing the workspace genes', cancellable: true }, (progress, token) =>
        workspaceGenes.query(target.document.uri, { name: target.entry.gene.name, ...protein }, token, progress),
      );
      log.info(`similar to ${target.entry.gene.name}: ${matches.map((m) => `${m.file}:${m.line} ${m.name} (${m.class}, ${m.cosine.toFixed(3)})`).join('; ') || 'none'}`);
      if (matches.length === 0) {
        void vscode.window.showInformationMessage(`Chimera: no gene in the workspace is similar to ${target.entry.gene.name}.`);
        return matches;
      }
      // Like a clone detector's "go to the other copy": every match in a peek view at the gene.
      const editor = await vscode.window.showTextDocument(target.document);
      const at = geneRange(target.entry).start;
      const locations = matches.map((m) => new vscode.Location(vscode.Uri.joinPath(folder.uri, m.file), new vscode.Position(m.line - 1, 0)));
      await vscode.commands.executeCommand('editor.action.peekLocations', editor.document.uri, at, locations, 'peek');
      return matches;
    }),
    register('chimera.showWasm', async (uriOrNode?: unknown, name?: unknown) => {
      if (refuse('analysis', 'Show Gene WebAssembly')) return undefined;
      const target = await pickGene(uriOrNode, name, compiled, 'Pick a compiled gene');
      if (!target) return undefined;
      const module = await analysis.request('module', { fileName: target.document.uri.fsPath, text: target.document.getText(), selector: target.entry.gene.name });
      if (!module.ok) return void vscode.window.showWarningMessage(`Chimera: ${module.reason}`);
      const text = [
        `;; ${module.gene} — ${module.bytes.length} bytes`,
        `;; CID ${module.cid}${module.cache ? ` (module store: ${module.cache})` : ''}`,
        `;; exports: ${module.exports.join(', ')}`,
        `;; imports: ${module.imports.join(', ') || 'none'}`,
        ...module.sourceMap.map((f) => `;; func ${f.name}: source lines ${f.startLine}-${f.endLine}`),
        '',
        hexDump(module.bytes),
      ].join('\n');
      const document = await vscode.workspace.openTextDocument(wasm.show(module.gene, text));
      await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return module.cid;
    }),
    register('chimera.copyCid', async (uriOrNode?: unknown, name?: unknown) => {
      const target = await pickGene(uriOrNode, name, compiled, 'Pick a compiled gene');
      if (!target || target.entry.compile?.verdict !== 'ok') return undefined;
      // The CID of the module as the store holds it, so what is copied can be run by CID from this machine's store.
      const module = await analysis.request('module', { fileName: target.document.uri.fsPath, text: target.document.getText(), selector: target.entry.gene.name });
      if (!module.ok) return void vscode.window.showWarningMessage(`Chimera: ${module.reason}`);
      await vscode.env.clipboard.writeText(module.cid);
      vscode.window.setStatusBarMessage(`Copied ${module.cid}`, 3000);
      return module.cid;
    }),
    register('chimera.exportCar', async () => {
      if (refuse('analysis', 'Export Genome as CAR')) return undefined;
      const document = await documentFor();
      if (!document) return undefined;
      const target = await vscode.window.showSaveDialog({ title: 'Export Genome as CAR', filters: { 'CAR files': ['car'] }, defaultUri: vscode.Uri.joinPath(document.uri, '..', 'genome.car') });
      if (!target) return undefined;
      const car = await analysis.request('car', { files: [{ fileName: document.uri.fsPath, text: document.getText() }] });
      if (!car.ok) return void vscode.window.showWarningMessage(`Chimera: ${car.reason}`);
      await writeFile(target.fsPath, car.bytes);
      void vscode.window.showInformationMessage(`Chimera exported ${car.genes} gene(s) to ${vscode.workspace.asRelativePath(target)} (root ${car.root}).`);
      return car.root;
    }),
    register('chimera.explainGene', async (uri?: vscode.Uri, name?: string) => {
      const target = await pickGene(uri, name, () => true, 'Pick a gene to explain');
      if (!target) return;
      language.explain(target.document.uri, target.entry.gene.id);
    }),
    register('chimera.openFlags', async () => {
      const folder = rollout.folder;
      const snapshot = rollout.snapshot;
      if (!folder || !snapshot) return;
      await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, snapshot.envFile));
    }),
  ];
}
