import { runMochaSuite } from '../mocha-runner';

/** The driver's self-test: this suite fails on purpose, and the host must report exit 1. */
export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
