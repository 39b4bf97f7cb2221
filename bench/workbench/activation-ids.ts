/** The extensions the activation benchmark activates: ours and the empty baseline, both installed from a .vsix. */
export const ACTIVATED = ['void-chimera.chimera-rollout', 'void-chimera.empty-extension'];

/** Milliseconds of getExtension(id).activate() — loading the installed code and running activate() — per extension id. */
export type ActivationTimes = Record<string, number>;
