// `npm start`: installs the packaged extension into code-server and serves the sample Void workspace on 127.0.0.1.
// VS Code 1.99.3 by default (what Void is built on); `VSCODE=latest` serves the current release.
import { existsSync } from 'node:fs';
import { ensureHost } from './install';
import { VOID_WORKBENCH, sampleWorkspace, selectWorkbenches, vsixPath } from './paths';
import { copyWorkspace, startServer } from './server';

async function main(): Promise<void> {
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run npm run package first (npm start does)`);
  const [workbench] = selectWorkbenches(process.env.VSCODE, [VOID_WORKBENCH]);
  if (!workbench || process.env.VSCODE === 'all') throw new Error('npm start serves one workbench: VSCODE=1.99.3 or VSCODE=latest');
  ensureHost([workbench]);
  const server = await startServer({ workbench, name: 'demo', trusted: true, port: Number(process.env.PORT ?? 0) });
  const installed = await server.cli(['--install-extension', vsixPath, '--force']);
  if (installed.code !== 0) {
    await server.stop();
    throw new Error(`code-server could not install the extension:\n${installed.output}`);
  }
  // A copy, so that what people try in the demo never dirties the repository's fixture.
  const workspace = copyWorkspace(server, sampleWorkspace);
  const url = `${server.url}?folder=${encodeURIComponent(workspace)}`;
  process.stdout.write(`\nChimera for Void is running in code-server ${workbench.codeServer} (VS Code ${workbench.vscode}). Open:\n\n  ${url}\n\nThe Chimera view is in the activity bar. Press Ctrl+C to stop.\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
