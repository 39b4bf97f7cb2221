// Activation in the real VS Code 1.99.3 workbench: Chimera's .vsix against an empty extension installed the same way.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionBenchmark } from './benchmark';
import { type ActivationTimes, ACTIVATED } from './workbench/activation-ids';
import { packageVsix, runSession } from './workbench/session';
import { vsixPath } from '../test/host/paths';

const WINDOWS = 9;
const [CHIMERA, EMPTY] = ACTIVATED as [string, string];

/** The baseline: an extension with an activate() that does nothing, packaged by the same vsce. */
function emptyExtensionVsix(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'chimera-empty-')), 'empty-extension');
  mkdirSync(dir);
  const manifest = { name: 'empty-extension', publisher: 'void-chimera', version: '0.0.0', license: 'MIT', engines: { vscode: '^1.99.0' }, main: './extension.js', activationEvents: [] };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'extension.js'), 'exports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n');
  const out = join(dir, '..', 'empty-extension.vsix');
  packageVsix(dir, out);
  return out;
}

export const benchmark: SessionBenchmark = {
  name: 'activation in the 1.99.3 workbench',
  description: `getExtension(id).activate() — loading the installed code and running activate() — in the extension host of VS Code 1.99.3 (code-server 4.99.4, Node 20.18), chimera-rollout.vsix against an empty extension installed the same way, both from --install-extension, ${WINDOWS} windows on one server (a fresh extension host each) in an empty folder, alternating which one activates first; goal ≤ +5 ms`,
  unit: 'ms',
  runs: WINDOWS,
  ratio: 'median',
  async session() {
    const times = await runSession<ActivationTimes>(
      {
        name: 'activation',
        vsix: [vsixPath, emptyExtensionVsix()],
        runner: 'activation-probe',
        // Empty: none of Chimera's activation events (.env, TypeScript, JavaScript) fires by itself.
        workspace: (runDir) => {
          const folder = join(runDir, 'ws', 'empty');
          mkdirSync(folder, { recursive: true });
          return folder;
        },
        timeoutSeconds: 120,
      },
      WINDOWS,
    );
    const baseline = times.map((t) => t[EMPTY]!);
    const subject = times.map((t) => t[CHIMERA]!);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    return { baseline, subject, description: `${this.description}; last run: +${(median(subject) - median(baseline)).toFixed(2)} ms (median ours − median baseline)` };
  },
};
