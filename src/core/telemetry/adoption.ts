import { join } from 'node:path';
import type { RecordOutcome, TelemetryRecorder } from './client';
import { type Clock, systemClock } from './clock';
import { type StorageProblem, readTextIfExists, writeFileAtomic } from './files';
import { type Phase, utcDay } from './schema';

/** What the daily adoption event reports: which features this machine has on, and its phase. */
export interface AdoptionInputs {
  /** The raw machine id (vscode.env.machineId); only its salted hash is sent. */
  machineId: string;
  phase: Phase;
  features: {
    chimeraEnabled: boolean;
    dryRun: boolean;
    wasmExec: boolean;
    proteinHash: boolean;
    frozen: boolean;
    canaryIncluded: boolean;
  };
}

export type AdoptionOutcome =
  | { status: 'recorded'; day: string; storageProblem?: StorageProblem }
  | { status: 'already-recorded'; day: string }
  | { status: 'not-recorded'; day: string; outcome: RecordOutcome };

export const ADOPTION_STATE_FILE = 'adoption-state.json';

/**
 * One `adoption.daily` event per machine per UTC day: the last day recorded is persisted, so
 * restarts and several activations on one day send it once. A day is marked only once the event
 * is queued, so a day without consent can still count once consent is given.
 */
export class DailyAdoption {
  private constructor(
    private readonly path: string | undefined,
    private lastDay: string | undefined,
    private readonly clock: Clock,
  ) {}

  static async open(directory: string | undefined, clock: Clock = systemClock): Promise<DailyAdoption> {
    if (directory === undefined) return new DailyAdoption(undefined, undefined, clock);
    const path = join(directory, ADOPTION_STATE_FILE);
    const read = await readTextIfExists(path);
    return new DailyAdoption(path, 'text' in read ? parseLastDay(read.text) : undefined, clock);
  }

  get lastRecordedDay(): string | undefined {
    return this.lastDay;
  }

  async recordIfDue(client: TelemetryRecorder, inputs: AdoptionInputs): Promise<AdoptionOutcome> {
    const day = utcDay(this.clock.now());
    if (this.lastDay === day) return { status: 'already-recorded', day };
    const outcome = client.record('adoption.daily', { machine: inputs.machineId, day, phase: inputs.phase, ...inputs.features });
    if (outcome.status !== 'queued') return { status: 'not-recorded', day, outcome };
    this.lastDay = day;
    if (this.path === undefined) return { status: 'recorded', day };
    const storageProblem = await writeFileAtomic(this.path, `${JSON.stringify({ lastDay: day })}\n`);
    return storageProblem ? { status: 'recorded', day, storageProblem } : { status: 'recorded', day };
  }
}

function parseLastDay(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { lastDay?: unknown };
    return typeof value.lastDay === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.lastDay) ? value.lastDay : undefined;
  } catch {
    return undefined;
  }
}
