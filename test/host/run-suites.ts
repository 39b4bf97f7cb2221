// `npm run test:integration`: the driver's self-test, the integration suite and the packaged .vsix in Restricted Mode,
// in each real workbench: VS Code 1.99.3 (Void's base) and the current release. `VSCODE=1.99.3|latest` runs one.
// `SUITE=<name>` runs one suite. On 1.99.3 a fourth suite opens a generated Void-sized workspace (over 100,000 functions) and runs Find Similar.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_TIMEOUT, runWorkbench } from './driver';
import { ensureHost } from './install';
import { VOID_WORKBENCH, WORKBENCHES, type Workbench, probeExtension, repoRoot, resultsDir, sampleWorkspace, selectWorkbenches, vsixPath } from './paths';
import { type Server, copyWorkspace, startServer } from './server';

interface Suite {
  name: string;
  /** trusted: the repository is the extension under development; restricted: the packaged .vsix is installed
   *  and the workbench starts in Restricted Mode (the probe extension runs the tests). */
  trust: 'trusted' | 'restricted';
  extensionPath: string;
  testsPath: string;
  /** The exit code the workbench must report; the self-test fails on purpose. */
  expect: number;
  /** The folder the workbench opens, made in the server's run directory; the sample Void workspace by default. */
  workspace: (server: Server) => string;
  timeoutSeconds: number;
  /** Only in these workbenches; every one when absent. */
  only?: Workbench;
}

const suite = (name: string, trust: Suite['trust'], tests: string, expect: number, extensionPath = repoRoot): Suite => ({
  name,
  trust,
  extensionPath,
  testsPath: join(repoRoot, 'out/test/integration', tests, 'index.js'),
  expect,
  workspace: (server) => copyWorkspace(server, sampleWorkspace),
  timeoutSeconds: 300,
});

/** monaco-editor's esm/vs (VS Code's own editor code) twice, beside the sample's flags: 1,241 files and about 52,000
 *  functions per copy. Generated per run, never committed. */
function largeWorkspace(server: Server): string {
  const target = copyWorkspace(server, sampleWorkspace);
  for (const copy of [1, 2]) cpSync(join(repoRoot, 'node_modules', 'monaco-editor', 'esm', 'vs'), join(target, `copy-${copy}`, 'vs'), { recursive: true });
  return target;
}

const SUITES: Suite[] = [
  suite('driver-self-test', 'trusted', 'failing', 1),
  suite('integration', 'trusted', '.', 0),
  suite('packaged-restricted', 'restricted', 'packaged', 0, probeExtension),
  // Void's own VS Code only: one full index build of 100,000+ functions costs minutes on 2 cores.
  { ...suite('large-workspace', 'trusted', 'large', 0), workspace: largeWorkspace, timeoutSeconds: 900, only: VOID_WORKBENCH },
];

/** One server per suite (≈ 0.5 s to start): 1.99.3 takes the extension host's environment only from the server process. */
async function startFor(workbench: Workbench, s: Suite, artifactsDir: string): Promise<Server> {
  const server = await startServer({ workbench, name: `${workbench.vscode}-${s.trust}`, trusted: s.trust === 'trusted', env: { HARNESS_DIR: artifactsDir } });
  if (s.trust === 'trusted') return server;
  const installed = await server.cli(['--install-extension', vsixPath, '--force']);
  if (installed.code !== 0) {
    await server.stop();
    throw new Error(`code-server ${workbench.codeServer} could not install the .vsix:\n${installed.output}`);
  }
  return server;
}

async function runSuite(workbench: Workbench, s: Suite): Promise<boolean> {
  const artifactsDir = join(resultsDir, workbench.vscode, s.name);
  rmSync(artifactsDir, { recursive: true, force: true });
  const started = Date.now();
  const server = await startFor(workbench, s, artifactsDir);
  let outcome;
  try {
    outcome = await runWorkbench({
      port: server.port,
      workspace: s.workspace(server),
      extensionPath: s.extensionPath,
      testsPath: s.testsPath,
      env: { HARNESS_DIR: artifactsDir },
      artifactsDir,
      timeoutSeconds: s.timeoutSeconds,
      echo: s.expect === 0,
    });
  } finally {
    if (outcome?.code !== s.expect) keepLogs(server, artifactsDir);
    await server.stop();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // A run in the wrong workbench proves nothing about the right one.
  const rightVersion = outcome.vscodeVersion === workbench.vscode;
  const passed = outcome.code === s.expect && rightVersion;
  const version = rightVersion ? `VS Code ${workbench.vscode}` : `VS Code ${outcome.vscodeVersion ?? 'not reported'}, expected ${workbench.vscode}`;
  const what = outcome.code === RUN_TIMEOUT ? 'timed out' : `exit ${outcome.code}`;
  process.stderr.write(`[host] ${s.name} (${version}): ${what}, expected ${s.expect}: ${passed ? 'ok' : 'FAILED'} (${seconds} s)\n`);
  if (!passed) process.stderr.write(`[host] screenshots and logs: ${artifactsDir}\n`);
  return passed;
}

/** The extension host's logs go next to the screenshots for whoever reads a failure. */
function keepLogs(server: Server, artifactsDir: string): void {
  const logs = join(server.userDataDir, 'logs');
  if (existsSync(logs)) cpSync(logs, join(artifactsDir, 'logs'), { recursive: true });
}

async function main(): Promise<number> {
  const workbenches = selectWorkbenches(process.env.VSCODE, WORKBENCHES);
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run npm run package first (npm test does)`);
  ensureHost(workbenches);
  let allPassed = true;
  // One workbench at a time: two side by side overload two cores.
  for (const workbench of workbenches) {
    for (const s of SUITES.filter((candidate) => (!candidate.only || candidate.only === workbench) && (!process.env.SUITE || process.env.SUITE === candidate.name))) {
      allPassed = (await runSuite(workbench, s)) && allPassed;
    }
  }
  return allPassed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`[host] ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
