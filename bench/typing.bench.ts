// Typing latency in the real VS Code 1.99.3 workbench (Void's base): Chimera at Phase 4 against Chimera off, same server and file.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SessionBenchmark } from './benchmark';
import { summarize } from './benchmark';
import { runSession } from './workbench/session';
import type { TypingRound } from './workbench/typing-rounds';
import { typingActions } from './workbench/typing-page';
import { repoRoot, resultsDir, sampleWorkspace, vsixPath } from '../test/host/paths';

/** VS Code's own text-model options, 3,530 lines of compiled VS Code source from the monaco-editor devDependency, typed into as TypeScript. */
const SOURCE = join(repoRoot, 'node_modules', 'monaco-editor', 'esm', 'vs', 'editor', 'common', 'config', 'editorOptions.js');
const TARGET = join('src', 'vs', 'editor', 'common', 'config', 'editorOptions.ts');
const ROUNDS = 6;
const CHARS_PER_ROUND = 40;

const ms = (n: number) => n.toFixed(1);

export const benchmark: SessionBenchmark = {
  name: 'typing latency P95',
  description: 'keypress → rendered character in the VS Code 1.99.3 workbench (code-server 4.99.4), playwright key presses into a 3,530-line TypeScript file (monaco-editor editorOptions), the .vsix installed; Chimera off (CHIMERA_ENABLED=0) against Phase 4 (execution and protein hashes on, lenses and diagnostics live), alternating rounds on one server',
  unit: 'ms',
  runs: ROUNDS,
  ratio: 'p95',
  async session() {
    if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: npm run bench packages it`);
    const artifacts = join(resultsDir, 'bench', 'typing');
    const [rounds] = await runSession<TypingRound[]>(
      {
        name: 'typing',
        vsix: [vsixPath],
        runner: 'typing-rounds',
        workspace: (runDir) => {
          const workspace = join(runDir, 'ws', 'void-sample');
          cpSync(sampleWorkspace, workspace, { recursive: true });
          mkdirSync(dirname(join(workspace, TARGET)), { recursive: true });
          cpSync(SOURCE, join(workspace, TARGET));
          return workspace;
        },
        env: { TYPING_FILE: TARGET, TYPING_ROUNDS: String(ROUNDS) },
        actions: typingActions(artifacts, CHARS_PER_ROUND),
        timeoutSeconds: 900,
      },
      1,
    );
    const latencies = (mode: string) => rounds!.filter((r) => r.mode === mode).flatMap((r) => JSON.parse(readFileSync(join(artifacts, `typing-${r.mode}${r.round}.json`), 'utf8')) as number[]);
    const host = (mode: string) => {
      const of = rounds!.filter((r) => r.mode === mode);
      return { loop: summarize(of.map((r) => r.eventLoopP99Ms)), cpu: summarize(of.map((r) => r.cpuMs)) };
    };
    const off = host('off');
    const on = host('on');
    const baseline = latencies('off');
    const subject = latencies('on');
    return {
      baseline,
      subject,
      description: `${this.description}; ${ROUNDS} rounds × ${CHARS_PER_ROUND} characters per side at a 60 ms pace; goal P95 ratio ≤ 1.05 or within 2 ms. Extension host over a round (median of rounds, off → on): event-loop delay P99 at 1 ms resolution ${ms(off.loop.median)} → ${ms(on.loop.median)} ms (worst ${ms(off.loop.max)} → ${ms(on.loop.max)} ms), CPU time ${ms(off.cpu.median)} → ${ms(on.cpu.median)} ms`,
    };
  },
};
