import { parseSimilarityClass, SimilarityIndex, type SimilarityClass } from '../../core/protein';
import { type Command, UsageError } from '../command';
import { SIMILAR_SPEC } from '../analysis-specs';
import { ExitCode } from '../exit-codes';
import { hashFiles } from './hash';

interface Pair {
  a: { file: string; name: string; line: number };
  b: { file: string; name: string; line: number };
  class: Exclude<SimilarityClass, 'different'>;
  cosine: number;
}

export const similarCommand: Command = {
  ...SIMILAR_SPEC,
  async run(context, options, files) {
    const threshold = parseSimilarityClass(typeof options.threshold === 'string' ? options.threshold : 'similar');
    if (!threshold || threshold === 'different') throw new UsageError(`--threshold must be equivalent, very-similar or similar`);
    const genes = hashFiles(context.workspace, files);
    const index = new SimilarityIndex();
    const pairs: Pair[] = [];
    // Each gene is queried against the genes before it, so every pair appears once, in file order.
    genes.forEach((gene, i) => {
      for (const match of index.query(gene.protein, { atLeast: threshold, limit: Number.POSITIVE_INFINITY })) {
        const other = genes[Number(match.id)]!;
        pairs.push({ a: { file: other.file, name: other.name, line: other.line }, b: { file: gene.file, name: gene.name, line: gene.line }, class: match.class as Pair['class'], cosine: match.cosine });
      }
      index.add(String(i), gene.protein);
    });
    const text = pairs.map((p) => `${p.class.padEnd(12)} ${p.cosine.toFixed(3)}  ${p.a.file}:${p.a.line} ${p.a.name}  ~  ${p.b.file}:${p.b.line} ${p.b.name}`).join('\n');
    return { exitCode: ExitCode.Ok, data: { genes: genes.length, threshold, pairs }, text: text || `no pairs at or above '${threshold}' among ${genes.length} functions` };
  },
};
