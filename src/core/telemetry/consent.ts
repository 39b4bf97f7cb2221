import type { EventClass } from './schema';

/** VS Code's `telemetry.telemetryLevel`, passed in as data so this stays testable without VS Code. */
export type TelemetryLevel = 'all' | 'error' | 'crash' | 'off';

export interface ConsentSettings {
  telemetryLevel: TelemetryLevel;
  /** The `chimera.telemetry.enabled` setting: Chimera's own switch, which can only narrow VS Code's level. */
  chimeraTelemetryEnabled: boolean;
}

export type ConsentDecision =
  | { send: true; reason: 'feedback-requested' | 'usage-allowed' | 'errors-allowed' }
  | { send: false; reason: 'chimera-telemetry-disabled' | 'telemetry-level-off' | 'level-excludes-usage' | 'level-excludes-errors' };

/**
 * Whether an event of this class may be sent. Feedback always may: the person asked to send it.
 * Usage needs level 'all'; errors need 'all' or 'error' ('crash' covers crash reports, which Chimera does not send).
 */
export function decideConsent(settings: ConsentSettings, eventClass: EventClass): ConsentDecision {
  if (eventClass === 'feedback') return { send: true, reason: 'feedback-requested' };
  if (settings.telemetryLevel === 'off') return { send: false, reason: 'telemetry-level-off' };
  if (!settings.chimeraTelemetryEnabled) return { send: false, reason: 'chimera-telemetry-disabled' };
  if (eventClass === 'usage') return settings.telemetryLevel === 'all' ? { send: true, reason: 'usage-allowed' } : { send: false, reason: 'level-excludes-usage' };
  return settings.telemetryLevel === 'all' || settings.telemetryLevel === 'error'
    ? { send: true, reason: 'errors-allowed' }
    : { send: false, reason: 'level-excludes-errors' };
}

/** Reads an untrusted level value (a setting may hold anything); unknown values mean the most private choice. */
export function parseTelemetryLevel(value: unknown): TelemetryLevel {
  return value === 'all' || value === 'error' || value === 'crash' || value === 'off' ? value : 'off';
}
