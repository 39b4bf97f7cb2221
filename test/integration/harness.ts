import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'void-chimera.chimera-rollout';

let nextRequest = 0;

/** True under test/host's playwright driver; false under @vscode/test-electron, which cannot click or take screenshots. */
export function hasDriver(): boolean {
  return Boolean(process.env.HARNESS_DIR);
}

/** Asks the driver (outside the workbench) to act on the page: screenshot, click, click-webview. */
export async function ask(action: string, ...args: string[]): Promise<void> {
  const dir = process.env.HARNESS_DIR;
  if (!dir) throw new Error('HARNESS_DIR is not set: these tests run only under test/host');
  const id = `req-${process.pid}-${++nextRequest}`;
  console.log(`[harness] ${id} ${action} ${args.join(' ')}`.trimEnd());
  const done = join(dir, `${id}.done`);
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (existsSync(done)) {
      const outcome = readFileSync(done, 'utf8');
      if (outcome !== 'ok') throw new Error(`harness ${action} failed: ${outcome}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`harness ${action} got no answer within 15 s`);
}

export function artifact(name: string): string {
  return join(process.env.HARNESS_DIR ?? '', name);
}

/** Resolves with the first event, or rejects after the timeout with a message naming what was awaited. */
export function nextEvent<T>(event: vscode.Event<T>, what: string, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const listener = event((value) => {
      clearTimeout(timer);
      listener.dispose();
      resolve(value);
    });
  });
}

/** Waits until the diagnostics of a document satisfy a predicate (they are computed asynchronously). */
export async function diagnosticsOf(uri: vscode.Uri, ready: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 15_000): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'chimera');
    if (ready(diagnostics)) return diagnostics;
    if (Date.now() > deadline) throw new Error(`diagnostics of ${uri.fsPath} never got ready; last: ${diagnostics.map((d) => String((d.code as { value: string })?.value)).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  return String((diagnostic.code as { value: string | number }).value);
}

/** Polls a condition with a bound; for state that changes through file watchers. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
