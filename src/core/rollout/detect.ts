import type { EffectiveFlags, Resolution } from '../flags/resolve';
import { PHASES, PHASE_FLAG_NAMES, type PhaseFlags, type PhaseId } from './phases';

export interface PhaseDifference {
  flag: keyof PhaseFlags;
  expected: boolean | number;
  actual: boolean | number;
}

/** A phase of the plan, or `custom` for flags that match none. */
export type DetectedPhaseId = PhaseId | 'custom';

export interface DetectedPhase {
  id: DetectedPhaseId;
  /** The phase this set is closest to (itself when it matches). */
  nearest: PhaseId;
  /** What differs from the nearest phase; empty when it matches. */
  differences: PhaseDifference[];
}

function phaseFlagsOf(flags: EffectiveFlags): PhaseFlags {
  return {
    CHIMERA_ENABLED: flags.CHIMERA_ENABLED.value === true,
    DRY_RUN_MODE: flags.DRY_RUN_MODE.value === true,
    CHIMERA_CANARY: flags.CHIMERA_CANARY.value as number,
    WASM_EXEC_ENABLED: flags.WASM_EXEC_ENABLED.value === true,
    PROTEIN_HASH_ENABLED: flags.PROTEIN_HASH_ENABLED.value === true,
  };
}

function differences(actual: PhaseFlags, expected: PhaseFlags): PhaseDifference[] {
  return PHASE_FLAG_NAMES.filter((name) => actual[name] !== expected[name]).map((flag) => ({ flag, expected: expected[flag], actual: actual[flag] }));
}

/**
 * Maps flags to a phase with the plan's table. With CHIMERA_ENABLED off nothing runs, so the other flags do not
 * matter: that is Phase 0. Otherwise the set must equal a phase's set; if none matches it is `custom`, with the
 * phase that differs in the fewest flags (the lower one on a tie).
 */
export function detectPhase(flags: EffectiveFlags): DetectedPhase {
  const actual = phaseFlagsOf(flags);
  if (!actual.CHIMERA_ENABLED) return { id: 0, nearest: 0, differences: [] };
  let best: DetectedPhase | undefined;
  for (const phase of PHASES) {
    const diff = differences(actual, phase.flags);
    if (diff.length === 0) return { id: phase.id, nearest: phase.id, differences: [] };
    if (!best || diff.length < best.differences.length) best = { id: 'custom', nearest: phase.id, differences: diff };
  }
  return best!;
}

/** What actually runs; every consumer (extension, CLI with --respect-flags, metrics) asks this one function. */
export interface Features {
  /** Gene extraction, compilation and verification runs in the sandbox (dry run). */
  analysis: boolean;
  /** Running genes in the sandbox on request. */
  execution: boolean;
  proteinHash: boolean;
  /** With DRY_RUN_MODE nothing leaves the machine. */
  publish: boolean;
  /** Why analysis is off, for the view and for refusals; undefined when it is on. */
  blockedBy?: 'rollback' | 'frozen' | 'disabled' | 'canary';
}

export function featuresOf(resolution: Resolution, inCanary: boolean): Features {
  const flags = resolution.flags;
  const blockedBy = resolution.rolledBack ? 'rollback' : resolution.frozen ? 'frozen' : flags.CHIMERA_ENABLED.value !== true ? 'disabled' : !inCanary ? 'canary' : undefined;
  const analysis = blockedBy === undefined;
  const execution = analysis && flags.WASM_EXEC_ENABLED.value === true;
  return {
    analysis,
    execution,
    proteinHash: analysis && (flags.PROTEIN_HASH_ENABLED.value === true || flags.WASM_EXEC_ENABLED.value === true),
    publish: analysis && flags.DRY_RUN_MODE.value !== true,
    ...(blockedBy ? { blockedBy } : {}),
  };
}
