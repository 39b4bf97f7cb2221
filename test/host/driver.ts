// Opens the workbench in headless Chromium, loads the extension under development and runs its test suite.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser';

/** What a test may ask the driver to do on the page: "[harness] <id> <action> <args…>". */
export type HarnessActions = Record<string, (...args: string[]) => Promise<unknown>>;

export interface WorkbenchRun {
  port: number;
  workspace: string;
  extensionPath: string;
  /** Compiled runner module exporting run(): Promise<void>. */
  testsPath: string;
  env: Record<string, string>;
  /** Screenshots and the console transcript of this run go here. */
  artifactsDir: string;
  timeoutSeconds: number;
  /** Echo the extension host's console (mocha's reporter) to this process. */
  echo: boolean;
  /** More actions beside screenshot and clicks, e.g. the typing benchmark's. */
  actions?: (page: Page) => HarnessActions;
}

export interface RunOutcome {
  code: number;
  /** `vscode.version` as the extension host reported it; undefined when the run never got that far. */
  vscodeVersion?: string;
}

/** The line runMochaSuite logs first, from inside the extension host. */
export const WORKBENCH_LINE = /^\[workbench\] VS Code (\S+), Node (\S+)/;

/** Exit codes of a run: the workbench's own 0/1, or ours. */
export const RUN_TIMEOUT = 124;

/** Requests a test sends through its console: "[harness] <id> <action> <args…>". */
const HARNESS_REQUEST = /^\[harness\] (\S+) (\S+) ?(.*)$/;

export async function runWorkbench(run: WorkbenchRun): Promise<RunOutcome> {
  mkdirSync(run.artifactsDir, { recursive: true });
  const transcript = join(run.artifactsDir, 'console.log');
  writeFileSync(transcript, '');
  const remote = (path: string) => `vscode-remote://127.0.0.1:${run.port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(run.extensionPath)],
    ['extensionTestsPath', remote(run.testsPath)],
    ['extensionEnvironment', JSON.stringify({ ...run.env, HARNESS_DIR: run.artifactsDir })],
  ];
  const url = `http://127.0.0.1:${run.port}/?folder=${encodeURIComponent(run.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1050 } });
    let finish!: (code: number) => void;
    const result = new Promise<number>((resolve) => (finish = resolve));
    let vscodeVersion: string | undefined;
    const actions: HarnessActions = {
      ...run.actions?.(page),
      screenshot: (name) => page.screenshot({ path: join(run.artifactsDir, `${name}.png`) }),
      click: (selector) => page.locator(selector).first().click(),
      'click-webview': (extensionId, selector) =>
        page.frameLocator(`iframe[src*="extensionId=${extensionId}"]`).frameLocator('#active-frame').locator(selector).click(),
    };
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = format(...(args as [unknown, ...unknown[]]));
      appendFileSync(transcript, `${line}\n`);
      if (run.echo) (type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
      vscodeVersion ??= WORKBENCH_LINE.exec(line.trim())?.[1];
      const request = HARNESS_REQUEST.exec(line.trim());
      if (!request) return;
      const [, id, action, rest] = request;
      const perform = actions[action] ?? (() => Promise.reject(new Error(`unknown harness action ${action}`)));
      void perform(...(rest ? rest.split(' ') : [])).then(
        () => 'ok',
        (error: Error) => error.message,
      ).then((outcome) => writeFileSync(join(run.artifactsDir, `${id}.done`), outcome));
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    const timer = setTimeout(() => finish(RUN_TIMEOUT), run.timeoutSeconds * 1000);
    await page.goto(url);
    const code = await result;
    clearTimeout(timer);
    if (code !== 0) await page.screenshot({ path: join(run.artifactsDir, 'at-exit.png') }).catch(() => undefined);
    return { code, vscodeVersion };
  } finally {
    await browser.close();
  }
}
