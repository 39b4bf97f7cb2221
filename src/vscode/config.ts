import * as vscode from 'vscode';
import { type ChimeraSettings, SETTINGS_SECTION, type SettingKey, qualifiedKey, readSettings } from '../core/config/settings';

/**
 * The one typed view of the `chimera.*` settings (the table is src/core/config/settings.ts). Restricted Mode needs no
 * code here: VS Code drops the workspace's values of the `restrictedConfigurations` keys in an untrusted workspace.
 */
export function readConfig(scope?: vscode.ConfigurationScope): ChimeraSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return readSettings((key) => config.get(key));
}

/** Whether a configuration change touches any of these settings. */
export function affectsConfig(event: vscode.ConfigurationChangeEvent, ...keys: SettingKey[]): boolean {
  return keys.some((key) => event.affectsConfiguration(qualifiedKey(key)));
}

/** Exporter and telemetry settings; Restricted Mode is VS Code's restrictedConfigurations. */
export function readObservabilityConfig() {
  const config = readConfig();
  return {
    metricsPort: config['metrics.port'],
    pushgatewayUrl: config['metrics.pushgatewayUrl'],
    prometheusUrl: config['prometheus.url'],
    telemetryEnabled: config['telemetry.enabled'],
    telemetryEndpoint: config['telemetry.endpoint'],
    posthogProjectKey: config['telemetry.posthog.projectKey'],
    posthogHost: config['telemetry.posthog.host'],
  };
}
