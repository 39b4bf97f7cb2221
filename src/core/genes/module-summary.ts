// A file's purity summary: what each of its exports is, for the files that import it. Plain data (it crosses workers
// and caches); built from the file's analysed genes.
import ts from 'typescript';
import type { Binding, FileModel } from './collect';
import type { ConstantKind } from './module-constants';
import type { Gene, Purity } from './types';

export type ExportEntry =
  /** `calls`: for a conditional function, the positions of the parameters it calls (only those). */
  | { kind: 'function'; name: string; line: number; purity: Purity; cause?: string; calls?: number[]; accessor?: boolean }
  /** A primitive, an `as const` literal or a deep Object.freeze: reading it (or into it) is pure. A RegExp without g or y: so are test and exec. */
  /** `moduleLet`: an exported `let` its file never reassigns (importers cannot): read as a constant, and said so. */
  | { kind: 'constant'; name: string; line: number; regex?: boolean; moduleLet?: boolean }
  | { kind: 'enum'; name: string; line: number }
  /**
   * A class (its static methods) or a namespace (its exported members). `instance`: a class's methods and getters as
   * called on an instance (pure when they only read readonly primitive fields); fields are values.
   */
  | { kind: 'container'; name: string; line: number; members: Record<string, ExportEntry>; instance?: Record<string, ExportEntry>; initializes?: boolean; value?: boolean }
  /** Anything else (a `let`, an object, an instance): reading it reads state that can change. */
  | { kind: 'value'; name: string; line: number }
  /** `export { a } from './x'` (imported `a`), `export * as ns from './x'` (imported `*`). */
  | { kind: 'reexport'; specifier: string; imported: string };

export interface ModuleSummary {
  exports: Record<string, ExportEntry>;
  /** `export * from './x'`: a name not exported here may come from there. */
  stars: string[];
}

/** An export as another file sees it: the entry, in which file. */
export type ResolvedExport = Exclude<ExportEntry, { kind: 'reexport' }> & { file: string };

export type ImportedMeaning =
  /** `consumed`: how many member names of the path the entry stands for (the rest are read from it). */
  | { kind: 'export'; entry: ResolvedExport; consumed: number }
  | { kind: 'unknown'; message: string };

/** Answers what an imported name means, from the summaries of the files it comes from. */
export interface ImportOracle {
  /** `imported`: the exported name, `default`, or `*` (then `path[0]` is the export); `path`: members read from it. */
  lookup(specifier: string, imported: string, path: readonly string[]): ImportedMeaning;
}

export function ownExport(summary: ModuleSummary, name: string): ExportEntry | undefined {
  return Object.prototype.hasOwnProperty.call(summary.exports, name) ? summary.exports[name] : undefined;
}

interface SummaryInputs {
  model: FileModel;
  genes: readonly Gene[];
  bindingOf: ReadonlyMap<ts.Identifier, Binding | undefined>;
  constantKind(binding: Binding): ConstantKind;
  isPrimitive(expression: ts.Expression): boolean;
  /** For a conditional gene (by start offset): the positions of the parameters it calls. */
  calledParameters(start: number): number[] | undefined;
  /** A class whose instances are values (readonly fields, a construction that only initialises): `new` of it is pure. */
  valueClass(cls: ts.ClassLikeDeclaration, initializes: (ctor: ts.ConstructorDeclaration) => boolean): boolean;
}

export function summarize(inputs: SummaryInputs): ModuleSummary {
  const { model } = inputs;
  const sf = model.sourceFile;
  const geneAt = new Map<number, Gene>();
  for (const gene of inputs.genes) if (!geneAt.has(gene.start)) geneAt.set(gene.start, gene);
  const summary: ModuleSummary = { exports: Object.create(null) as Record<string, ExportEntry>, stars: [] };
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;

  const functionEntry = (node: ts.Node, name: string): ExportEntry => {
    const gene = geneAt.get(node.getStart(sf));
    if (!gene) return { kind: 'value', name, line: lineOf(node) };
    const cause = gene.purity === 'impure' ? gene.reasons[0]?.message : undefined;
    const calls = gene.purity === 'conditional' && !gene.receiver ? inputs.calledParameters(gene.start) : undefined;
    return { kind: 'function', name, line: gene.line, purity: gene.receiver ? 'impure' : gene.purity, ...(cause ? { cause } : {}), ...(calls ? { calls } : {}) };
  };

  const describe = (binding: Binding, name: string): ExportEntry => {
    const declaration = binding.declaration;
    switch (binding.kind) {
      case 'function':
        return functionEntry(declaration, name);
      case 'enum':
        return { kind: 'enum', name, line: lineOf(declaration) };
      case 'import':
        return binding.module !== undefined && binding.imported !== undefined ? { kind: 'reexport', specifier: binding.module, imported: binding.imported } : { kind: 'value', name, line: lineOf(declaration) };
      case 'class':
        return { kind: 'container', name, line: lineOf(declaration), members: staticMethods(declaration as ts.ClassLikeDeclaration, name), instance: instanceMembers(declaration as ts.ClassLikeDeclaration, name), ...(initializingClass(declaration as ts.ClassLikeDeclaration) ? { initializes: true } : {}), ...(inputs.valueClass(declaration as ts.ClassLikeDeclaration, (ctor) => geneAt.get(ctor.getStart(sf))?.initializesThis === true) ? { value: true } : {}) };
      case 'namespace':
        return { kind: 'container', name, line: lineOf(declaration), members: namespaceMembers(binding, name) };
      case 'const': {
        if (binding.destructured || !binding.initializer) break;
        const init = skipWrappers(binding.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return functionEntry(init, name);
        // Without g or y, test and exec neither read nor leave lastIndex: the same answer for the same string.
        if (ts.isRegularExpressionLiteral(init) && !/[gy]/.test(init.text.slice(init.text.lastIndexOf('/') + 1))) return { kind: 'constant', name, line: lineOf(declaration), regex: true };
        const kind = inputs.constantKind(binding);
        if (kind === 'table') return { kind: 'constant', name, line: lineOf(declaration) };
        if (kind === 'none' && inputs.isPrimitive(binding.initializer)) return { kind: 'constant', name, line: lineOf(declaration) };
        break;
      }
      default:
    }
    return { kind: 'value', name, line: lineOf(declaration) };
  };

  function staticMethods(cls: ts.ClassLikeDeclaration, prefix: string): Record<string, ExportEntry> {
    const members = Object.create(null) as Record<string, ExportEntry>;
    const seen = new Set<string>();
    for (const member of cls.members) {
      if (!(ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) || !member.name || !ts.isIdentifier(member.name)) continue;
      const name = member.name.text;
      // A name declared twice (overloads aside) is not one function.
      if (seen.has(name) && !(ts.isMethodDeclaration(member) && !member.body)) {
        members[name] = { kind: 'value', name: `${prefix}.${name}`, line: lineOf(member) };
        continue;
      }
      seen.add(name);
      if (ts.isMethodDeclaration(member) && member.body) members[name] = functionEntry(member, `${prefix}.${name}`);
      else if (!ts.isMethodDeclaration(member)) members[name] = { kind: 'value', name: `${prefix}.${name}`, line: lineOf(member) };
    }
    return members;
  }

  /** Its construction only initialises the new object: a constructor reported `initializesThis`. */
  function initializingClass(cls: ts.ClassLikeDeclaration): boolean {
    const ctor = cls.members.find((member) => ts.isConstructorDeclaration(member) && member.body !== undefined);
    return ctor !== undefined && geneAt.get(ctor.getStart(sf))?.initializesThis === true;
  }

  function instanceMembers(cls: ts.ClassLikeDeclaration, prefix: string): Record<string, ExportEntry> {
    const members = Object.create(null) as Record<string, ExportEntry>;
    const seen = new Set<string>();
    for (const member of cls.members) {
      if (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static || !member.name || !ts.isIdentifier(member.name)) continue;
      if (ts.isMethodDeclaration(member) && !member.body) continue; // an overload signature
      if (ts.isSetAccessorDeclaration(member)) continue; // reads and calls never run a setter
      const name = member.name.text;
      const qualified = `${prefix}.${name}`;
      const gene = (ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member)) && member.body ? geneAt.get(member.getStart(sf)) : undefined;
      if (seen.has(name) || !gene) {
        members[name] = { kind: 'value', name: qualified, line: lineOf(member) };
        seen.add(name);
        continue;
      }
      seen.add(name);
      const cause = gene.purity === 'impure' ? gene.reasons[0]?.message : undefined;
      members[name] = { kind: 'function', name: qualified, line: gene.line, purity: gene.purity, ...(cause ? { cause } : {}), ...(ts.isGetAccessorDeclaration(member) ? { accessor: true } : {}) };
    }
    return members;
  }

  function namespaceMembers(binding: Binding, prefix: string): Record<string, ExportEntry> {
    const members = Object.create(null) as Record<string, ExportEntry>;
    if (!binding.members) return members;
    for (const inner of binding.members.names.values()) {
      if (!isExportedDeclaration(inner.declaration)) continue;
      members[inner.name] = inner.writes.length > 0 ? { kind: 'value', name: `${prefix}.${inner.name}`, line: lineOf(inner.declaration) } : describe(inner, `${prefix}.${inner.name}`);
    }
    return members;
  }

  const local = (name: string) => model.fileScope.names.get(name);
  for (const statement of sf.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) continue;
      const specifier = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      const clause = statement.exportClause;
      if (!clause) {
        if (specifier !== undefined) summary.stars.push(specifier);
      } else if (ts.isNamespaceExport(clause)) {
        if (specifier !== undefined) summary.exports[clause.name.text] = { kind: 'reexport', specifier, imported: '*' };
      } else {
        for (const element of clause.elements) {
          if (element.isTypeOnly) continue;
          const exported = element.name.text;
          const source = (element.propertyName ?? element.name).text;
          if (specifier !== undefined) summary.exports[exported] = { kind: 'reexport', specifier, imported: source };
          else {
            const binding = local(source);
            if (binding) summary.exports[exported] = binding.writes.length > 0 ? { kind: 'value', name: exported, line: lineOf(element) } : describe(binding, exported);
          }
        }
      }
      continue;
    }
    if (ts.isExportAssignment(statement)) {
      if (statement.isExportEquals) continue;
      const expression = skipWrappers(statement.expression);
      const binding = ts.isIdentifier(expression) ? inputs.bindingOf.get(expression) ?? local(expression.text) : undefined;
      summary.exports.default = binding ? describe(binding, 'default') : ts.isArrowFunction(expression) || ts.isFunctionExpression(expression) ? functionEntry(expression, 'default') : { kind: 'value', name: 'default', line: lineOf(statement) };
      continue;
    }
    if (!isExportedDeclaration(statement)) continue;
    const isDefault = ts.getCombinedModifierFlags(statement as unknown as ts.Declaration) & ts.ModifierFlags.Default;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) continue;
        const binding = local(declaration.name.text);
        if (!binding) continue;
        if (binding.kind === 'let' && binding.writes.length === 0 && binding.initializer && !binding.destructured && inputs.isPrimitive(binding.initializer)) summary.exports[binding.name] = { kind: 'constant', name: binding.name, line: lineOf(declaration), moduleLet: true };
        else summary.exports[binding.name] = binding.writes.length > 0 || binding.kind !== 'const' ? { kind: 'value', name: binding.name, line: lineOf(declaration) } : describe(binding, binding.name);
      }
      continue;
    }
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && isDefault) {
      if (ts.isFunctionDeclaration(statement)) summary.exports.default = statement.body ? functionEntry(statement, 'default') : { kind: 'value', name: 'default', line: lineOf(statement) };
      else summary.exports.default = { kind: 'container', name: 'default', line: lineOf(statement), members: staticMethods(statement, statement.name?.text ?? 'default'), instance: instanceMembers(statement, statement.name?.text ?? 'default') };
      if (!statement.name) continue;
    }
    const name = (statement as ts.FunctionDeclaration | ts.ClassDeclaration | ts.EnumDeclaration | ts.ModuleDeclaration).name;
    if (!name || !ts.isIdentifier(name) || isDefault) continue;
    const binding = local(name.text);
    if (binding) summary.exports[name.text] = binding.writes.length > 0 ? { kind: 'value', name: name.text, line: lineOf(statement) } : describe(binding, name.text);
  }
  return summary;
}

function isExportedDeclaration(node: ts.Node): boolean {
  let statement: ts.Node | undefined = node;
  while (statement && ts.isVariableDeclaration(statement)) statement = statement.parent.parent;
  if (!statement || !(ts.isVariableStatement(statement) || ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement))) return false;
  return ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true;
}

function skipWrappers(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current)) current = current.expression;
  return current;
}
