// In the extension host: alternating rounds of typing with Chimera off and at Phase 4, with the host's event-loop delay and CPU time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ChimeraApi } from '../../src/vscode/extension';
import { EXTENSION_ID, ask, eventually } from '../../test/integration/harness';
import { resultFile } from './result-file';

export type TypingMode = 'off' | 'on';

export interface TypingRound {
  mode: TypingMode;
  round: number;
  /** The extension host's event-loop delay P99 over the round, at 1 ms resolution. */
  eventLoopP99Ms: number;
  /** CPU time of the whole extension-host process (its analysis worker included) over the round. */
  cpuMs: number;
  wallMs: number;
}

/** Off: the master switch. On: Phase 4 of the plan, everything enabled. */
const FLAGS: Record<TypingMode, string> = {
  off: 'CHIMERA_ENABLED=0\n',
  on: 'CHIMERA_ENABLED=1\nWASM_EXEC_ENABLED=1\nPROTEIN_HASH_ENABLED=1\n',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An empty line near the middle: typing there starts a comment, so the file stays as valid as it was. */
function typingLine(document: vscode.TextDocument): number {
  for (let line = document.lineCount >> 1; line < document.lineCount; line++) if (document.lineAt(line).isEmptyOrWhitespace) return line;
  return document.lineCount - 1;
}

async function switchTo(api: ChimeraApi, root: string, mode: TypingMode, document: vscode.TextDocument): Promise<void> {
  writeFileSync(join(root, '.env'), FLAGS[mode]);
  await eventually(`Chimera ${mode}`, async () => ((await api.rollout.reload())?.features.analysis === (mode === 'on') ? true : undefined));
  if (mode === 'off') return;
  // Lenses and diagnostics live before the round starts.
  await eventually('the analysis and lenses of the file', async () => {
    if (!api.features().analysis.resultFor(document)) return undefined;
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    return lenses.length > 0 || undefined;
  }, 60_000);
}

export async function run(): Promise<void> {
  const rounds = Number(process.env.TYPING_ROUNDS ?? '6');
  const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const api = await vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!.activate();
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(root, process.env.TYPING_FILE!)));
  const line = typingLine(document);
  const results: TypingRound[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternating order, so that neither side always runs first after a switch.
    for (const mode of (round % 2 ? ['on', 'off'] : ['off', 'on']) as TypingMode[]) {
      await switchTo(api, root, mode, document);
      const editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
      const at = document.lineAt(line).range.end;
      editor.selection = new vscode.Selection(at, at);
      editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
      await sleep(1500);
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await ask('type', `${mode}${round}`);
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      delay.disable();
      results.push({ mode, round, eventLoopP99Ms: delay.percentile(99) / 1e6, cpuMs: (used.user + used.system) / 1000, wallMs });
      console.log(`[typing] round ${round} ${mode}: event-loop P99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`);
      // Back to the file as it was, so every round types into the same text.
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  writeFileSync(resultFile(process.env.HARNESS_DIR!), JSON.stringify(results));
}
