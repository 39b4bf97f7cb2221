import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleCache } from '../src/core/store/cache';
import type { Benchmark } from './benchmark';

const READS = 2000;
/** A compiled gene is a few hundred bytes to a few KiB: a valid module header plus a 4 KiB custom section. */
const MODULE_BYTES = 4096;

function sampleModule(): Uint8Array {
  const payload = new Uint8Array(MODULE_BYTES).map((_, i) => (i * 31) & 0xff);
  const name = [...Buffer.from('bench')];
  const body = [name.length, ...name, ...payload];
  const size = body.length; // LEB128 of the section size
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00, (size & 0x7f) | 0x80, size >> 7, ...body]);
}

interface Setup {
  cache: ModuleCache;
  cid: string;
  path: string;
}

let setup: Promise<Setup> | undefined;

/** Built on first use: bench/run.ts loads every benchmark file even when it runs only one. */
function prepare(): Promise<Setup> {
  setup ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chimera-bench-store-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const cache = await ModuleCache.open(dir);
    const put = await cache.put(sampleModule());
    if (!put.stored) throw new Error(`bench setup: ${put.reason}: ${put.detail}`);
    return { cache, cid: put.cid, path: join(dir, 'blocks', put.cid) };
  })();
  return setup;
}

async function microsPerRead(read: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < READS; i++) await read();
  return Number(process.hrtime.bigint() - start) / 1000 / READS;
}

export const benchmark: Benchmark = {
  name: 'module cache read',
  description: `ModuleCache.get of a ${MODULE_BYTES} B module (read, sha-256 verification against its CID, LRU touch), ${READS} reads per run, against a plain fs.promises.readFile of the same file`,
  unit: 'µs per read',
  runs: 15,
  baseline: async () => {
    const { path } = await prepare();
    return microsPerRead(() => readFile(path));
  },
  subject: async () => {
    const { cache, cid } = await prepare();
    return microsPerRead(async () => {
      const lookup = await cache.get(cid);
      if (!lookup.hit) throw new Error(`bench: unexpected miss (${lookup.reason})`);
    });
  },
};
