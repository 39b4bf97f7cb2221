import type { CriterionRow } from '../core/rollout/phases';
import type { FlagsReport } from '../core/rollout/report';
import type { MeasureRow } from '../core/rollout/sources';

/** The typed message protocol between the Rollout webview (src/webview/rollout.ts) and the extension. */
export interface RolloutState {
  version: string;
  trusted: boolean;
  workspace: string | undefined;
  /** Undefined until the flags were read, or without a workspace folder. */
  report?: FlagsReport;
  phases: { id: number; name: string; timeline: string }[];
  criteria: CriterionRow[];
  nextPhase?: { id: number; name: string; checklist: { text: string; status: string; detail?: string }[] };
  /** The plan's rollback triggers: this machine's value next to the fleet's (from a team Prometheus, when set). */
  triggers: { summary: string; status: string; local: string; fleet: string | null; limit: string }[];
  /** Each criterion of the phase and each trigger with where its value comes from (this machine, the fleet, or not measurable yet). */
  measures: MeasureRow[];
  envFile: string;
}

export type ToWebview = { type: 'state'; state: RolloutState };

export const WEBVIEW_COMMANDS = ['chimera.showLog', 'chimera.refresh', 'chimera.moveToPhase', 'chimera.rollBack', 'chimera.rearm', 'chimera.rollbackDrill', 'chimera.analyzeFile', 'chimera.sendFeedback', 'chimera.showMetrics'] as const;
export type WebviewCommand = (typeof WEBVIEW_COMMANDS)[number];

export type FromWebview =
  | { type: 'ready' }
  | { type: 'rendered' }
  | { type: 'command'; command: WebviewCommand; argument?: number }
  | { type: 'openFlag'; flag: string };
