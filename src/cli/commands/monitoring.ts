import { resolve } from 'node:path';
// Only the generators: prom-client stays out of the CLI bundle's path for this command.
import { exportMonitoring } from '../../core/metrics/export';
import { parseDuration } from '../../core/metrics/plan';
import { type Command, UsageError } from '../command';
import { ExitCode } from '../exit-codes';

function durationOption(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || parseDuration(value) === undefined) throw new UsageError(`--${name} must be a Prometheus duration such as 5m, 30s or 1h (got '${String(value)}')`);
  return value;
}

export const monitoringCommand: Command = {
  name: 'monitoring',
  summary: 'Export Prometheus alert rules (with promtool tests) and a Grafana dashboard for the rollout',
  usage: 'chimera monitoring export DIR [--window 5m] [--security-window 1h] [--min-requests 20]',
  options: {
    window: { type: 'string' },
    'security-window': { type: 'string' },
    'min-requests': { type: 'string' },
  },
  async run(context, options, positionals) {
    const [action, dir, ...rest] = positionals;
    if (action !== 'export') throw new UsageError(action === undefined ? 'missing action: chimera monitoring export DIR' : `unknown action '${action}': only 'export' exists`);
    if (dir === undefined) throw new UsageError('missing DIR: chimera monitoring export DIR');
    if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
    const minText = options['min-requests'];
    const minRequests = minText === undefined ? undefined : Number(minText);
    if (minRequests !== undefined && (!Number.isInteger(minRequests) || minRequests < 0)) throw new UsageError(`--min-requests must be a whole number ≥ 0 (got '${String(minText)}')`);
    const result = await exportMonitoring(resolve(context.workspace, dir), {
      window: durationOption(options, 'window'),
      securityWindow: durationOption(options, 'security-window'),
      minRequests,
    });
    const text = [
      `Wrote ${result.files.length} files (window ${result.window}, security window ${result.securityWindow}, at least ${result.minRequests} requests before a rate can fire):`,
      ...result.files.map((file) => `  ${file}`),
      'Check them with: promtool check rules chimera-alerts.yml && promtool test rules chimera-alerts.test.yml',
    ].join('\n');
    return { exitCode: ExitCode.Ok, data: { monitoring: result }, text };
  },
};
