import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspectModule } from '../../../../src/core/sandbox/inspect-module';
import { DEFAULT_SANDBOX_LIMITS, MODULE_CAPS } from '../../../../src/core/sandbox/limits';
import type { SandboxResult } from '../../../../src/core/sandbox/verdict';
import { HOST_IMPORTS } from '../../../../src/core/wasm-abi';
import { assembleFixture, largeModule, moduleWithBody, randomBytes, uleb } from '../../../../wasm/fixtures';
import { repoRoot } from '../../../support/repo';

const limits = DEFAULT_SANDBOX_LIMITS;
const fixture = (name: string) => assembleFixture(repoRoot, name);

function refusal(bytes: Uint8Array): SandboxResult {
  const inspection = inspectModule(bytes, limits);
  assert.equal(inspection.ok, false, 'expected the module to be refused');
  return (inspection as { result: SandboxResult }).result;
}

test('a plain gene passes and its export signature is read from the sections', async () => {
  const inspection = inspectModule(await fixture('add'), limits);
  assert.ok(inspection.ok);
  assert.deepEqual(inspection.facts.exports, [{ name: 'add', kind: 'function', signature: { params: ['f64', 'f64'], results: ['f64'] } }]);
  assert.equal(inspection.facts.metered, false);
  assert.equal(inspection.facts.hasMemoryOrTable, false);
});

test('a module exporting chimera_fuel (mut i64) and chimera_status (mut i32) is metered', async () => {
  const inspection = inspectModule(await fixture('metered'), limits);
  assert.ok(inspection.ok);
  assert.equal(inspection.facts.metered, true);
});

test('4 GiB of declared memory is refused as memory-limit before instantiation', async () => {
  const result = refusal(await fixture('memory-4gib'));
  assert.equal(result.verdict, 'memory-limit');
  assert.match(result.message, /65536 pages/);
});

test('a memory without a maximum passes, bounded at the memory limit in the module that runs', async () => {
  const inspection = inspectModule(await fixture('memory-no-max'), limits);
  assert.ok(inspection.ok);
  assert.equal(inspection.facts.declaredMemoryBytes, limits.maxMemoryBytes);
  assert.ok(WebAssembly.validate(inspection.module as Uint8Array<ArrayBuffer>));
  assert.notEqual(inspection.module.length, (await fixture('memory-no-max')).length, 'the maximum was added');
});

test('a memory maximum over the limit passes when the initial size fits; the initial size over it is refused', async () => {
  const inspection = inspectModule(await fixture('memory-max-over-limit'), limits);
  assert.ok(inspection.ok);
  assert.equal(inspection.facts.declaredMemoryBytes, limits.maxMemoryBytes);
  assert.match(refusal(await fixture('memory-4gib')).message, /starts at 65536 pages/);
});

test('a module within its limits runs byte for byte as given', async () => {
  for (const name of ['add', 'fill-loop', 'traps']) {
    const bytes = await fixture(name);
    const inspection = inspectModule(bytes, limits);
    assert.ok(inspection.ok);
    assert.equal(inspection.module, bytes, name);
  }
});

test('memory within the limit passes, and a smaller limit refuses the same module', async () => {
  const bytes = await fixture('fill-loop'); // 256 pages = 16 MiB
  const inspection = inspectModule(bytes, limits);
  assert.ok(inspection.ok);
  assert.equal(inspection.facts.declaredMemoryBytes, 16 * 1024 * 1024);
  assert.equal(inspection.facts.hasMemoryOrTable, true);
  assert.equal(inspectModule(bytes, { maxMemoryBytes: 1024 * 1024 }).ok, false);
});

test('a table starting at 10,000,000 entries is refused as memory-limit', async () => {
  const result = refusal(await fixture('huge-table'));
  assert.equal(result.verdict, 'memory-limit');
  assert.match(result.message, /starts at 10000000 entries/);
});

test('tables without a maximum or with one over the cap pass, with the cap as their maximum', async () => {
  for (const name of ['table-no-max', 'table-no-max-trap', 'table-grow-no-max', 'table-max-over-cap']) {
    const inspection = inspectModule(await fixture(name), limits);
    assert.ok(inspection.ok, name);
    assert.ok(WebAssembly.validate(inspection.module as Uint8Array<ArrayBuffer>), `${name} stays valid once bounded`);
  }
});

test('env.fetch and wasi fd_write are forbidden imports, reported as security violations', async () => {
  for (const [name, label] of [['env-fetch', 'env.fetch'], ['wasi-fd-write', 'wasi_snapshot_preview1.fd_write']] as const) {
    const result = refusal(await fixture(name));
    assert.equal(result.verdict, 'forbidden-import');
    assert.deepEqual((result as Extract<SandboxResult, { verdict: 'forbidden-import' }>).violation, { kind: 'forbidden-import', import: label });
  }
});

test('Math.pow with one parameter is refused for its signature, Math.pow with two passes', async () => {
  const result = refusal(await fixture('pow-wrong-signature'));
  assert.equal(result.verdict, 'forbidden-import');
  assert.deepEqual((result as Extract<SandboxResult, { verdict: 'forbidden-import' }>).violation, { kind: 'import-signature', import: 'Math.pow' });
  assert.match(result.message, /\(f64\) -> \(f64\).*\(f64, f64\) -> \(f64\)/);
  const ok = inspectModule(await fixture('math-pow'), limits);
  assert.ok(ok.ok);
  assert.deepEqual(ok.facts.imports, [{ module: 'Math', name: 'pow', signature: { params: ['f64', 'f64'], results: ['f64'] } }]);
});

test('every whitelisted host import passes with its exact signature', () => {
  for (const host of HOST_IMPORTS) {
    const type = [0x60, ...uleb(host.params.length), ...host.params.map(() => 0x7c), 1, 0x7c];
    const name = (s: string) => [...uleb(s.length), ...Buffer.from(s)];
    const imports = [1, ...name('Math'), ...name(host.name), 0x00, 0];
    const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, ...uleb(type.length + 1), 1, ...type, 2, ...uleb(imports.length), ...imports]);
    assert.ok(inspectModule(bytes, limits).ok, `Math.${host.name} was refused`);
  }
});

test('truncated binaries, bad magic and random bytes are invalid-module, never an exception', async () => {
  const add = await fixture('add');
  for (let cut = 0; cut < add.length; cut++) {
    const inspection = inspectModule(add.subarray(0, cut), limits);
    if (!inspection.ok) assert.equal(inspection.result.verdict, 'invalid-module', `cut at ${cut}`);
  }
  assert.match(refusal(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 1, 0, 0, 0])).message, /bad magic/);
  for (let seed = 1; seed <= 200; seed++) {
    for (const withHeader of [false, true]) {
      const inspection = inspectModule(randomBytes(64 + seed * 7, seed, withHeader), limits);
      if (!inspection.ok) assert.ok(['invalid-module', 'memory-limit', 'forbidden-import'].includes(inspection.result.verdict));
    }
  }
});

test('a length that claims more bytes than the module has is invalid-module', () => {
  const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 1]);
  assert.equal(refusal(bytes).verdict, 'invalid-module');
  const manyTypes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.equal(refusal(manyTypes).verdict, 'invalid-module');
});

test('a module over the size cap is invalid-module and says so', () => {
  const result = refusal(largeModule(MODULE_CAPS.maxModuleBytes + 1000));
  assert.equal(result.verdict, 'invalid-module');
  assert.match(result.message, /over the size cap/);
});

test('the generated body helper makes a module whose export is (f64) -> f64', () => {
  const inspection = inspectModule(moduleWithBody([], [0x20, 0x00]), limits);
  assert.ok(inspection.ok);
  assert.deepEqual(inspection.facts.exports[0]?.signature, { params: ['f64'], results: ['f64'] });
});
