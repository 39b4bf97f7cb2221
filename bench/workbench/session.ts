// Runs one in-host bench module (exports run()) in the VS Code 1.99.3 workbench, with .vsix files installed the way users install them.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runWorkbench } from '../../test/host/driver';
import { ensureHost } from '../../test/host/install';
import { VOID_WORKBENCH, probeExtension, repoRoot, resultsDir } from '../../test/host/paths';
import { startServer } from '../../test/host/server';
import { resultFile } from './result-file';

export interface WorkbenchSession {
  name: string;
  /** .vsix files to install into the server's extensions folder first. */
  vsix: string[];
  /** Compiled in-host module under out/bench/workbench/. */
  runner: string;
  /** The folder to open; it must exist. */
  workspace: (runDir: string) => string;
  env?: Record<string, string>;
  actions?: Parameters<typeof runWorkbench>[0]['actions'];
  timeoutSeconds: number;
}

/** Opens `windows` windows one after another on one server (a fresh extension host each) and returns what the runner
 *  wrote in each, `$HARNESS_DIR/result-<n>.json`; throws when a window failed. */
export async function runSession<T>(session: WorkbenchSession, windows = 1): Promise<T[]> {
  ensureHost([VOID_WORKBENCH]);
  const artifactsDir = join(resultsDir, 'bench', session.name);
  rmSync(artifactsDir, { recursive: true, force: true });
  const env = { ...session.env, HARNESS_DIR: artifactsDir };
  const server = await startServer({ workbench: VOID_WORKBENCH, name: `bench-${session.name}`, trusted: true, env });
  try {
    for (const vsix of session.vsix) {
      const installed = await server.cli(['--install-extension', vsix, '--force']);
      if (installed.code !== 0) throw new Error(`code-server could not install ${vsix}:\n${installed.output}`);
    }
    const workspace = session.workspace(server.runDir);
    const results: T[] = [];
    for (let window = 0; window < windows; window++) {
      const outcome = await runWorkbench({
        port: server.port,
        workspace,
        extensionPath: probeExtension,
        testsPath: join(repoRoot, 'out', 'bench', 'workbench', `${session.runner}.js`),
        env,
        artifactsDir,
        timeoutSeconds: session.timeoutSeconds,
        echo: false,
        ...(session.actions ? { actions: session.actions } : {}),
      });
      if (outcome.code !== 0) throw new Error(`the ${session.name} session failed (exit ${outcome.code}); see ${join(artifactsDir, 'console.log')}`);
      results.push(JSON.parse(readFileSync(resultFile(artifactsDir, window), 'utf8')) as T);
    }
    return results;
  } finally {
    await server.stop();
  }
}

/** Packages a directory as a .vsix with the repository's vsce; the same way `npm run package` makes ours. */
export function packageVsix(dir: string, out: string): void {
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}
