import { runMochaSuite } from '../mocha-runner';

/** Runs against the installed .vsix in a workbench that starts in Restricted Mode. */
export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
