import * as vscode from 'vscode';
import { isAbsolute } from 'node:path';
import type { FileAnalysis } from '../core/analysis/pipeline';
import type { Specialisation } from '../core/compiler/types';
import type { Reason } from '../core/genes/types';
import { DOCS_URL } from '../core/flags/diagnostic';
import type { AnalysisController } from './analysis-controller';
import { geneRange, purityLabel } from './gene-views';

function diagnostic(range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity, code: string): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, severity);
  d.source = 'chimera';
  d.code = { value: code, target: vscode.Uri.parse(`${DOCS_URL}#${code}`) };
  return d;
}

/**
 * Gene diagnostics stay few so the Problems panel stays useful: a WASM ≠ JavaScript mismatch (error, with the input),
 * a sandbox limit hit (warning), an analysis skipped (information). Purity explanations come on request only.
 */
export function geneDiagnostics(analysis: FileAnalysis, explained: ReadonlySet<string>): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const error of analysis.errors) {
    if (error.code === 'cancelled') continue;
    out.push(diagnostic(new vscode.Range(0, 0, 0, 0), `Chimera skipped this file: ${error.message}`, vscode.DiagnosticSeverity.Information, 'analysis-skipped'));
  }
  for (const skipped of analysis.skipped) {
    out.push(diagnostic(new vscode.Range(skipped.line - 1, skipped.column - 1, skipped.line - 1, skipped.column - 1 + skipped.name.length), `Chimera skipped ${skipped.name}: ${skipped.reason.message}`, vscode.DiagnosticSeverity.Information, 'analysis-skipped'));
  }
  for (const entry of analysis.genes) {
    const head = new vscode.Range(entry.gene.line - 1, entry.gene.column - 1, entry.gene.line - 1, entry.gene.column - 1 + Math.max(1, entry.gene.name.split('.').pop()!.length + 9));
    const verify = entry.verify;
    if (verify?.verdict === 'mismatch') {
      const first = verify.mismatches[0]!;
      out.push(diagnostic(head, `WebAssembly differs from JavaScript for ${entry.gene.name}(${first.input.map(String).join(', ')}): WASM ${first.wasm}, JavaScript ${first.js} (${verify.mismatches.length} input(s) differ).`, vscode.DiagnosticSeverity.Error, 'wasm-mismatch'));
    }
    if (verify && verify.inconclusive > 0) {
      out.push(diagnostic(head, `${entry.gene.name}: ${verify.inconclusive} verification input(s) hit a sandbox limit (fuel, stack or time); raise WASM_MAX_GAS / WASM_MAX_TIME to compare them.`, vscode.DiagnosticSeverity.Warning, 'sandbox-limit'));
    }
    if (explained.has(entry.gene.id)) {
      const reasons = entry.gene.reasons.map((r) => `${r.message} (line ${r.line})`).join('; ');
      out.push(diagnostic(geneRange(entry), `${entry.gene.name} is ${purityLabel(entry)}${reasons ? `: ${reasons}` : ''}.`, vscode.DiagnosticSeverity.Information, entry.gene.purity === 'impure' ? 'gene-impure' : 'gene-pure'));
    }
  }
  return out;
}

/** Diagnostics and hovers for analysed source files. */
export class GeneLanguageFeatures implements vscode.HoverProvider, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('chimera-genes');
  /** Genes whose purity explanation a person asked for (per gene id). */
  private readonly explained = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** The last run of each gene, for the hover. */
  readonly lastRuns = new Map<string, { fuel?: number; ms: number; verdict: string }>();

  constructor(private readonly analysis: AnalysisController) {
    this.disposables.push(
      analysis.onDidAnalyze(({ uri, analysis: result }) => this.collection.set(uri, result ? geneDiagnostics(result, this.explained) : [])),
      vscode.languages.registerHoverProvider([{ language: 'typescript' }, { language: 'javascript' }, { language: 'typescriptreact' }, { language: 'javascriptreact' }], this),
    );
  }

  explain(uri: vscode.Uri, geneId: string): void {
    this.explained.add(geneId);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const result = document && this.analysis.resultFor(document);
    if (result) this.collection.set(uri, geneDiagnostics(result, this.explained));
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const result = this.analysis.resultFor(document);
    const entry = result?.genes.find((g) => {
      const start = new vscode.Position(g.gene.line - 1, g.gene.column - 1);
      return position.line === start.line && geneRange(g).contains(position);
    });
    if (!entry) return undefined;
    const md = new vscode.MarkdownString(`**${entry.gene.name}** — ${purityLabel(entry)}\n\n`);
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri;
    for (const r of entry.gene.reasons) md.appendMarkdown(`- ${r.message} (line ${r.line})${targetLink(r, folder)}\n`);
    if (entry.compile?.verdict === 'ok') md.appendMarkdown(`\nCID \`${entry.compile.cid}\` · ${entry.compile.wasmSize} bytes${specialisationText(entry.compile.specialisation)}\n`);
    else if (entry.compile) md.appendMarkdown(`\nNot compiled: ${entry.compile.reason} (line ${entry.compile.line})\n`);
    const run = this.lastRuns.get(entry.gene.id);
    if (run) md.appendMarkdown(`\nLast run: ${run.verdict}${run.fuel !== undefined ? `, fuel ${run.fuel}` : ''}, ${run.ms} ms\n`);
    return new vscode.Hover(md);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** For a reason about another file's function or constant: a link that opens it at its line. */
export function targetLink(reason: Reason, folder: vscode.Uri | undefined): string {
  const target = reason.target;
  if (!target || target.line === 0) return '';
  const file = isAbsolute(target.file) || !folder ? vscode.Uri.file(target.file) : vscode.Uri.joinPath(folder, target.file);
  return ` — [${target.name}](${file.with({ fragment: `L${target.line}` }).toString()})`;
}

/** ` · compiled for number arguments (t from JSDoc, power from its uses)`, or nothing for declared types. */
function specialisationText(specialisation: Specialisation | undefined): string {
  if (!specialisation) return '';
  const sources = specialisation.inferred.map((p) => `\`${p.name}\` from ${p.from === 'jsdoc' ? 'JSDoc' : 'its uses'}`);
  return ` · ${specialisation.note} (${sources.join(', ')})`;
}
