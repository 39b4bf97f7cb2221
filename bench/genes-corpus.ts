// The gene benchmark corpus: VS Code's own code as published in monaco-editor, and the TypeScript sources of rxjs.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

function filesUnder(dir: string, suffix: string, recursive: boolean): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? (recursive ? filesUnder(join(dir, entry.name), suffix, true) : []) : entry.name.endsWith(suffix) ? [join(dir, entry.name)] : []))
    .sort();
}

/** Absolute paths, found from the current directory (the repository root when run by npm or node --test). */
export function corpusFiles(root = process.cwd()): string[] {
  const modules = resolve(root, 'node_modules');
  return [...filesUnder(join(modules, 'monaco-editor', 'esm', 'vs', 'base', 'common'), '.js', false), ...filesUnder(join(modules, 'rxjs', 'src'), '.ts', true)];
}

export interface CorpusFile {
  file: string;
  text: string;
}

export function readCorpus(root: string): CorpusFile[] {
  return corpusFiles(root).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

/** The extraction benchmarks' baseline: a parse of every file alone (same arguments as ours, parent pointers on). */
export function parseEach(corpus: readonly CorpusFile[]): void {
  for (const { file, text } of corpus) ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}
