// "Run Gene by CID…": a foreign module fetched by CID, verified against it, stored, then run in the sandbox's child process.
import { inspectModule } from '../sandbox/inspect-module';
import { parseArgument } from '../sandbox/values';
import type { WasmScalar } from '../sandbox/verdict';
import { moduleCidOf } from '../store/fetch-module';
import type { RunByCidRequest, RunByCidResponse } from './protocol';
import type { WorkerSandbox } from './worker-sandbox';

/** Each refusal runs nothing: a malformed CID or arguments, a module the gateways could not deliver verified. */
export async function runByCid(request: RunByCidRequest, sandbox: WorkerSandbox): Promise<RunByCidResponse> {
  const checked = moduleCidOf(request.cid);
  if (!checked.ok) return { ok: false, cid: request.cid, verdict: 'bad-request', reason: checked.detail, attempts: [] };
  const { cid } = checked;
  if (!sandbox.enabled) return { ok: false, cid, verdict: 'bad-request', reason: 'this analysis worker has no sandbox', attempts: [] };
  const fetched = await sandbox.fetch(cid, request.gateways, request.fetchTimeoutMs);
  if (!fetched) return { ok: false, cid, verdict: 'bad-request', reason: 'no module store is configured', attempts: [] };
  if (!fetched.ok) return { ok: false, cid, verdict: 'fetch-failed', reason: fetched.reason, detail: fetched.detail, attempts: fetched.attempts };
  const limits = { maxFuel: request.maxFuel, maxTimeMs: request.maxTimeMs, maxMemoryBytes: request.maxMemoryBytes };
  const args = argumentsFor(fetched.bytes, request.export, request.args, limits);
  if (typeof args === 'string') return { ok: false, cid, verdict: 'bad-request', reason: args, attempts: fetched.attempts };
  const run = await sandbox.runForeign(fetched.bytes, request.export, [args], limits);
  return { ok: true, cid, source: fetched.source, attempts: fetched.attempts, result: run.results[0]!, memoryBytes: run.memoryBytes, path: run.path };
}

/** Converted by the export's parameter types; a module the sandbox refuses gets its verdict from the run itself. */
function argumentsFor(bytes: Uint8Array, exportName: string, raw: readonly (number | string)[], limits: Parameters<typeof inspectModule>[1]): WasmScalar[] | string {
  const inspection = inspectModule(bytes, limits);
  const params = inspection.ok ? inspection.facts.exports.find((e) => e.name === exportName)?.signature?.params : undefined;
  if (params && params.length !== raw.length) return `'${exportName}' takes ${params.length} argument(s), ${raw.length} given`;
  const values: WasmScalar[] = [];
  for (const [i, text] of raw.entries()) {
    const value = parseArgument(text, params?.[i] ?? 'f64');
    if (value === undefined) return `argument ${i + 1} (${JSON.stringify(text)}) is not a ${params?.[i] ?? 'number'}`;
    values.push(value);
  }
  return values;
}
