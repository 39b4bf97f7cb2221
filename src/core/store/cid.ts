import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import * as Digest from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';

/** The multicodec of a module block: raw bytes (0x55). */
export const RAW_CODEC = raw.code;
/** The multihash of every block Chimera writes: sha2-256 (0x12). */
export const SHA2_256 = sha256.code;

/** Why a CID string or a block was refused; errors are values because bytes come from disk and the network. */
export type CidProblem = 'invalid-cid' | 'unsupported-hash' | 'mismatch';

export type ParsedCid = { ok: true; cid: CID; text: string } | { ok: false; problem: 'invalid-cid' | 'unsupported-hash'; detail: string };

export type BlockCheck = { ok: true } | { ok: false; problem: CidProblem; detail: string };

function sha256Bytes(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

/** The CID of a module, synchronously: CIDv1, raw codec, sha2-256, base32 (`bafkrei…`). */
export function cidOfSync(bytes: Uint8Array): string {
  return CID.createV1(RAW_CODEC, Digest.create(SHA2_256, sha256Bytes(bytes))).toString();
}

/** The CID of a module: CIDv1, raw codec, sha2-256, base32 (`bafkrei…`). */
export async function cidOf(bytes: Uint8Array): Promise<string> {
  return cidOfSync(bytes);
}

/** Parses any CID text and returns it with its canonical base32 CIDv1 spelling; only sha2-256 is accepted, since only it can be verified here. */
export function parseCid(text: string): ParsedCid {
  let cid: CID;
  try {
    cid = CID.parse(text).toV1();
  } catch (error) {
    return { ok: false, problem: 'invalid-cid', detail: error instanceof Error ? error.message : String(error) };
  }
  if (cid.multihash.code !== SHA2_256) return { ok: false, problem: 'unsupported-hash', detail: `multihash 0x${cid.multihash.code.toString(16)} is not sha2-256` };
  return { ok: true, cid, text: cid.toString() };
}

/** Checks that bytes are the block a CID names (any codec; the hash is what makes it trustless). */
export function verifyBlock(cid: string | CID, bytes: Uint8Array): BlockCheck {
  let parsed: CID;
  if (typeof cid === 'string') {
    const result = parseCid(cid);
    if (!result.ok) return result;
    parsed = result.cid;
  } else {
    if (cid.multihash.code !== SHA2_256) return { ok: false, problem: 'unsupported-hash', detail: `multihash 0x${cid.multihash.code.toString(16)} is not sha2-256` };
    parsed = cid;
  }
  const actual = sha256Bytes(bytes);
  const expected = parsed.multihash.digest;
  if (Buffer.compare(actual, expected) !== 0) {
    return { ok: false, problem: 'mismatch', detail: `${bytes.length} bytes hash to ${cidOfSync(bytes)}, not ${parsed.toString()}` };
  }
  return { ok: true };
}
