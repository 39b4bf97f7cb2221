import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PRODUCT } from '../core/product';
import { loadRolloutSnapshot } from '../core/rollout/workspace';
import { type Need, permission } from '../core/rollout/gate';
import { type Command, type CommandContext, type CommandResult, type CommandSpec, type OptionSpec, UsageError } from './command';
import { CHECK_SPEC, COMPILE_SPEC, EXPORT_SPEC, GENES_SPEC, HASH_SPEC, INDEX_SPEC, RUN_SPEC, SIMILAR_SPEC } from './analysis-specs';
import { ROLLOUT_OPTIONS, workspaceOptions } from './workspace';
import { monitoringCommand } from './commands/monitoring';
import { ExitCode } from './exit-codes';
import { flagsCommand } from './commands/flags';
import { phaseCommand } from './commands/phase';
import { rearmCommand, rollbackCommand } from './commands/rollback';
import { execCommand } from './commands/exec';
import { feedbackCommand } from './commands/feedback';

const GLOBAL_OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  'respect-flags': { type: 'boolean' },
  workspace: { type: 'string', short: 'w' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  ...ROLLOUT_OPTIONS,
};

const GLOBAL_HELP = [
  '  --json             print exactly one JSON document on stdout; messages go to stderr',
  '  --respect-flags    refuse, as the extension would, what the rollout flags do not allow',
  '  -w, --workspace    the Void workspace folder (default: the current directory)',
  '  --machine-id ID    the machine id for the canary bucket (default: CHIMERA_MACHINE_ID, or a hash of the host name)',
  '  -h, --help         show help',
  '  -V, --version      show the version',
];

const versionCommand: Command = {
  name: 'version',
  summary: 'Print the version',
  usage: 'chimera version',
  options: {},
  async run() {
    return { exitCode: ExitCode.Ok, data: { name: PRODUCT.name, version: PRODUCT.version }, text: `${PRODUCT.name} ${PRODUCT.version}` };
  },
};

const helpCommand: Command = {
  name: 'help',
  summary: 'Show help for chimera or one of its commands',
  usage: 'chimera help [command]',
  options: {},
  async run(_context, _options, [topic]) {
    const command = topic === undefined ? undefined : findCommand(topic);
    if (topic !== undefined && !command) throw new UsageError(`unknown command '${topic}'`);
    return { exitCode: ExitCode.Ok, data: helpData(command), text: helpText(command) };
  },
};

/**
 * A command whose implementation is in dist/cli-analysis.js (src/cli/analysis-commands.ts): the bundle with the
 * TypeScript compiler loads only when the command runs, so help, version and the rollout commands start fast.
 */
function analysisCommand(spec: CommandSpec): Command {
  return {
    ...spec,
    run(context, options, positionals) {
      // esbuild.mjs points this require at the separate bundle dist/cli-analysis.js.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, only when the command runs
      const { ANALYSIS_COMMANDS } = require('./analysis-commands') as typeof import('./analysis-commands');
      const command = ANALYSIS_COMMANDS.find((c) => c.name === spec.name);
      if (!command) throw new Error(`dist/cli-analysis.js has no command '${spec.name}'`);
      return command.run(context, options, positionals);
    },
  };
}

/**
 * Every command, in the order `chimera help` lists them. A command that needs the TypeScript compiler goes in as
 * analysisCommand(ITS_SPEC): spec in analysis-specs.ts, implementation in commands/, listed in analysis-commands.ts.
 */
export const COMMANDS: readonly Command[] = [
  helpCommand,
  versionCommand,
  flagsCommand,
  phaseCommand,
  rollbackCommand,
  rearmCommand,
  monitoringCommand,
  execCommand,
  analysisCommand(HASH_SPEC),
  analysisCommand(SIMILAR_SPEC),
  analysisCommand(COMPILE_SPEC),
  analysisCommand(RUN_SPEC),
  feedbackCommand,
  analysisCommand(GENES_SPEC),
  analysisCommand(EXPORT_SPEC),
  analysisCommand(CHECK_SPEC),
  analysisCommand(INDEX_SPEC),
];

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

function helpData(command: Command | undefined) {
  const describe = (c: Command) => ({ name: c.name, summary: c.summary, usage: c.usage, options: Object.keys(c.options) });
  return command ? describe(command) : { usage: 'chimera [global options] <command> [options]', commands: COMMANDS.map(describe), globalOptions: Object.keys(GLOBAL_OPTIONS) };
}

function helpText(command: Command | undefined): string {
  if (command) return [`${command.usage}`, '', command.summary, '', 'Global options:', ...GLOBAL_HELP].join('\n');
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `${PRODUCT.displayName} ${PRODUCT.version}: the Chimera rollout, from the command line and CI.`,
    'Every command runs as a dry run whatever the rollout flags say, and reports the flags.',
    '',
    'Usage: chimera [global options] <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    ...GLOBAL_HELP,
    '',
    'Exit codes: 0 success, 1 findings or guest failures, 2 usage or internal error.',
  ].join('\n');
}

/**
 * Commands that run Chimera report the rollout they ran under; by default they run as a dry run whatever the flags
 * say, and with --respect-flags they refuse as the extension would.
 */
async function runGated(command: Command, needs: Need, context: CommandContext, options: Record<string, unknown>, positionals: string[]): Promise<CommandResult> {
  const snapshot = await loadRolloutSnapshot(context.workspace, workspaceOptions(context, options));
  const rollout = { phase: snapshot.phase.id, features: snapshot.features, dryRun: !context.respectFlags };
  const decision = permission(snapshot.features, needs, true);
  if (context.respectFlags && !decision.allowed) {
    return { exitCode: ExitCode.Findings, data: { refused: { stoppedBy: decision.stoppedBy, reason: decision.reason }, rollout }, text: `refused: ${decision.reason} (run without --respect-flags for a dry run)` };
  }
  if (!decision.allowed) context.log(`note: the flags would not allow this in the editor (${decision.reason}); running as a dry run`);
  const result = await command.run(context, options, positionals);
  return { ...result, data: { ...(result.data as object), rollout } };
}

interface Invocation {
  json: boolean;
  execute(): Promise<CommandResult>;
}

/** Splits argv into the command and its options; global options may stand before or after the command. */
function plan(argv: string[]): Invocation {
  const loose = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
  const json = loose.values.json === true;
  const name = loose.values.version === true ? 'version' : loose.values.help === true ? 'help' : (loose.positionals[0] ?? 'help');
  const command = findCommand(name);
  return {
    json,
    async execute() {
      if (!command) throw new UsageError(`unknown command '${name}' (see chimera --help)`);
      let parsed;
      try {
        parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...command.options }, strict: true, allowPositionals: true });
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const positionals = parsed.positionals[0] === name ? parsed.positionals.slice(1) : parsed.positionals;
      const workspace = resolve(typeof parsed.values.workspace === 'string' ? parsed.values.workspace : process.cwd());
      const context = { workspace, respectFlags: parsed.values['respect-flags'] === true, log: (m: string) => process.stderr.write(`${m}\n`) };
      if (!command.needs) return command.run(context, parsed.values, positionals);
      return runGated(command, command.needs, context, parsed.values, positionals);
    },
  };
}

/** Runs one invocation and returns its exit code; the only place that writes the result to stdout. */
export async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = plan(argv);
  } catch (error) {
    invocation = { json: argv.includes('--json'), execute: () => Promise.reject(error) };
  }
  let result: CommandResult;
  try {
    result = await invocation.execute();
  } catch (error) {
    const usage = error instanceof UsageError;
    const message = error instanceof Error ? error.message : String(error);
    result = {
      exitCode: ExitCode.Error,
      data: { error: { kind: usage ? 'usage' : 'internal', message } },
      text: '',
    };
    process.stderr.write(`chimera: ${message}\n`);
    if (!usage && error instanceof Error && error.stack && process.env.CHIMERA_DEBUG) process.stderr.write(`${error.stack}\n`);
  }
  if (invocation.json) process.stdout.write(`${JSON.stringify({ chimera: PRODUCT.version, exitCode: result.exitCode, ...(result.data as object) })}\n`);
  else if (result.text) process.stdout.write(`${result.text}\n`);
  return result.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`chimera: internal error: ${String(error)}\n`);
      process.exitCode = ExitCode.Error;
    },
  );
}
