import { runMochaSuite } from '../mocha-runner';

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
