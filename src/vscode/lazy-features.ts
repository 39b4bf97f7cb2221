import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Features } from './features';
import type { RolloutService } from './rollout-service';
import type { RolloutViewProvider } from './rollout-view';

/** The commands whose code lives in dist/features.js; package.json contributes them, this bundle forwards them. */
export const FEATURE_COMMANDS = [
  'chimera.analyzeFile',
  'chimera.verifyGenes',
  'chimera.runGene',
  'chimera.runGeneByCid',
  'chimera.findSimilar',
  'chimera.showWasm',
  'chimera.copyCid',
  'chimera.exportCar',
  'chimera.explainGene',
  'chimera.openFlags',
  'chimera.sendFeedback',
  'chimera.exportMonitoring',
  'chimera.showMetrics',
] as const;

/** Loads the features bundle once, on the first need: Chimera enabled, or one of its commands used. */
export class LazyFeatures {
  private loaded: Features | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly rollout: RolloutService,
    private readonly log: vscode.LogOutputChannel,
    private readonly rolloutView: RolloutViewProvider,
  ) {}

  get isLoaded(): boolean {
    return this.loaded !== undefined;
  }

  load(): Features {
    if (!this.loaded) {
      const started = Date.now();
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle loaded on demand; an import would pull it into extension.js
      const bundle = require(path.join(__dirname, 'features.js')) as typeof import('./features');
      this.loaded = bundle.activateFeatures(this.context, this.rollout, this.log, this.rolloutView);
      this.log.info(`features loaded in ${Date.now() - started} ms`);
    }
    return this.loaded;
  }

  registerCommands(): vscode.Disposable[] {
    return FEATURE_COMMANDS.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => this.load().commands.run(id, args)));
  }
}
