// Analyses files together, imports resolved across them (the way `chimera genes --workspace DIR` does).
import { readFileSync } from 'node:fs';
import { type FileGenes } from '../../src/core/genes';
import { WorkspacePurity } from '../../src/core/genes/workspace-purity';

export function analyseInWorkspace(root: string): (files: string[]) => Map<string, FileGenes> {
  return (files) => {
    const workspace = new WorkspacePurity({ root, keepGenes: 1000 });
    return new Map(files.map((file) => [file, workspace.analyse(file, readFileSync(file, 'utf8')).genes]));
  };
}
