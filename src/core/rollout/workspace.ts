import { join } from 'node:path';
import { type CanaryOverride, type CanaryVerdict, canaryVerdict } from '../canary/bucket';
import type { ChimeraSettings } from '../config/settings';
import { diagnoseEnvDocument, missingExampleDiagnostic } from '../flags/diagnose';
import type { FlagDiagnostic } from '../flags/diagnostic';
import { envValues } from '../flags/env-document';
import { type EnvFileRead, readEnvFile } from '../flags/read-env-file';
import { type Resolution, resolveFlags } from '../flags/resolve';
import { type DetectedPhase, type Features, detectPhase, featuresOf } from './detect';
import { type RollbackState, readRollbackState } from './state';

export interface WorkspaceOptions {
  /** Relative to the workspace; setting chimera.envFile. */
  envFile?: string;
  env: Readonly<Record<string, string | undefined>>;
  settings?: Readonly<Record<string, unknown>>;
  machineId: string;
  canarySalt?: string;
  canaryOverride?: CanaryOverride;
}

/** The options the `chimera.*` settings give, the same in the extension and the CLI. */
export function workspaceOptionsOf(settings: ChimeraSettings, env: WorkspaceOptions['env'], machineId: string): WorkspaceOptions {
  return { env, settings: settings.flags, envFile: settings.envFile, machineId, canarySalt: settings['canary.salt'], canaryOverride: settings['canary.override'] };
}

/** Everything Chimera knows about a workspace's rollout at one moment: what the view, the CLI and the gate read. */
export interface RolloutSnapshot {
  workspace: string;
  envFile: string;
  exampleFile: string;
  env: EnvFileRead;
  example: EnvFileRead;
  resolution: Resolution;
  phase: DetectedPhase;
  canary: CanaryVerdict;
  features: Features;
  rollback: RollbackState | undefined;
  /** Every diagnostic: both files, then environment and settings values. */
  diagnostics: FlagDiagnostic[];
}

export function exampleFileOf(envFile: string): string {
  return `${envFile}.example`;
}

/** Glob characters in a file name, matched literally as one-character classes. */
function literalGlob(name: string): string {
  return name.replace(/\\/g, '/').replace(/[*?{}[\],]/g, (c) => `[${c}]`);
}

/** The files whose change alters the snapshot, as one glob: the default `.env` names, the configured flags file (any name) and its example, the rollback state. */
export function watchedFilesGlob(envFile: string): string {
  const names = ['.env', '.env.*', '.chimera/rollback.json'];
  const file = literalGlob(envFile.replace(/^\.\//, ''));
  if (file !== '.env') names.push(file, `${file}.example`);
  return `**/{${names.join(',')}}`;
}

export async function loadRolloutSnapshot(workspace: string, options: WorkspaceOptions): Promise<RolloutSnapshot> {
  const envFile = options.envFile ?? '.env';
  const exampleFile = exampleFileOf(envFile);
  const [env, example, rollback] = await Promise.all([
    readEnvFile(join(workspace, envFile), envFile),
    readEnvFile(join(workspace, exampleFile), exampleFile),
    readRollbackState(workspace),
  ]);
  const diagnostics: FlagDiagnostic[] = [];
  const exampleDocument = example.status === 'ok' ? example.document : null;
  if (env.status === 'ok') {
    diagnostics.push(...diagnoseEnvDocument(env.document, { file: envFile, example: exampleDocument, exampleFile }));
    if (example.status === 'missing') diagnostics.push(missingExampleDiagnostic(envFile, exampleFile));
  } else if (env.status === 'unusable') diagnostics.push(env.diagnostic);
  if (example.status === 'ok') diagnostics.push(...diagnoseEnvDocument(example.document, { file: exampleFile, isExample: true }));
  else if (example.status === 'unusable') diagnostics.push(example.diagnostic);

  const resolution = resolveFlags({
    env: options.env,
    dotenv: env.status === 'ok' ? envValues(env.document) : {},
    settings: options.settings ?? {},
    rollbackActive: rollback?.active === true,
  });
  diagnostics.push(...resolution.diagnostics);
  const canary = canaryVerdict(options.machineId, resolution.flags.CHIMERA_CANARY.value as number, {
    ...(options.canarySalt !== undefined ? { salt: options.canarySalt } : {}),
    ...(options.canaryOverride !== undefined ? { override: options.canaryOverride } : {}),
  });
  return {
    workspace,
    envFile,
    exampleFile,
    env,
    example,
    resolution,
    phase: detectPhase(resolution.flags),
    canary,
    features: featuresOf(resolution, canary.in),
    rollback,
    diagnostics,
  };
}
