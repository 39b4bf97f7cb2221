import * as vscode from 'vscode';

/** The one typed view of the `chimera.*` settings declared in package.json. */
export interface ChimeraConfig {
  flags: Record<string, string>;
  envFile: string;
}

export function readConfig(scope?: vscode.ConfigurationScope): ChimeraConfig {
  const config = vscode.workspace.getConfiguration('chimera', scope);
  return {
    flags: config.get<Record<string, string>>('flags', {}),
    envFile: config.get<string>('envFile', '.env'),
  };
}

export function affectsChimera(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration('chimera');
}
