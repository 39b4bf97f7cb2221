// `npm run test:integration`: the driver's self-test, then the integration suite, in a real workbench.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_TIMEOUT, runWorkbench } from './driver';
import { ensureHost } from './install';
import { probeExtension, repoRoot, resultsDir, sampleWorkspace, vsixPath } from './paths';
import { type Server, copyWorkspace, startServer } from './server';

interface Suite {
  name: string;
  /** Which server runs it: the trusted one loads the repository as the extension under development; the
   *  restricted one has the packaged .vsix installed and starts in Restricted Mode. */
  server: 'trusted' | 'restricted';
  extensionPath: string;
  testsPath: string;
  /** The exit code the workbench must report; the self-test fails on purpose. */
  expect: number;
  env: Record<string, string>;
}

const suite = (name: string, server: Suite['server'], tests: string, expect: number, extensionPath = repoRoot): Suite => ({
  name,
  server,
  extensionPath,
  testsPath: join(repoRoot, 'out/test/integration', tests, 'index.js'),
  expect,
  env: {},
});

const SUITES: Suite[] = [
  suite('driver-self-test', 'trusted', 'failing', 1),
  suite('integration', 'trusted', '.', 0),
  suite('packaged-restricted', 'restricted', 'packaged', 0, probeExtension),
];

async function runSuite(server: Server, suite: Suite): Promise<boolean> {
  const artifactsDir = join(resultsDir, suite.name);
  rmSync(artifactsDir, { recursive: true, force: true });
  const workspace = copyWorkspace(server, sampleWorkspace);
  const started = Date.now();
  const code = await runWorkbench({
    port: server.port,
    workspace,
    extensionPath: suite.extensionPath,
    testsPath: suite.testsPath,
    env: suite.env,
    artifactsDir,
    timeoutSeconds: 300,
    echo: suite.expect === 0,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const passed = code === suite.expect;
  const what = code === RUN_TIMEOUT ? 'timed out' : `exit ${code}`;
  process.stderr.write(`[host] ${suite.name}: ${what}, expected ${suite.expect}: ${passed ? 'ok' : 'FAILED'} (${seconds} s)\n`);
  if (!passed) {
    // Keep the extension host's logs next to the screenshots for whoever reads the failure.
    const logs = join(server.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, join(artifactsDir, 'logs'), { recursive: true });
    process.stderr.write(`[host] screenshots and logs: ${artifactsDir}\n`);
  }
  return passed;
}

async function startFor(kind: Suite['server']): Promise<Server> {
  if (kind === 'trusted') return startServer({ name: 'trusted', trusted: true });
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run npm run package first (npm test does)`);
  const server = await startServer({ name: 'restricted', trusted: false });
  const installed = await server.cli(['--install-extension', vsixPath, '--force']);
  if (installed.code !== 0) {
    await server.stop();
    throw new Error(`code-server could not install the .vsix:\n${installed.output}`);
  }
  return server;
}

async function main(): Promise<number> {
  ensureHost();
  let allPassed = true;
  // One server at a time: two workbenches side by side overload two cores.
  for (const kind of ['trusted', 'restricted'] as const) {
    const server = await startFor(kind);
    try {
      for (const s of SUITES.filter((s) => s.server === kind)) allPassed = (await runSuite(server, s)) && allPassed;
    } finally {
      await server.stop();
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
