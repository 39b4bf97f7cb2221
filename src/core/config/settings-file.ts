import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChimeraSettings, type SettingProblem, qualifiedKey, readSettings } from './settings';

/** Removes // and /* *\/ comments and trailing commas outside strings: VS Code's settings.json is JSONC. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** The raw `.vscode/settings.json` of a workspace; missing = {}, invalid JSON = {} with a warning. */
function readSettingsJson(workspace: string, log: (message: string) => void): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(stripJsonComments(text)) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch (error) {
    log(`warning: .vscode/settings.json is not valid JSON (${error instanceof Error ? error.message : String(error)}); its chimera.* settings are ignored`);
    return {};
  }
}

/** The workspace's `chimera.*` settings as the extension sees them (workspace values over defaults), for the CLI. */
export function readWorkspaceSettings(workspace: string, log: (message: string) => void, onProblem?: (problem: SettingProblem) => void): ChimeraSettings {
  const json = readSettingsJson(workspace, log);
  return readSettings((key) => json[qualifiedKey(key)], onProblem);
}
