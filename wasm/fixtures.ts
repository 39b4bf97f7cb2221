// Builds the sandbox's adversarial fixtures for tests and benchmarks: .wat files through wabt,
// and modules too big or too deep for wat2wasm through a tiny byte emitter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Wabt = { parseWat(name: string, text: string, features?: Record<string, boolean>): { toBinary(options: object): { buffer: Uint8Array }; destroy(): void } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wabtFactory = require('wabt') as () => Promise<Wabt>;
let wabt: Promise<Wabt> | undefined;

/** Assembles wasm/sandbox/NAME.wat; `repoRoot` is passed in because tests and benchmarks run from different folders. */
export async function assembleFixture(repoRoot: string, name: string): Promise<Uint8Array> {
  const text = readFileSync(join(repoRoot, 'wasm', 'sandbox', `${name}.wat`), 'utf8');
  const module = (await (wabt ??= wabtFactory())).parseWat(`${name}.wat`, text, { bulk_memory: true, multi_value: true, reference_types: true });
  try {
    return Uint8Array.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

const F64 = 0x7c;
const section = (id: number, body: number[] | Uint8Array): number[] => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const exportFunction = (name: string, index: number) => [...uleb(name.length), ...Buffer.from(name), 0x00, ...uleb(index)];

/** A module with one function `f: (f64) -> f64` whose body (locals declarations and code, without `end`) is given. */
export function moduleWithBody(localDeclarations: number[][], code: number[] | Uint8Array): Uint8Array {
  const body = [...vector(localDeclarations), ...code, 0x0b];
  const parts = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, 1, F64, 1, F64]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([exportFunction('f', 0)])),
  ];
  const codeSection = [...uleb(1), ...uleb(body.length)];
  const header = [...parts, 10, ...uleb(codeSection.length + body.length), ...codeSection];
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

/** `f(x) = x` with `count` extra f64 locals (V8 refuses more than 50,000). */
export function manyLocals(count: number): Uint8Array {
  return moduleWithBody([[...uleb(count), F64]], [0x20, 0x00]);
}

/** `f(x) = x` inside `depth` nested blocks (wat2wasm crashes at about 20,000). */
export function nestedBlocks(depth: number): Uint8Array {
  const code = new Uint8Array(depth * 3 + 2);
  for (let i = 0; i < depth; i++) code.set([0x02, F64], i * 2); // block (result f64)
  code.set([0x20, 0x00], depth * 2); // local.get 0
  code.fill(0x0b, depth * 2 + 2); // end × depth
  return moduleWithBody([], code);
}

/** A valid module of about `bytes` bytes: `f(x) = x + n`, as n repetitions of x = x + 1 in one function body. */
export function largeModule(bytes: number): Uint8Array {
  const step = [0x20, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0xa0, 0x21, 0x00]; // local.get 0; f64.const 1; f64.add; local.set 0
  const repeats = Math.max(1, Math.floor(bytes / step.length));
  const code = new Uint8Array(repeats * step.length + 2);
  for (let i = 0; i < repeats; i++) code.set(step, i * step.length);
  code.set([0x20, 0x00], repeats * step.length);
  return moduleWithBody([], code);
}

/** Deterministic pseudo-random bytes (a fixed xorshift), optionally behind a valid header. */
export function randomBytes(length: number, seed: number, withHeader = false): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed | 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  if (withHeader) out.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  return out;
}
