import * as vscode from 'vscode';
import type { CanaryOverride } from '../core/canary/bucket';

/** The one typed view of the `chimera.*` settings declared in package.json. */
export interface ChimeraConfig {
  flags: Record<string, unknown>;
  envFile: string;
  canarySalt: string;
  canaryOverride: CanaryOverride;
}

export function readConfig(scope?: vscode.ConfigurationScope): ChimeraConfig {
  const config = vscode.workspace.getConfiguration('chimera', scope);
  const override = config.get<string>('canary.override', 'auto');
  return {
    flags: config.get<Record<string, unknown>>('flags', {}),
    envFile: config.get<string>('envFile', '.env'),
    canarySalt: config.get<string>('canary.salt', 'chimera'),
    canaryOverride: override === 'in' || override === 'out' ? override : 'auto',
  };
}
