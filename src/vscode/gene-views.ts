import * as vscode from 'vscode';
import type { FileAnalysis, GeneAnalysis } from '../core/analysis/pipeline';
import { verdictMarks } from '../core/genes/types';
import { compareProteins } from '../core/protein/similarity';
import type { AnalysisController } from './analysis-controller';
import { affectsConfig, readConfig } from './config';

export type GeneGroup = 'pure-numeric' | 'pure' | 'conditional' | 'impure' | 'skipped';

const GROUP_LABELS: Record<GeneGroup, string> = { 'pure-numeric': 'Pure · numeric', pure: 'Pure', conditional: 'Conditionally pure', impure: 'Impure', skipped: 'Skipped' };

export function groupOf(entry: GeneAnalysis): Exclude<GeneGroup, 'skipped'> {
  return entry.gene.purity !== 'pure' ? entry.gene.purity : entry.gene.numeric ? 'pure-numeric' : 'pure';
}

/** The first thing to say about a gene: its purity with the first reason, as the lens and the tree show it. */
export function purityLabel(entry: GeneAnalysis): string {
  if (entry.gene.purity === 'impure') {
    const first = entry.gene.reasons.find((r) => r.code !== 'calls-parameter');
    return first ? `impure: ${first.message}, line ${first.line}` : 'impure';
  }
  if (entry.gene.purity === 'conditional') {
    const where = entry.gene.reasons.map((r) => `${r.message.replace(/: pure only if.*$/, '')} (line ${r.line})`).join(', ');
    return `conditional: pure only if what it calls through parameters is${where ? ` — ${where}` : ''}`;
  }
  return `${['pure', ...verdictMarks(entry.gene)].join(' · ')}${entry.gene.numeric ? ' · numeric' : ''}${entry.gene.mayThrow ? ' · may throw' : ''}`;
}

/** Genes of the same file that look alike (equal digests or cosine ≥ 0.85), best first. */
export function similarInFile(analysis: FileAnalysis, entry: GeneAnalysis): { entry: GeneAnalysis; score: number; kind: string }[] {
  if (!entry.protein) return [];
  const mine = entry.protein;
  return analysis.genes
    .filter((other) => other !== entry && other.protein)
    .map((other) => {
      const similarity = compareProteins(mine, other.protein!);
      return { entry: other, score: similarity.cosine, kind: similarity.class };
    })
    .filter((match) => match.kind !== 'different')
    .sort((a, b) => b.score - a.score);
}

export function geneRange(entry: { gene: { line: number; column: number; endLine: number; endColumn: number } }): vscode.Range {
  return new vscode.Range(entry.gene.line - 1, entry.gene.column - 1, entry.gene.endLine - 1, entry.gene.endColumn - 1);
}

type Node = { kind: 'group'; group: GeneGroup; count: number } | { kind: 'gene'; entry: GeneAnalysis; uri: vscode.Uri } | { kind: 'skipped'; name: string; line: number; reason: string; uri: vscode.Uri };

/** The "Genes" tree: the active file's genes grouped by purity, each with its verdicts; a click reveals the function. */
export class GenesTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  static readonly viewId = 'chimera.genes';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly analysis: AnalysisController) {
    this.disposables.push(analysis.onDidAnalyze(() => this.changed.fire()), vscode.window.onDidChangeActiveTextEditor(() => this.changed.fire()));
  }

  private current(): { uri: vscode.Uri; analysis: FileAnalysis } | undefined {
    const document = vscode.window.activeTextEditor?.document;
    const analysis = document && this.analysis.resultFor(document);
    return document && analysis ? { uri: document.uri, analysis } : undefined;
  }

  getChildren(node?: Node): Node[] {
    const current = this.current();
    if (!current) return [];
    const { uri, analysis } = current;
    if (!node) {
      const groups: Node[] = (['pure-numeric', 'pure', 'conditional', 'impure'] as const).map((group) => ({ kind: 'group' as const, group, count: analysis.genes.filter((g) => groupOf(g) === group).length }));
      groups.push({ kind: 'group', group: 'skipped', count: analysis.skipped.length });
      return groups.filter((g) => g.kind === 'group' && g.count > 0);
    }
    if (node.kind !== 'group') return [];
    if (node.group === 'skipped') return analysis.skipped.map((s) => ({ kind: 'skipped' as const, name: s.name, line: s.line, reason: s.reason.message, uri }));
    return analysis.genes.filter((g) => groupOf(g) === node.group).map((entry) => ({ kind: 'gene' as const, entry, uri }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(GROUP_LABELS[node.group], vscode.TreeItemCollapsibleState.Expanded);
      item.description = String(node.count);
      item.id = `group:${node.group}`;
      return item;
    }
    if (node.kind === 'skipped') {
      const item = new vscode.TreeItem(node.name);
      item.description = `line ${node.line}: ${node.reason}`;
      item.iconPath = new vscode.ThemeIcon('circle-slash');
      item.command = { title: 'Reveal', command: 'vscode.open', arguments: [node.uri, { selection: new vscode.Range(node.line - 1, 0, node.line - 1, 0) }] };
      return item;
    }
    const { entry } = node;
    const item = new vscode.TreeItem(entry.gene.name);
    item.id = `gene:${entry.gene.id}`;
    const verdicts = [
      entry.compile ? (entry.compile.verdict === 'ok' ? `compiled · ${entry.compile.cid.slice(0, 14)}…` : `unsupported: ${entry.compile.construct}`) : undefined,
      entry.compile?.verdict === 'ok' ? entry.compile.specialisation?.note : undefined,
      entry.verify ? `sandbox: ${entry.verify.verdict}${entry.verify.verdict === 'ok' ? ` (${entry.verify.compared} inputs)` : ''}` : undefined,
      entry.protein ? `protein ${entry.protein.digest.slice(9, 17)}` : undefined,
    ].filter(Boolean);
    item.description = verdicts.length > 0 ? verdicts.join(' · ') : purityLabel(entry);
    item.tooltip = new vscode.MarkdownString(`**${entry.gene.name}** — ${purityLabel(entry)}\n\n${entry.gene.reasons.map((r) => `- ${r.message} (line ${r.line})`).join('\n')}`);
    item.iconPath = new vscode.ThemeIcon(entry.gene.purity === 'impure' ? 'warning' : entry.gene.numeric ? 'symbol-numeric' : 'symbol-function');
    item.contextValue = entry.compile?.verdict === 'ok' ? 'gene.compiled' : 'gene';
    item.command = { title: 'Reveal', command: 'vscode.open', arguments: [node.uri, { selection: geneRange(entry) }] };
    return item;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** Lenses above genes: purity with the first reason, "compiles · bafkrei…", "Run ▶", "N similar". */
export class GeneLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly analysis: AnalysisController) {
    this.disposables.push(analysis.onDidAnalyze(() => this.changed.fire()), vscode.workspace.onDidChangeConfiguration((e) => affectsConfig(e, 'codeLens.enabled') && this.changed.fire()));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!readConfig(document.uri)['codeLens.enabled']) return [];
    const analysis = this.analysis.resultFor(document);
    if (!analysis) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const entry of analysis.genes) {
      const at = new vscode.Range(entry.gene.line - 1, 0, entry.gene.line - 1, 0);
      lenses.push(new vscode.CodeLens(at, { title: purityLabel(entry), command: 'chimera.explainGene', arguments: [document.uri, entry.gene.name] }));
      if (entry.compile?.verdict === 'ok') {
        lenses.push(new vscode.CodeLens(at, { title: `compiles · ${entry.compile.cid.slice(0, 14)}…${entry.compile.specialisation ? ` · ${entry.compile.specialisation.note}` : ''}`, tooltip: `CID ${entry.compile.cid} (${entry.compile.wasmSize} bytes); click to copy`, command: 'chimera.copyCid', arguments: [document.uri, entry.gene.name] }));
        lenses.push(new vscode.CodeLens(at, { title: 'Run ▶', command: 'chimera.runGene', arguments: [document.uri, entry.gene.name] }));
      }
      const similar = similarInFile(analysis, entry);
      if (similar.length > 0) lenses.push(new vscode.CodeLens(at, { title: `${similar.length} similar`, command: 'chimera.findSimilar', arguments: [document.uri, entry.gene.name] }));
    }
    return lenses;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
