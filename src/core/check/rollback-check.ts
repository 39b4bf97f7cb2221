// Area 5 of `chimera check`: a rollback drill, on a temporary copy, so the check never writes into the workspace.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
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
    // Copied at once; what is not a file there is not copied, so the drill finds it missing as it would in the workspace.
    const files = [envFile, `${envFile}.example`, join('.chimera', 'rollback.json'), join('.chimera', 'rollout-log.jsonl')];
    const folders = [...new Set(files.map((file) => dirname(join(copy, file))))];
    await Promise.all(folders.map((folder) => mkdir(folder, { recursive: true })));
    const notAFile = new Set(['ENOENT', 'EISDIR', 'ENOTDIR']);
    await Promise.all(
      files.map((file) =>
        copyFile(join(workspace, file), join(copy, file)).catch((error: NodeJS.ErrnoException) => {
          if (!notAFile.has(error.code ?? '')) throw error;
        }),
      ),
    );
    const drill = await rollbackDrill(copy, options, 'chimera check');
    const durationMs = performance.now() - started;
    return drill.steps.map((step) =>
      itemOf('rollback', step.name, step.ok ? [] : [{ area: 'rollback', severity: 'error', code: 'rollback-drill-failed', message: `rollback drill: ${step.name} failed: ${step.detail}`, file: envFile }], durationMs / drill.steps.length, step.detail),
    );
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}
