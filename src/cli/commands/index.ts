import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INDEX_FILE_NAME, buildIndex, loadIndex, queryIndex } from '../../core/analysis/workspace-index';
import { INDEX_SPEC } from '../analysis-specs';
import { type Command, type CommandContext, UsageError } from '../command';
import { ExitCode } from '../exit-codes';
import { cliSettings } from '../workspace';

function positiveInteger(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} must be a positive whole number`);
  return n;
}

async function build(context: CommandContext, indexFile: string, options: Record<string, unknown>) {
  const excludes = Array.isArray(options.exclude) ? (options.exclude as string[]) : [];
  const maxFiles = positiveInteger(options['max-files'], '--max-files') ?? cliSettings(context)['index.maxFiles'];
  const jobs = positiveInteger(options.jobs, '--jobs');
  let shown = 0;
  const result = await buildIndex({
    workspace: context.workspace,
    indexFile,
    workerScript: join(__dirname, 'analysis-worker.js'),
    excludes,
    maxFiles,
    ...(jobs !== undefined ? { jobs } : {}),
    onProgress: (done, total) => {
      // A line every 10% keeps CI logs short.
      if (done === total || done >= shown + total / 10) context.log(`indexing files ${(shown = done)}/${total}`);
    },
  });
  if ('error' in result) throw new UsageError(result.error);
  if (result.limited) context.log(`warning: the workspace has ${result.limited.found} source files; only the first ${result.limited.limit} are indexed (--max-files)`);
  if (result.failed > 0) context.log(`warning: ${result.failed} files could not be analysed; they are retried on the next run`);
  return result;
}

export const indexCommand: Command = {
  ...INDEX_SPEC,
  async run(context, options) {
    const indexDir = resolve(context.workspace, typeof options['index-dir'] === 'string' ? options['index-dir'] : join('.chimera', 'index'));
    const indexFile = join(indexDir, INDEX_FILE_NAME);
    if (typeof options.query !== 'string') {
      const r = await build(context, indexFile, options);
      const data = { files: r.files, genes: r.genes, analysed: r.analysed, reused: r.reused, bytes: r.bytes, buildMs: r.buildMs, failed: r.failed, ...(r.limited ? { limited: r.limited } : {}) };
      return { exitCode: ExitCode.Ok, data, text: `indexed ${r.files} files, ${r.genes} genes (${r.analysed} analysed, ${r.reused} unchanged) in ${r.buildMs} ms; ${r.bytes} bytes in ${relative(context.workspace, indexFile) || indexFile}` };
    }
    const at = options.query.indexOf('#');
    if (at <= 0 || at === options.query.length - 1) throw new UsageError('--query takes FILE#NAME: a workspace-relative file and a qualified gene name');
    const file = options.query.slice(0, at).replace(/\\/g, '/');
    const name = options.query.slice(at + 1);
    const limit = positiveInteger(options.limit, '--limit') ?? 20;
    let started = performance.now();
    let index = await loadIndex(indexFile);
    let loadMs = performance.now() - started;
    if (!index) {
      context.log(`no usable index in ${indexDir}: building it first`);
      index = (await build(context, indexFile, options)).index;
      started = performance.now();
      index = (await loadIndex(indexFile)) ?? index;
      loadMs = performance.now() - started;
    }
    started = performance.now();
    const matches = queryIndex(index, file, name, { limit });
    const queryMs = performance.now() - started;
    if (!matches) throw new UsageError(`${file}#${name} is not in the index (is the file indexed, and is NAME the gene's qualified name?)`);
    const round = (ms: number) => Math.round(ms * 100) / 100;
    const text = matches.map((m) => `${m.class.padEnd(12)} ${m.cosine.toFixed(3)}  ${m.file}:${m.line} ${m.name}`).join('\n') || `no gene is similar to ${file}#${name}`;
    return { exitCode: ExitCode.Ok, data: { loadMs: round(loadMs), queryMs: round(queryMs), matches }, text };
  },
};
