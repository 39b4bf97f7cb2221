// The telemetry module's public surface: schema, consent, queue, senders (HTTP, PostHog), client, feedback, adoption.
export * from './adoption';
export * from './client';
export * from './clock';
export * from './consent';
export * from './fan-out';
export * from './feedback';
export type { StorageProblem } from './files';
export * from './posthog';
export * from './queue';
export * from './schema';
export * from './senders';
export * from './telemetry-sender';
