// Area 4 of `chimera check`: the exported alert rules are valid (promtool, when it is installed).
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MONITORING_FILES, exportMonitoring } from '../metrics/export';
import { type CheckItem, type Finding, itemOf } from './types';

/** The first executable named `name` on PATH, as a shell would find it. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

async function promtoolItem(promtool: string | undefined, name: string, args: string[], cwd: string, file: string): Promise<CheckItem> {
  const started = performance.now();
  if (!promtool) return { area: 'monitoring', name, status: 'skipped', findings: [], durationMs: 0, detail: 'skipped: promtool not found' };
  const { code, output } = await run(promtool, args, cwd);
  const findings: Finding[] = code === 0 ? [] : [{ area: 'monitoring', severity: 'error', code: 'promtool-failed', message: `promtool ${args.join(' ')} failed: ${output.split('\n').slice(-5).join(' ')}`, file }];
  return itemOf('monitoring', name, findings, performance.now() - started, code === 0 ? output.split('\n')[0] : undefined);
}

/**
 * Exports the rules into a temporary folder and runs `promtool check rules` and `promtool test rules` on them;
 * rules the workspace already keeps in .chimera/monitoring are checked too. `promtool` undefined: skipped.
 */
export async function checkMonitoring(workspace: string, promtool: string | undefined): Promise<CheckItem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'chimera-check-monitoring-'));
  const items: CheckItem[] = [];
  try {
    const started = performance.now();
    try {
      await exportMonitoring(dir);
      items.push(itemOf('monitoring', 'rules exported', [], performance.now() - started, MONITORING_FILES.rules));
    } catch (error) {
      items.push(itemOf('monitoring', 'rules exported', [{ area: 'monitoring', severity: 'error', code: 'monitoring-export-failed', message: `exporting the rules failed: ${error instanceof Error ? error.message : String(error)}` }], performance.now() - started));
      return items;
    }
    items.push(await promtoolItem(promtool, 'promtool check rules', ['check', 'rules', MONITORING_FILES.rules], dir, MONITORING_FILES.rules));
    items.push(await promtoolItem(promtool, 'promtool test rules', ['test', 'rules', MONITORING_FILES.ruleTests], dir, MONITORING_FILES.ruleTests));
    const kept = join(workspace, '.chimera', 'monitoring');
    if (await stat(join(kept, MONITORING_FILES.rules)).then(() => true, () => false)) {
      items.push(await promtoolItem(promtool, `promtool check rules .chimera/monitoring/${MONITORING_FILES.rules}`, ['check', 'rules', MONITORING_FILES.rules], kept, `.chimera/monitoring/${MONITORING_FILES.rules}`));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return items;
}
