import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/repo';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : /\.[cm]?[jt]sx?$/.test(entry.name) ? [path] : [];
  });
}

const IMPORT_OF_VSCODE = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]vscode['"]/;

test('src/core never imports vscode, so the CLI and node --test can run all of it', () => {
  const offenders = sourceFiles(join(repoRoot, 'src', 'core')).filter((file) => IMPORT_OF_VSCODE.test(readFileSync(file, 'utf8')));
  assert.deepEqual(offenders.map((file) => relative(repoRoot, file)), []);
});

test('the import check itself recognises every way of importing vscode', () => {
  for (const line of ["import * as vscode from 'vscode';", 'import { window } from "vscode";', "const v = require('vscode');", "await import('vscode')", "import 'vscode';"]) {
    assert.match(line, IMPORT_OF_VSCODE);
  }
  assert.doesNotMatch("import { x } from './vscode-like';", IMPORT_OF_VSCODE);
});

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown>; entryPoint?: string }>;
}

test('activation stays cheap: the extension bundle carries no compiler, prom-client, telemetry, analysis or metrics code', () => {
  const meta = JSON.parse(readFileSync(join(repoRoot, 'out', 'meta-dist.json'), 'utf8')) as Metafile;
  const extension = meta.outputs['dist/extension.js'];
  assert.ok(extension, 'dist/extension.js was not built');
  const heavy = Object.keys(extension.inputs).filter(
    (input) => /node_modules\/(typescript|prom-client|multiformats|@ipld|posthog-node|@posthog)\//.test(input) || /src\/core\/(genes|compiler|protein|sandbox|store|metrics|telemetry|check)\/|analysis|observability|src\/vscode\/features\.ts|gene-/.test(input),
  );
  assert.deepEqual(heavy, []);
  // The features bundle exists and holds what activation leaves out.
  assert.ok(Object.keys(meta.outputs['dist/features.js']?.inputs ?? {}).some((input) => input.endsWith('src/vscode/observability.ts')));
});
