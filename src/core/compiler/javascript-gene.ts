/**
 * The gene as JavaScript, for differential verification: its text and the declarations it depends on,
 * transpiled by TypeScript and evaluated in a `vm` context that holds nothing but the builtins and a frozen Math.
 */
import ts from 'typescript';
import * as vm from 'node:vm';
import type { CompiledGene } from './types';
import type { GeneValue } from './values';

export type JavaScriptOutcome = { verdict: 'ok'; value: unknown } | { verdict: 'timeout' | 'threw'; message: string };

export interface JavaScriptGene {
  call(args: readonly GeneValue[]): JavaScriptOutcome;
}

const ENTRY = '__chimeraGene';

/** Rebuilds a script that defines every dependency and binds the gene to `__chimeraGene`. */
export function javascriptSource(sourceFile: ts.SourceFile, gene: CompiledGene): string {
  const text = sourceFile.text;
  const lines = gene.dependencies.map((d) => (d.kind === 'enum' ? d.source! : d.kind === 'function' ? text.slice(d.start, d.end).trim() : `const ${text.slice(d.start, d.end)};`));
  const entry = gene.entry;
  if (entry.form === 'declared') lines.push(`const ${ENTRY} = ${entry.name};`);
  else if (entry.form === 'method') lines.push(`const ${ENTRY} = ({ ${text.slice(entry.start, entry.end).trim()} }).${entry.name};`);
  else if (entry.form === 'getter') lines.push(`const ${ENTRY} = Object.getOwnPropertyDescriptor({ ${text.slice(entry.start, entry.end).trim()} }, '${entry.name}').get;`);
  else lines.push(`const ${ENTRY} = (${text.slice(entry.start, entry.end)});`);
  return `"use strict";\n${lines.join('\n')}\n`;
}

const LOAD_TIMEOUT_MS = 5000;

export function loadJavaScriptGene(sourceFile: ts.SourceFile, gene: CompiledGene, options: { timeoutMs: number }): JavaScriptGene {
  const script = ts.transpile(javascriptSource(sourceFile, gene), { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None, removeComments: true });
  const context = vm.createContext(Object.create(null) as object, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext('Object.freeze(Math);', context);
  // Loading only evaluates the gene's module constants: its own bound, so a busy machine's slow first compile of the
  // script is not mistaken for a gene that runs out of time.
  vm.runInContext(`${script}\nglobalThis.${ENTRY} = ${ENTRY};`, context, { timeout: Math.max(options.timeoutMs, LOAD_TIMEOUT_MS) });
  const invoke = new vm.Script(`${ENTRY}(...__chimeraArgs)`);
  const sandbox = context as Record<string, unknown>;
  return {
    call(args) {
      sandbox.__chimeraArgs = args;
      try {
        return { verdict: 'ok', value: invoke.runInContext(context, { timeout: options.timeoutMs }) };
      } catch (error) {
        const message = error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error) ? String((error as Error).message) : String(error);
        return /timed out/i.test(message) ? { verdict: 'timeout', message } : { verdict: 'threw', message };
      }
    },
  };
}
