// "Chimera: Run Gene by CID…": a foreign module from trustless gateways, verified, stored, run in the sandbox.
import * as vscode from 'vscode';
import type { RunByCidResponse } from '../core/analysis/protocol';
import { DEFAULT_FETCH_TIMEOUT_MS, moduleCidOf } from '../core/store/fetch-module';
import { gatewaysFromEnv } from '../core/store/gateway';
import { jsonValue } from '../core/sandbox/values';
import { type AnalysisController, refusal } from './analysis-controller';
import type { CommandRegistrar } from './command-table';
import { readConfig } from './config';
import { formatBytes } from './gene-commands';
import type { RolloutService } from './rollout-service';

/** The setting chimera.ipfs.gateways, else its environment form IPFS_GATEWAY_URL. */
function gateways(): { gateways: string[]; problems: string[] } {
  const setting = readConfig()['ipfs.gateways'];
  return gatewaysFromEnv(setting.length > 0 ? setting.join(' ') : process.env.IPFS_GATEWAY_URL);
}

/** A JSON array of numbers or strings ("NaN", "-0", "42n"), or why not. */
export function parseJsonArguments(text: string): (number | string)[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch (error) {
    return `not JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'number' || typeof v === 'string')) return 'a JSON array of numbers or strings, e.g. [1, 2.5, "NaN", "-0"]';
  return parsed as (number | string)[];
}

function describe(response: RunByCidResponse, exportName: string, args: readonly (number | string)[]): { text: string; severity: 'info' | 'warning' | 'error' } {
  if (!response.ok) {
    if (response.verdict === 'fetch-failed') return { text: `fetch-failed (${response.reason}): ${response.detail || response.reason}. Nothing ran.`, severity: 'error' };
    return { text: `${response.reason}. Nothing ran.`, severity: 'warning' };
  }
  const { result } = response;
  const memory = `memory ${formatBytes(response.memoryBytes)}`;
  const from = response.source === 'cache' ? 'module store' : 'gateway, verified';
  if (result.verdict === 'ok') return { text: `${exportName}(${args.join(', ')}) = ${JSON.stringify(jsonValue(result.value))} · ${memory} · ${result.ms.toFixed(1)} ms · ${from}`, severity: 'info' };
  if (result.verdict === 'forbidden-import') return { text: `refused: forbidden import ${result.violation.import} (security violation reported). Nothing ran.`, severity: 'error' };
  return { text: `${exportName}: ${result.verdict} (${result.message}) · ${memory} · ${from}`, severity: 'warning' };
}

export function registerRunByCid(register: CommandRegistrar, analysis: AnalysisController, rollout: RolloutService, log: vscode.LogOutputChannel): vscode.Disposable {
  return register('chimera.runGeneByCid', async (cidArgument?: unknown, exportArgument?: unknown, argsArgument?: unknown) => {
    // Untrusted workspaces run nothing, whatever the flags say.
    const why = vscode.workspace.isTrusted ? refusal(analysis.features, 'execution') : 'the workspace is not trusted (Restricted Mode)';
    if (why) {
      log.info(`Run Gene by CID refused: ${why}`);
      void vscode.window.showWarningMessage(`Chimera: Run Gene by CID is not available: ${why}.`);
      return undefined;
    }
    const cidText = typeof cidArgument === 'string' ? cidArgument : await vscode.window.showInputBox({ title: 'Run Gene by CID', prompt: 'CID of a WebAssembly module (CIDv1, raw, sha2-256: bafkrei…)', validateInput: (t) => (moduleCidOf(t).ok ? undefined : 'A CIDv1 raw sha2-256 CID (bafkrei…)') });
    if (cidText === undefined) return undefined;
    const cid = moduleCidOf(cidText);
    if (!cid.ok) return void vscode.window.showWarningMessage(`Chimera: ${cid.detail}.`);
    const exportName = typeof exportArgument === 'string' ? exportArgument : await vscode.window.showInputBox({ title: `Run ${cid.cid.slice(0, 14)}…`, prompt: 'Export to call', validateInput: (t) => (t.trim() ? undefined : 'The name of an exported function') });
    if (!exportName) return undefined;
    const argsText = typeof argsArgument === 'string' ? argsArgument : await vscode.window.showInputBox({ title: `Run ${exportName}`, prompt: 'Arguments as a JSON array', value: '[]', validateInput: (t) => (typeof parseJsonArguments(t) === 'string' ? (parseJsonArguments(t) as string) : undefined) });
    if (argsText === undefined) return undefined;
    const args = parseJsonArguments(argsText);
    if (typeof args === 'string') return void vscode.window.showWarningMessage(`Chimera: the arguments must be ${args}.`);
    const found = gateways();
    if (found.problems.length > 0 || found.gateways.length === 0) {
      const text = found.problems.length > 0 ? `chimera.ipfs.gateways: ${found.problems.join('; ')}` : 'no gateway configured: set chimera.ipfs.gateways (or IPFS_GATEWAY_URL)';
      return void vscode.window.showWarningMessage(`Chimera: ${text}.`);
    }
    const flags = rollout.snapshot!.resolution.flags;
    const response = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Chimera: fetching ${cid.cid.slice(0, 14)}…` }, () =>
      analysis.request('runByCid', {
        cid: cid.cid,
        export: exportName.trim(),
        args,
        gateways: found.gateways,
        fetchTimeoutMs: DEFAULT_FETCH_TIMEOUT_MS,
        maxFuel: flags.WASM_MAX_GAS.value as number,
        maxTimeMs: flags.WASM_MAX_TIME.value as number,
        maxMemoryBytes: flags.WASM_MAX_MEMORY.value as number,
      }),
    );
    const attempts = response.attempts.map((a) => `${a.gateway}: ${a.outcome}`).join('; ');
    const { text, severity } = describe(response, exportName.trim(), args);
    log.info(`run by CID ${cid.cid}: ${text}${attempts ? ` [${attempts}]` : ''}`);
    const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(`Chimera: ${text}`);
    return response;
  });
}
