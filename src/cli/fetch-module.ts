// `chimera exec <CID>`: the CLI's side of running a module by CID (the fetching itself is src/core/store/fetch-module.ts).
import { parseCid } from '../core/store/cid';
import { gatewaysFromEnv } from '../core/store/gateway';
import { moduleCidOf } from '../core/store/fetch-module';
import { UsageError } from './command';

export { DEFAULT_FETCH_TIMEOUT_MS, fetchModule, type FetchFailure, type FetchedModule } from '../core/store/fetch-module';

/** True when the text is a CID, whatever its kind: exec then never reads a file of that name. */
export function looksLikeCid(text: string): boolean {
  return parseCid(text).ok || /^(bafy|bafk|Qm)[a-zA-Z0-9]{20,}$/.test(text);
}

/** Only CIDv1, raw codec, sha2-256 names a module block; anything else is a usage error. */
export function requireModuleCid(text: string): string {
  const checked = moduleCidOf(text);
  if (!checked.ok) throw new UsageError(checked.detail);
  return checked.cid;
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
