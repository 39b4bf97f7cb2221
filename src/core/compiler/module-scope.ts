/**
 * Resolves a name that is not a local of the function being compiled: a module-level `const`, a gene
 * declared in the same file, a global (`Math`, `Number`, `Infinity`, `NaN`, …), or something refused
 * (a captured variable of an enclosing function, an import, a mutable module variable).
 */
import ts from 'typescript';

export type OuterBinding =
  | { kind: 'function'; node: ts.FunctionLikeDeclaration; name: string; declaration: ts.Node }
  | { kind: 'const'; initializer: ts.Expression; name: string; declaration: ts.VariableDeclaration }
  | { kind: 'global'; name: string }
  | { kind: 'enum'; declaration: ts.EnumDeclaration; name: string }
  /** A value import from a relative path: compile-gene looks for an enum of that name there. */
  | { kind: 'import'; name: string; importedName: string; specifier: string }
  | { kind: 'refused'; reason: string };

function isFunctionValue(node: ts.Expression): node is ts.ArrowFunction | ts.FunctionExpression {
  let inner = node;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  return ts.isArrowFunction(inner) || ts.isFunctionExpression(inner);
}

function unwrap(node: ts.Expression): ts.Expression {
  let inner = node;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  return inner;
}

/** The binding a statement list gives `name`, if any; `moduleLevel` says whether it is a module scope. */
function bindingIn(statements: readonly ts.Statement[], name: string, moduleLevel: boolean): OuterBinding | undefined {
  let found: OuterBinding | undefined;
  for (const statement of statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) {
      // Overloads: only the declaration with a body is the implementation.
      if (!statement.body) continue;
      if (!moduleLevel) return { kind: 'refused', reason: `'${name}' is a function of an enclosing scope (a closure)` };
      if (statement.asteriskToken || statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
        return { kind: 'refused', reason: `'${name}' is a generator or async function` };
      }
      return { kind: 'function', node: statement, name, declaration: statement };
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) {
          if (declarationBindsName(declaration.name, name)) return { kind: 'refused', reason: `'${name}' comes from a destructuring declaration` };
          continue;
        }
        if (declaration.name.text !== name) continue;
        if (!moduleLevel) return { kind: 'refused', reason: `'${name}' is a variable of an enclosing scope (a closure)` };
        const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
        if (!isConst) return { kind: 'refused', reason: `'${name}' is a mutable module variable` };
        if (!declaration.initializer) return { kind: 'refused', reason: `'${name}' has no initializer` };
        const init = unwrap(declaration.initializer);
        if (isFunctionValue(init)) return { kind: 'function', node: init, name, declaration };
        return { kind: 'const', initializer: declaration.initializer, name, declaration };
      }
    }
    if (ts.isEnumDeclaration(statement) && statement.name.text === name && moduleLevel) {
      found = found?.kind === 'enum' ? { kind: 'refused', reason: `'${name}' is an enum declared more than once` } : { kind: 'enum', declaration: statement, name };
    } else if ((ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && statement.name && ts.isIdentifier(statement.name) && statement.name.text === name) {
      found = { kind: 'refused', reason: `'${name}' is a ${ts.isClassDeclaration(statement) ? 'class' : ts.isEnumDeclaration(statement) ? 'enum' : 'namespace'}` };
    }
    if (ts.isImportDeclaration(statement) && importBindsName(statement, name)) return namedImport(statement, name) ?? { kind: 'refused', reason: `'${name}' is imported from another module` };
    if (ts.isImportEqualsDeclaration(statement) && statement.name.text === name) return { kind: 'refused', reason: `'${name}' is imported from another module` };
  }
  return found;
}

function declarationBindsName(pattern: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(pattern)) return pattern.text === name;
  return pattern.elements.some((element) => !ts.isOmittedExpression(element) && declarationBindsName(element.name, name));
}

function importBindsName(statement: ts.ImportDeclaration, name: string): boolean {
  const clause = statement.importClause;
  if (!clause) return false;
  if (clause.name?.text === name) return true;
  const bindings = clause.namedBindings;
  if (!bindings) return false;
  if (ts.isNamespaceImport(bindings)) return bindings.name.text === name;
  return bindings.elements.some((element) => element.name.text === name);
}

/** `import { X } from './x.js'` / `import { Y as X } …`: a value import by name from a relative path. */
function namedImport(statement: ts.ImportDeclaration, name: string): OuterBinding | undefined {
  const clause = statement.importClause;
  const bindings = clause?.namedBindings;
  if (!clause || clause.isTypeOnly || !bindings || !ts.isNamedImports(bindings) || !ts.isStringLiteral(statement.moduleSpecifier)) return undefined;
  const element = bindings.elements.find((e) => e.name.text === name);
  if (!element || element.isTypeOnly) return undefined;
  return { kind: 'import', name, importedName: (element.propertyName ?? element.name).text, specifier: statement.moduleSpecifier.text };
}

function parameterBinds(fn: ts.SignatureDeclaration, name: string): boolean {
  return fn.parameters.some((p) => declarationBindsName(p.name, name));
}

const GLOBALS = new Set(['Math', 'Number', 'String', 'Infinity', 'NaN', 'undefined', 'isNaN', 'isFinite', 'Boolean']);

/**
 * Looks `name` up from outside `fn`, walking its ancestors; the answers are cached per enclosing node, so a
 * file with many genes is scanned once per name.
 */
export class ModuleScope {
  private readonly cache = new Map<ts.Node, Map<string, OuterBinding>>();

  resolve(fn: ts.Node, name: string): OuterBinding {
    const start = fn.parent;
    if (!start) return GLOBALS.has(name) ? { kind: 'global', name } : { kind: 'refused', reason: `'${name}' is not defined in this file` };
    let perNode = this.cache.get(start);
    if (!perNode) this.cache.set(start, (perNode = new Map()));
    let binding = perNode.get(name);
    if (!binding) perNode.set(name, (binding = this.lookup(start, name)));
    return binding;
  }

  private lookup(from: ts.Node, name: string): OuterBinding {
    for (let node: ts.Node | undefined = from; node; node = node.parent) {
      let found: OuterBinding | undefined;
      if (ts.isSourceFile(node) || ts.isModuleBlock(node)) found = bindingIn(node.statements, name, true);
      else if (ts.isBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) found = bindingIn(node.statements, name, false);
      else if (ts.isFunctionLike(node) && parameterBinds(node, name)) found = { kind: 'refused', reason: `'${name}' is a parameter of an enclosing function (a closure)` };
      else if ((ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
        if (node.initializer.declarations.some((d) => declarationBindsName(d.name, name))) found = { kind: 'refused', reason: `'${name}' is a loop variable of an enclosing scope (a closure)` };
      }
      if (found) return found;
    }
    if (GLOBALS.has(name)) return { kind: 'global', name };
    return { kind: 'refused', reason: `'${name}' is not defined in this file (a free variable)` };
  }
}
