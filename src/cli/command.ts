import type { ParseArgsConfig } from 'node:util';
import type { Need } from '../core/rollout/gate';
import type { ExitCode } from './exit-codes';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Everything a command may use; commands never read process.argv or write to stdout themselves. */
export interface CommandContext {
  workspace: string;
  /** Refuse, as the extension would, when the flags do not allow what the command does. */
  respectFlags: boolean;
  /** Progress and warnings for people; always stderr, so stdout stays one JSON document with --json. */
  log(message: string): void;
}

/** A command's outcome: plain data for --json and a rendering for people. */
export interface CommandResult {
  exitCode: ExitCode;
  data: unknown;
  text: string;
}

export interface Command {
  name: string;
  /** What the command runs, in the flags' terms: its JSON reports the rollout, and `--respect-flags` may refuse it. */
  needs?: Need;
  summary: string;
  usage: string;
  options: OptionSpec;
  run(context: CommandContext, options: Record<string, unknown>, positionals: string[]): Promise<CommandResult>;
}

/** What `chimera help` shows and the parser needs: a command without its implementation, so the help costs no module loads. */
export type CommandSpec = Omit<Command, 'run'>;

/** A mistake in how the command line was written: exit 2 with the usage hint. */
export class UsageError extends Error {}
