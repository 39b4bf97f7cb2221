import type { TelemetryRecorder } from './client';
import { ERROR_NAMES } from './schema';

/**
 * Structurally VS Code's `TelemetrySender`, so src/vscode can write
 * `vscode.env.createTelemetryLogger(toTelemetrySender(client))` and nothing more.
 */
export interface TelemetrySenderLike {
  sendEventData(eventName: string, data?: Record<string, unknown>): void;
  sendErrorData(error: Error, data?: Record<string, unknown>): void;
  flush(): Promise<void>;
}

/**
 * Adapts the client to VS Code's TelemetryLogger. The logger prefixes names with the extension id
 * and adds `common.*` properties (machine id, session id, ...): the prefix is removed and the schema
 * strips every property it does not know. Error messages and stacks never leave, only the class name.
 */
export function toTelemetrySender(client: TelemetryRecorder): TelemetrySenderLike {
  return {
    sendEventData(eventName, data) {
      client.recordUnchecked(eventName.slice(eventName.lastIndexOf('/') + 1), data);
    },
    sendErrorData(error, data) {
      const errorName = (ERROR_NAMES as readonly string[]).includes(error.name) ? error.name : 'other';
      client.recordUnchecked('operation.error', { errorKind: 'internal', ...data, errorName });
    },
    async flush() {
      await client.flush();
    },
  };
}
