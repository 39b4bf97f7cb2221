// Starts one code-server instance on 127.0.0.1 with its own folders, as vscode-test-host.md records.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Workbench, repoRoot, runsDir } from './paths';

/** Registers --enable-smoke-test-driver in code-server 4.99.x's option table, which lacks it (vscode-test-host.md). */
const SMOKE_DRIVER_PRELOAD = join(repoRoot, 'out', 'test', 'host', 'smoke-driver-preload.js');

/** Verified settings: no start page, no update checks, no chat back-end (~140 MB saved). */
const SEED_SETTINGS = {
  'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
};

export interface ServerOptions {
  workbench: Workbench;
  /** A short name for this server's folders. */
  name: string;
  /** false starts the workbench in Restricted Mode (no --disable-workspace-trust). */
  trusted: boolean;
  /** A fixed port for the demo; tests use 0 and read the real one from the log. */
  port?: number;
  /** For the extension host: VS Code 1.99.3 ignores the payload's extensionEnvironment, but inherits the server's. */
  env?: Record<string, string>;
}

export interface Server {
  workbench: Workbench;
  port: number;
  url: string;
  runDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** Runs code-server's own CLI (e.g. --install-extension) on this server's folders. */
  cli(args: string[]): Promise<{ code: number | null; output: string }>;
  stop(): Promise<void>;
}

const LISTENING = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//;

export async function startServer(options: ServerOptions): Promise<Server> {
  const runDir = join(runsDir, options.name);
  rmSync(runDir, { recursive: true, force: true });
  const userDataDir = join(runDir, 'ud');
  const extensionsDir = join(runDir, 'exts');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(SEED_SETTINGS, null, 2));
  // Sockets live in TMPDIR, and their paths must stay under 107 bytes.
  const scratch = mkdtempSync(join(tmpdir(), 'chs-'));
  const env = { ...process.env, ...options.env, XDG_CONFIG_HOME: join(runDir, 'config'), XDG_DATA_HOME: join(runDir, 'data'), TMPDIR: scratch };
  const folders = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  const { workbench } = options;
  const args = [
    ...(workbench.legacyCli ? ['--require', SMOKE_DRIVER_PRELOAD] : []),
    workbench.entry,
    '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
    '--auth', 'none',
    ...folders,
    '--disable-telemetry', '--disable-update-check',
    ...(options.trusted ? ['--disable-workspace-trust'] : []),
    // 4.99.x rejects both options; its orphaned extension hosts die with the process group instead (stop()).
    ...(workbench.legacyCli ? ['--enable-smoke-test-driver'] : ['--reconnection-grace-time', '5', '--vscode-option', 'enable-smoke-test-driver']),
  ];
  // detached = setsid: the server leads a process group, so one kill ends its extension hosts and watchers too.
  const child = spawn(workbench.nodeBinary, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await waitForPort(child, join(runDir, 'server.log'));

  return {
    workbench,
    port,
    url: `http://127.0.0.1:${port}/`,
    runDir,
    userDataDir,
    extensionsDir,
    cli: (cliArgs) => runCli(workbench, env, [...folders, ...cliArgs]),
    async stop() {
      await killGroup(child);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

function waitForPort(child: ChildProcess, logPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error('code-server did not start listening within 60 s')), 60_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      writeFileSync(logPath, log);
      void killGroup(child);
      reject(new Error(`${error.message}\n${log.slice(-2000)}`));
    };
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = LISTENING.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`code-server exited early with code ${code}`)));
    child.once('error', fail);
  });
}

function runCli(workbench: Workbench, env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(workbench.nodeBinary, [workbench.entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      /* the group is already gone */
    }
  };
  signal('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') signal('SIGKILL');
  // The file watchers outlive the leader for a while; make sure the whole group is gone.
  signal('SIGKILL');
}

/** Copies a fixture workspace into the run folder, so tests may edit it without touching the repository. */
export function copyWorkspace(server: Server, source: string): string {
  const target = join(server.runDir, 'ws', source.split('/').pop() ?? 'workspace');
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  return target;
}
