/** The typed message protocol between the Rollout webview (media/rollout.js) and the extension. */
export interface RolloutState {
  version: string;
  trusted: boolean;
  workspace: string | undefined;
}

export type ToWebview = { type: 'state'; state: RolloutState };

export type FromWebview = { type: 'ready' } | { type: 'rendered' } | { type: 'command'; command: 'chimera.showLog' | 'chimera.refresh' };
