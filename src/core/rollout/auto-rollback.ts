// The automatic rollback's state machine: the guard, the violations reported since the last re-arm, and its sync with
// the persisted rollback state. The editor glue feeds it values and snapshots and writes .env when it says so.
import { type Firing, type GuardDecision, type PlanValues, RollbackGuard } from './guard';
import type { RollbackState } from './state';

/** What a persisted rollback state did to the guard. */
export type SyncOutcome = { kind: 'adopted'; firing: Firing } | { kind: 'rearmed' } | { kind: 'unchanged' };

export class AutoRollback {
  /** Violations reported since the last re-arm: they fire even before two samples show the increase. */
  private violationsSinceArm = 0;
  /** The current firing has been seen persisted; only then may an inactive rollback state mean "re-armed". */
  private firingPersisted = false;
  /** While the rollback is being written, the snapshots in between (state written, .env not yet) are not a re-arm. */
  private writing = false;

  constructor(readonly guard: RollbackGuard) {}

  reportViolation(): void {
    this.violationsSinceArm++;
  }

  /** The sampled values, with the reported violations counted at once (even without samples). */
  valuesWithViolations(values: PlanValues): PlanValues {
    return this.violationsSinceArm > 0 ? { ...values, securityViolations: Math.max(values.securityViolations ?? 0, this.violationsSinceArm) } : values;
  }

  /** Feeds one evaluation; `fresh` in a fired decision means: roll back now, once. */
  feed(values: PlanValues, at: number): { decision: GuardDecision; values: PlanValues } {
    const counted = this.valuesWithViolations(values);
    return { decision: this.guard.feed(counted, at), values: counted };
  }

  /** Brackets the writing of a rollback: snapshots seen meanwhile leave the guard as it is. */
  async whileWriting<T>(write: () => Promise<T>): Promise<T> {
    this.writing = true;
    try {
      return await write();
    } finally {
      this.writing = false;
    }
  }

  /** Keeps the guard in step with the persisted state: a rollback (any) holds it fired, a re-arm arms it again. */
  sync(rollback: RollbackState | undefined, now: number): SyncOutcome {
    if (this.writing) return { kind: 'unchanged' };
    if (rollback?.active) {
      const adopted = this.guard.state === 'armed' ? this.guard.adopt(rollback) : undefined;
      this.firingPersisted = true;
      return adopted ? { kind: 'adopted', firing: adopted } : { kind: 'unchanged' };
    }
    if (this.guard.state === 'fired' && this.firingPersisted) {
      this.guard.rearm(now);
      this.violationsSinceArm = 0;
      this.firingPersisted = false;
      return { kind: 'rearmed' };
    }
    return { kind: 'unchanged' };
  }
}
