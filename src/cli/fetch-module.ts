// `chimera exec <CID>`: a module by CID from the module store or trustless gateways, verified before anything runs.
import { MODULE_CAPS } from '../core/sandbox/limits';
import { RAW_CODEC, SHA2_256, parseCid } from '../core/store/cid';
import type { ModuleCache } from '../core/store/cache';
import { type GatewayAttempt, gatewaysFromEnv } from '../core/store/gateway';
import { loadModule } from '../core/store';
import { UsageError } from './command';

/** Why no module was run: the five refusals of `"verdict": "fetch-failed"`. */
export type FetchFailure = 'cid-mismatch' | 'not-found' | 'timeout' | 'too-large' | 'unreachable';

export type FetchedModule =
  | { ok: true; cid: string; bytes: Uint8Array; source: 'cache' | 'gateway'; attempts: GatewayAttempt[] }
  | { ok: false; cid: string; reason: FetchFailure; detail: string; attempts: GatewayAttempt[] };

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

/** True when the text is a CID, whatever its kind: exec then never reads a file of that name. */
export function looksLikeCid(text: string): boolean {
  return parseCid(text).ok || /^(bafy|bafk|Qm)[a-zA-Z0-9]{20,}$/.test(text);
}

/** Only CIDv1, raw codec, sha2-256 names a module block; anything else is a usage error. */
export function requireModuleCid(text: string): string {
  const parsed = parseCid(text);
  if (!parsed.ok) throw new UsageError(`'${text}' is not a CID: ${parsed.detail}`);
  const { cid } = parsed;
  if (cid.version !== 1 || cid.code !== RAW_CODEC || cid.multihash.code !== SHA2_256) throw new UsageError(`'${text}' is not a CIDv1 raw sha2-256 CID (bafkrei…): only module blocks can be run`);
  return parsed.text;
}

/** --gateway (repeatable), else IPFS_GATEWAY_URL, else the setting chimera.ipfs.gateways of the workspace. */
export function gatewaysOf(option: unknown, setting: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const given = Array.isArray(option) ? (option as string[]) : typeof option === 'string' ? [option] : undefined;
  const text = given?.join(' ') ?? env.IPFS_GATEWAY_URL ?? setting.join(' ');
  const { gateways, problems } = gatewaysFromEnv(text);
  if (problems.length > 0) throw new UsageError(`--gateway: ${problems.join('; ')}`);
  if (gateways.length === 0) throw new UsageError('exec by CID needs a gateway: --gateway URL, IPFS_GATEWAY_URL or the setting chimera.ipfs.gateways');
  return gateways;
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
