import { applyPhaseMove, planPhaseMove, type PhaseMovePlan } from '../../core/rollout/moves';
import { PHASES, type PhaseId } from '../../core/rollout/phases';
import { whoAmI } from '../../core/rollout/state';
import { type Command, UsageError } from '../command';
import { ExitCode } from '../exit-codes';
import { ROLLOUT_OPTIONS, loadSnapshot } from '../workspace';

function renderPlan(plan: PhaseMovePlan, applied: boolean, blocked: string[]): string {
  const lines = [`Move from ${plan.from === 'custom' ? 'custom' : `Phase ${plan.from}`} to Phase ${plan.to}: ${PHASES[plan.to]!.name}`, ''];
  lines.push('Pre-flight checklist:');
  for (const item of plan.checklist) lines.push(`  [${item.status === 'pass' || item.status === 'confirmed' ? 'x' : ' '}] ${item.text} (${item.status}${item.detail ? `: ${item.detail}` : ''})`);
  lines.push('', '.env changes:');
  if (plan.env.changes.length === 0) lines.push('  none: the flags already describe this phase');
  for (const c of plan.env.changes) lines.push(`  line ${c.line}: ${c.key}=${c.before ?? '(unset)'} → ${c.key}=${c.after}`);
  if (plan.example.changes.length > 0) lines.push('', '.env.example gains:', ...plan.example.changes.map((c) => `  ${c.key}=${c.after}`));
  if (plan.overriddenByEnvironment.length > 0) lines.push('', `Warning: ${plan.overriddenByEnvironment.join(', ')} set in the environment override .env; unset them for this move to take effect.`);
  if (blocked.length > 0) lines.push('', `Not applied: ${blocked.join('; ')}.`);
  else lines.push('', applied ? 'Applied; recorded in .chimera/rollout-log.jsonl.' : 'Dry run: nothing written. Confirm with --yes (team briefed, support ready) to apply.');
  return lines.join('\n');
}

const USAGE = 'chimera phase set <0-4> [--yes] [--force] [--workspace DIR]';

export const phaseCommand: Command = {
  name: 'phase',
  summary: 'Move the workspace to a rollout phase, after the pre-flight checklist (--yes applies the move)',
  usage: USAGE,
  options: { ...ROLLOUT_OPTIONS, yes: { type: 'boolean', short: 'y' }, force: { type: 'boolean' } },
  async run(context, options, positionals) {
    const [verb, target] = positionals;
    if (verb !== 'set' || target === undefined || !/^[0-4]$/.test(target)) throw new UsageError(`usage: ${USAGE}`);
    const to = Number(target) as PhaseId;
    const confirmed = options.yes === true;
    const snapshot = await loadSnapshot(context, options);
    const plan = await planPhaseMove(snapshot, to, { confirmed, env: process.env });
    const movingUp = snapshot.phase.id === 'custom' || to > snapshot.phase.id;
    const blocked: string[] = [];
    if (snapshot.env.status === 'unusable') blocked.push(`${snapshot.envFile} is unusable (${snapshot.env.diagnostic.code}); fix it first`);
    if (snapshot.rollback?.active && to > 0) blocked.push('a rollback is active: re-arm first (chimera rearm)');
    const failing = plan.checklist.filter((item) => item.status === 'fail' || item.status === 'unknown');
    if (movingUp && failing.length > 0 && options.force !== true) blocked.push(`pre-flight items not passing: ${failing.map((i) => i.text).join(', ')} (--force to move anyway)`);
    let applied = false;
    if (confirmed && blocked.length === 0) {
      const conflict = await applyPhaseMove(snapshot, plan, await whoAmI(context.workspace));
      if (conflict) blocked.push(conflict.message);
      else applied = true;
    }
    const data = { move: { from: plan.from, to: plan.to, applied, blocked, checklist: plan.checklist, changes: plan.env.changes, exampleChanges: plan.example.changes, overriddenByEnvironment: plan.overriddenByEnvironment } };
    return { exitCode: blocked.length > 0 ? ExitCode.Findings : ExitCode.Ok, data, text: renderPlan(plan, applied, blocked) };
  },
};
