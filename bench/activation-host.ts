// Loads one extension bundle and calls activate() in a fresh process; prints the cost as JSON.
// `vscode` is a recording no-op: the benchmark compares our bundle with an empty one under the same stand-in.
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { performance } from 'node:perf_hooks';

const noop: unknown = new Proxy(function () {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : key === 'then' ? undefined : noop),
  apply: () => noop,
  construct: () => noop as object,
  set: () => true,
});

// Bundlers copy a module's own keys (`import * as vscode`), so the stand-in has every top-level name of the real API.
const apiNames = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8').matchAll(/^\texport (?:namespace|class|enum|const|function|let) (\w+)/gm);
const vscodeStandIn = Object.fromEntries([...apiNames].map(([, name]) => [name, noop]));

const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: typeof load })._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeStandIn : load.call(this, request, ...rest);
};

// The extension host has these built-ins loaded before any extension activates; load them here too, for both sides.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- preloads by name at run time, as the host does
for (const builtin of ['node:child_process', 'node:crypto', 'node:fs/promises', 'node:http', 'node:https', 'node:os', 'node:path', 'node:worker_threads']) require(builtin);

const [bundle] = process.argv.slice(2);
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle under test is chosen at run time
const extension = require(bundle!) as { activate(context: unknown): unknown };
// The context: real subscriptions, everything else (storage, state, URIs) the same recording no-op.
const context = new Proxy({ subscriptions: [] as unknown[] }, { get: (target, key) => (key === 'subscriptions' ? target.subscriptions : noop) });
extension.activate(context);
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, heapBytes: process.memoryUsage().heapUsed - heapBefore }));
