// `npm run test:electron`: the same integration suite under @vscode/test-electron, on machines that can download VS Code.
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, sampleWorkspace } from './paths';

async function main(): Promise<number> {
  const workspace = join(mkdtempSync(join(tmpdir(), 'chimera-electron-')), 'void-sample');
  cpSync(sampleWorkspace, workspace, { recursive: true });
  try {
    // No HARNESS_DIR: without the playwright driver, tests that need screenshots or clicks skip themselves.
    await runTests({
      version: '1.99.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
