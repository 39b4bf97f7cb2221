// Scores gene purity against the labelled set: `// expect: pure|conditional|impure|debatable` on the line before a function.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type FileGenes, extractGenes } from '../../src/core/genes';

export interface LabelledAccuracy {
  /** Functions with a non-debatable label, and how many of them got exactly that verdict. */
  decided: number;
  agreed: number;
  pureLabelled: number;
  pureFound: number;
  debatable: number;
  /** Labelled impure but reported pure or conditional, or labelled conditional but reported pure: the costly error. */
  impureCalledPure: string[];
  /** Every other disagreement, with the tool's reasons. */
  missed: string[];
}

/** Every labelled file of `dir` (sorted), analysed one by one unless `analyse` says how to analyse them together. */
export function labelledAccuracy(dir: string, analyse: (files: string[]) => Map<string, FileGenes> = analyseEach): LabelledAccuracy {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.[cm]?[jt]sx?$/.test(f)).sort().map((f) => join(dir, f));
  const results = analyse(files);
  const report: LabelledAccuracy = { decided: 0, agreed: 0, pureLabelled: 0, pureFound: 0, debatable: 0, impureCalledPure: [], missed: [] };
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const result = results.get(file);
    if (!result || result.errors.length > 0) throw new Error(`${file}: ${JSON.stringify(result?.errors)}`);
    source.split('\n').forEach((text, index) => {
      const label = /\/\/ expect: (pure|conditional|impure|debatable)\b/.exec(text)?.[1];
      if (!label) return;
      const g = result.genes.filter((candidate) => candidate.line === index + 2).sort((a, b) => a.start - b.start)[0];
      if (!g) throw new Error(`${file}:${index + 2} has no gene`);
      const where = `${file.slice(dir.length + 1)}:${g.name}`;
      if (label === 'debatable') {
        report.debatable++;
        return;
      }
      report.decided++;
      if (label === 'pure') report.pureLabelled++;
      if (g.purity === label) {
        report.agreed++;
        if (label === 'pure') report.pureFound++;
      } else if ((label === 'impure' && g.purity !== 'impure') || (label === 'conditional' && g.purity === 'pure')) {
        report.impureCalledPure.push(`${where} (labelled ${label}, reported ${g.purity})`);
      } else {
        report.missed.push(`${where} labelled ${label}, reported ${g.purity} (${g.reasons.map((r) => r.message).join('; ')})`);
      }
    });
  }
  return report;
}

function analyseEach(files: string[]): Map<string, FileGenes> {
  return new Map(files.map((file) => [file, extractGenes(file, readFileSync(file, 'utf8'))]));
}
