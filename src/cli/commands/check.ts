// `chimera check`: the CI smoke test of a whole Void workspace (flags, genes, protein, monitoring, rollback).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type CheckReport, renderReport, runCheck, styleFor, toGitHubAnnotations, toJUnitXml } from '../../core/check';
import type { GeneExecutor } from '../../core/compiler';
import { type Command, type CommandContext, UsageError } from '../command';
import { CHECK_SPEC } from '../analysis-specs';
import { ExitCode } from '../exit-codes';
import { cacheDirOf } from '../module-store';
import { cliSettings, workspaceOptions } from '../workspace';

function positiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if ((typeof value !== 'string' && typeof value !== 'number') || !Number.isInteger(number) || number <= 0) throw new UsageError(`${name} takes a positive whole number, not '${String(value)}'`);
  return number;
}

/** A progress line on a terminal only, redrawn at most ten times a second; CI logs stay quiet. */
function progressLine(stream: NodeJS.WriteStream): { update(done: number, total: number, file: string): void; clear(): void } | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  let shown = false;
  return {
    update(done, total, file) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      const text = `chimera check: ${done}/${total} ${file}`;
      stream.write(`\r${text.slice(0, Math.max(20, (stream.columns ?? 80) - 1)).padEnd(Math.min(text.length, (stream.columns ?? 80) - 1))}\u001b[K`);
    },
    clear() {
      if (shown) stream.write('\r\u001b[K');
    },
  };
}

export interface CheckCommandOptions {
  /** The check worker bundle; by default the one next to the CLI bundle (dist/check-worker.js: verification in the sandbox). */
  workerScript?: string;
  /** Runs the compiled genes for verification instead of the workers' sandbox (see CheckOptions.executor). */
  executor?: GeneExecutor;
}

export function createCheckCommand(setup: CheckCommandOptions = {}): Command {
  return {
    ...CHECK_SPEC,
    async run(context: CommandContext, options, positionals) {
      const format = (options.format as string | undefined) ?? 'human';
      if (format !== 'human' && format !== 'github') throw new UsageError(`--format takes human or github, not '${format}'`);
      if (format === 'github' && options.json === true) throw new UsageError('--format github and --json both write to stdout: choose one (--junit combines with either)');
      if (options.cache !== undefined && options['no-cache'] === true) throw new UsageError('--cache and --no-cache contradict each other');
      const settings = cliSettings(context, ['check.maxFileBytes', 'check.fileTimeout']);
      const maxFileBytes = positiveInteger(options['max-file-bytes'], '--max-file-bytes') ?? settings['check.maxFileBytes'];
      const fileTimeoutMs = positiveInteger(options['file-timeout'], '--file-timeout') ?? settings['check.fileTimeout'];
      const jobs = positiveInteger(options.jobs, '--jobs');
      const progress = options.json === true ? undefined : progressLine(process.stderr);
      const outcome = await runCheck({
        workspace: context.workspace,
        workspaceOptions: workspaceOptions(context, options, settings),
        paths: positionals.map((path) => resolve(path)),
        excludes: (options.exclude as string[] | undefined) ?? [],
        ...(jobs !== undefined ? { jobs } : {}),
        cacheDir: options['no-cache'] === true ? null : cacheDirOf(options),
        // The same <cache>/modules as `chimera run` and `exec`; never inside the workspace unless --cache points there.
        modulesDir: options['no-cache'] === true ? null : join(cacheDirOf(options), 'modules'),
        workerScript: setup.workerScript ?? join(__dirname, 'check-worker.js'),
        maxFileBytes,
        fileTimeoutMs,
        ...(options['protein-hash'] === true ? { proteinHash: true } : {}),
        record: options.record === true,
        ...(setup.executor ? { executor: setup.executor } : {}),
        ...(progress ? { onProgress: progress.update } : {}),
      }).finally(() => progress?.clear());
      if (!outcome.ok) throw new UsageError(outcome.error);
      const report: CheckReport = outcome.report;
      if (typeof options.junit === 'string') {
        const path = resolve(options.junit);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, toJUnitXml(report));
      }
      const text = format === 'github' ? toGitHubAnnotations(report) : renderReport(report, styleFor(process.stdout.isTTY === true));
      return { exitCode: report.ok ? ExitCode.Ok : ExitCode.Findings, data: report, text };
    },
  };
}

export const checkCommand = createCheckCommand();
