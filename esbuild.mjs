// One build for everything that runs: the shipped bundles in dist/ and the tests, host and benchmarks in out/.
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const tsFiles = (dir, { recursive = false } = {}) =>
  readdirSync(dir, { withFileTypes: true, recursive })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning' };

/** dist/cli.js loads src/cli/analysis-commands.ts as the separate bundle dist/cli-analysis.js, not inline. */
const cliAnalysisApart = {
  name: 'cli-analysis-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/analysis-commands$/ }, (args) => (args.importer.endsWith(join('src', 'cli', 'main.ts')) ? { path: './cli-analysis.js', external: true } : undefined));
  },
};

/** What ships: self-contained bundles, so the .vsix carries no node_modules. */
const shipped = {
  ...common,
  entryPoints: {
    extension: 'src/vscode/extension.ts',
    features: 'src/vscode/features.ts',
    cli: 'src/cli/main.ts',
    // The CLI's commands that parse code, with the TypeScript compiler: dist/cli.js requires it only to run one.
    'cli-analysis': 'src/cli/analysis-commands.ts',
    'analysis-worker': 'src/core/analysis/worker-main.ts',
    // `chimera check`'s workers: the analysis, with verification in the sandbox and modules kept by CID.
    'check-worker': 'src/core/check/check-worker-main.ts',
    'sandbox-child': 'src/core/sandbox/child-main.ts',
    'sandbox-worker': 'src/core/sandbox/worker-main.ts',
    // prom-client, loaded by the extension only when metrics are needed (src/vscode/observability.ts).
    metrics: 'src/core/metrics/index.ts',
  },
  outdir: 'dist',
  external: ['vscode'],
  minifySyntax: true,
  metafile: true,
  plugins: [cliAnalysisApart],
  // The CLI is an executable; the other bundles ignore the shebang line.
  banner: { js: '#!/usr/bin/env node' },
};

/** The Rollout webview's script: one browser file beside its stylesheet, loaded under the nonce CSP (src/vscode/webview-html.ts). */
const webview = {
  entryPoints: { rollout: 'src/webview/rollout.ts' },
  outdir: 'media',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  // VS Code 1.99's webviews run in Electron 34 (Chromium 132).
  target: 'chrome132',
  logLevel: 'warning',
};

/** Packages stay external, except mocha and what it imports: mocha 12 is an ES module that needs Node ≥ 20.19 to be
 *  require()d, and VS Code 1.99.3's extension host (Void's base) runs Node 20.18; bundled, it is plain CommonJS. */
const externalPackagesButMocha = {
  name: 'external-packages-but-mocha',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path === 'mocha' || args.importer.includes('/node_modules/') ? undefined : { path: args.path, external: true },
    );
  },
};

/** Tests, the test host and benchmarks: run from the repository, so packages stay external. */
const tooling = {
  ...common,
  entryPoints: [
    ...tsFiles('test/unit', { recursive: true }),
    ...tsFiles('test/integration'),
    ...tsFiles('test/integration/failing'),
    ...tsFiles('test/integration/packaged'),
    ...tsFiles('test/integration/large'),
    ...tsFiles('test/host'),
    ...tsFiles('test/prometheus'),
    ...tsFiles('bench'),
    ...tsFiles('bench/workbench'),
  ],
  outdir: 'out',
  outbase: '.',
  plugins: [externalPackagesButMocha],
  // Only mocha's parallel mode resolves its worker files, and the suites run serially.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

rmSync('dist', { recursive: true, force: true });
rmSync('out', { recursive: true, force: true });
if (watch) {
  for (const options of [shipped, webview, tooling]) await (await esbuild.context(options)).watch();
} else {
  const [result] = await Promise.all([esbuild.build(shipped), esbuild.build(webview), esbuild.build(tooling)]);
  // The unit tests read this to prove what each shipped bundle contains (activation stays cheap).
  mkdirSync('out', { recursive: true });
  writeFileSync('out/meta-dist.json', JSON.stringify(result.metafile));
}
