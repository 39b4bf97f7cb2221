// The entry of dist/cli-analysis.js: the commands that parse code, with the TypeScript compiler they need.
import type { Command } from './command';
import { checkCommand } from './commands/check';
import { compileCommand } from './commands/compile';
import { exportCommand } from './commands/export';
import { genesCommand } from './commands/genes';
import { hashCommand } from './commands/hash';
import { indexCommand } from './commands/index';
import { runCommand } from './commands/run';
import { similarCommand } from './commands/similar';

export const ANALYSIS_COMMANDS: readonly Command[] = [hashCommand, similarCommand, compileCommand, runCommand, genesCommand, exportCommand, checkCommand, indexCommand];
