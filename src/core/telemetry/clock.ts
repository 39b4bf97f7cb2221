/** The time source telemetry uses for timestamps, backoff and the UTC day; a parameter so tests can shift the day. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
