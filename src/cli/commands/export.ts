import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exportGenome } from '../../core/store/genome';
import { type Command, UsageError } from '../command';
import { EXPORT_SPEC } from '../analysis-specs';
import { ExitCode } from '../exit-codes';

export const exportCommand: Command = {
  ...EXPORT_SPEC,
  async run(context, options, files) {
    if (typeof options.car !== 'string') throw new UsageError('give the output file with --car OUT.car');
    if (files.length === 0) throw new UsageError('give at least one source file');
    const inputs = files.map((file) => {
      try {
        return { fileName: file, text: readFileSync(resolve(context.workspace, file), 'utf8') };
      } catch (error) {
        throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    const genome = await exportGenome(inputs);
    if (!genome.ok) return { exitCode: ExitCode.Findings, data: { car: null, root: null, genes: 0, unsupported: genome.unsupported, error: genome.reason }, text: `Nothing exported: ${genome.reason}` };
    const out = resolve(context.workspace, options.car);
    // Written beside the target and renamed, so a failed write never leaves half a CAR.
    const temporary = `${out}.${process.pid}.tmp`;
    await writeFile(temporary, genome.bytes);
    await rename(temporary, out);
    return {
      exitCode: genome.unsupported.length > 0 ? ExitCode.Findings : ExitCode.Ok,
      data: { car: options.car, root: genome.root, genes: genome.genes, bytes: genome.bytes.length, unsupported: genome.unsupported },
      text: [`${genome.genes} gene(s) → ${options.car} (${genome.bytes.length} bytes), root ${genome.root}`, ...genome.unsupported.map((u) => `  not compiled: ${u.name}: ${u.reason}`)].join('\n'),
    };
  },
};
