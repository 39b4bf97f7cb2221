// Scores the compiler on plain JavaScript: `// expect: numeric|other` on the line before a function.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type GeneAnalysis, analyzeFile } from '../../src/core/analysis/pipeline';

export interface NumericScore {
  /** Labelled numeric, and how many of them compiled and verified. */
  numeric: number;
  compiled: number;
  /** Compiled genes whose verification found a difference from their JavaScript, with the inputs. */
  mismatches: string[];
  /** Labelled numeric but not compiled, with the reason. */
  missed: string[];
  /** Labelled other but compiled: a specialisation nobody asked for. */
  overreach: string[];
  /** Every compiled gene's specialisation note, by `file:gene`. */
  notes: Map<string, string | undefined>;
}

export async function scoreNumeric(dir: string): Promise<NumericScore> {
  const score: NumericScore = { numeric: 0, compiled: 0, mismatches: [], missed: [], overreach: [], notes: new Map() };
  const files = readdirSync(dir).filter((f) => /\.[cm]?js$/.test(f)).sort();
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const analysis = await analyzeFile({ fileName: file, text, features: { compile: true, verify: true, proteinHash: false }, maxTimeMs: 5000 });
    if (analysis.errors.length > 0) throw new Error(`${file}: ${JSON.stringify(analysis.errors)}`);
    text.split('\n').forEach((line, index) => {
      const label = /\/\/ expect: (numeric|other)\b/.exec(line)?.[1];
      if (!label) return;
      const entry = analysis.genes.filter((g) => g.gene.line === index + 2).sort((a, b) => a.gene.start - b.gene.start)[0];
      if (!entry) throw new Error(`${file}:${index + 2} has no gene`);
      const where = `${file}:${entry.gene.name}`;
      const compiled = entry.compile?.verdict === 'ok' && entry.verify?.verdict === 'ok';
      if (entry.verify?.verdict === 'mismatch') score.mismatches.push(`${where} ${JSON.stringify(entry.verify.mismatches.slice(0, 3))}`);
      if (entry.compile?.verdict === 'ok') score.notes.set(where, entry.compile.specialisation?.note);
      if (label === 'numeric') {
        score.numeric++;
        if (compiled) score.compiled++;
        else score.missed.push(`${where}: ${whyNot(entry)}`);
      } else if (entry.compile?.verdict === 'ok') {
        score.overreach.push(where);
      }
    });
  }
  return score;
}

function whyNot(entry: GeneAnalysis): string {
  if (entry.compile?.verdict === 'unsupported') return `${entry.compile.construct}: ${entry.compile.reason}`;
  if (entry.gene.purity !== 'pure') return `${entry.gene.purity}: ${entry.gene.reasons.map((r) => r.message).join('; ')}`;
  if (entry.gene.mayThrow) return 'may throw';
  if (!entry.gene.numeric) return `not numeric (params ${JSON.stringify(entry.gene.params)}, returns ${entry.gene.returns})`;
  return `verification ${entry.verify?.verdict ?? 'not run'}`;
}
