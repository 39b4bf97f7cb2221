/** The CLI's contract with CI: these numbers never change meaning. */
export enum ExitCode {
  /** The command ran and found nothing to report. */
  Ok = 0,
  /** The command ran and found problems: findings, mismatches or guest failures. */
  Findings = 1,
  /** The command could not run: a usage mistake or an internal error. */
  Error = 2,
}
