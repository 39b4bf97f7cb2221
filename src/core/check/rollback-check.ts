// Area 5 of `chimera check`: a rollback drill, on a temporary copy, so the check never writes into the workspace.
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rollbackDrill } from '../rollout/moves';
import type { WorkspaceOptions } from '../rollout/workspace';
import { type CheckItem, itemOf } from './types';

/**
 * `rollbackDrill` works on its own copy but appends its result to the workspace's rollout log; the check runs it
 * on a copy of the flags files and the rollout state instead, so the user's workspace stays untouched.
 */
export async function checkRollback(workspace: string, options: WorkspaceOptions): Promise<CheckItem[]> {
  const started = performance.now();
  const copy = await mkdtemp(join(tmpdir(), 'chimera-check-drill-'));
  const envFile = options.envFile ?? '.env';
  try {
    for (const file of [envFile, `${envFile}.example`, join('.chimera', 'rollback.json'), join('.chimera', 'rollout-log.jsonl')]) {
      if (!(await stat(join(workspace, file)).then((s) => s.isFile(), () => false))) continue;
      await mkdir(dirname(join(copy, file)), { recursive: true });
      await cp(join(workspace, file), join(copy, file));
    }
    const drill = await rollbackDrill(copy, options, 'chimera check');
    const durationMs = performance.now() - started;
    return drill.steps.map((step) =>
      itemOf('rollback', step.name, step.ok ? [] : [{ area: 'rollback', severity: 'error', code: 'rollback-drill-failed', message: `rollback drill: ${step.name} failed: ${step.detail}`, file: envFile }], durationMs / drill.steps.length, step.detail),
    );
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}
