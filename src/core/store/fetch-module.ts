// A module by CID from the module store or trustless gateways, verified before anything runs (`chimera exec <CID>`,
// the editor's "Run Gene by CID…").
import { MODULE_CAPS } from '../sandbox/limits';
import { RAW_CODEC, SHA2_256, parseCid } from './cid';
import type { ModuleCache } from './cache';
import type { GatewayAttempt } from './gateway';
import { loadModule } from './index';

/** Why no module was run: the five refusals of `"verdict": "fetch-failed"`. */
export type FetchFailure = 'cid-mismatch' | 'not-found' | 'timeout' | 'too-large' | 'unreachable';

export type FetchedModule =
  | { ok: true; cid: string; bytes: Uint8Array; source: 'cache' | 'gateway'; attempts: GatewayAttempt[] }
  | { ok: false; cid: string; reason: FetchFailure; detail: string; attempts: GatewayAttempt[] };

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

/** Only a CIDv1, raw codec, sha2-256 CID names a module block; anything else is refused with the reason. */
export function moduleCidOf(text: string): { ok: true; cid: string } | { ok: false; detail: string } {
  const parsed = parseCid(text.trim());
  if (!parsed.ok) return { ok: false, detail: `'${text}' is not a CID: ${parsed.detail}` };
  const { cid } = parsed;
  if (cid.version !== 1 || cid.code !== RAW_CODEC || cid.multihash.code !== SHA2_256) return { ok: false, detail: `'${text}' is not a CIDv1 raw sha2-256 CID (bafkrei…): only module blocks can be run` };
  return { ok: true, cid: parsed.text };
}

/** The store first, then each gateway in order; only bytes that hash to the CID come back, and they are stored. */
export async function fetchModule(cid: string, store: ModuleCache, gateways: readonly string[], timeoutMs: number): Promise<FetchedModule> {
  const loaded = await loadModule(cid, store, { gateways, timeoutMs, maxBytes: MODULE_CAPS.maxModuleBytes });
  if (loaded.ok) return { ok: true, cid: loaded.cid, bytes: loaded.bytes, source: loaded.source, attempts: loaded.fetched?.attempts ?? [] };
  const { fetched } = loaded;
  return { ok: false, cid: loaded.cid, reason: failureOf(fetched.attempts), detail: fetched.ok ? '' : fetched.detail, attempts: fetched.attempts };
}

/** Wrong bytes from any gateway are named first (someone served a different block); otherwise the last gateway's answer. */
function failureOf(attempts: readonly GatewayAttempt[]): FetchFailure {
  if (attempts.some((a) => a.outcome === 'mismatch')) return 'cid-mismatch';
  const last = attempts[attempts.length - 1];
  switch (last?.outcome) {
    case 'timeout':
      return 'timeout';
    case 'too-large':
      return 'too-large';
    case 'http-error':
      return last.status === 404 || last.status === 410 ? 'not-found' : 'unreachable';
    default:
      return 'unreachable';
  }
}
