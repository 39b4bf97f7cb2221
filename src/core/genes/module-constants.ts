// Module constants: a `const` table of primitives that nothing in the file mutates or hands out, a deep
// Object.freeze, an `as const` literal, or a RegExp without the g/y flags used only to match. Reading one is pure.
import ts from 'typescript';
import { MUTATING_METHODS } from './builtins';
import type { Binding } from './collect';
import { isWriteTarget } from './receiver';

/** The string methods that take a RegExp argument and, without g/y, leave its lastIndex alone. */
const REGEX_TAKING_METHODS = new Set(['replace', 'replaceAll', 'match', 'search', 'split']);

export type ConstantKind = 'table' | 'regex' | 'stateful-regex' | 'none';

export class ModuleConstants {
  private readonly kinds = new Map<Binding, ConstantKind>();
  private referencesByBinding: Map<Binding, ts.Identifier[]> | undefined;
  private exported: Set<string> | undefined;

  constructor(
    private readonly sourceFile: ts.SourceFile,
    private readonly bindingOf: ReadonlyMap<ts.Identifier, Binding | undefined>,
    /** Decides a leaf value: literals, enum members, other constants. */
    private readonly isPrimitive: (expression: ts.Expression) => boolean,
  ) {}

  /** What a const binding declared at module (or namespace) level holds, for purity. */
  kindOf(binding: Binding): ConstantKind {
    let kind = this.kinds.get(binding);
    if (kind === undefined) {
      kind = this.classify(binding);
      this.kinds.set(binding, kind);
    }
    return kind;
  }

  private classify(binding: Binding): ConstantKind {
    if (binding.kind !== 'const' || binding.destructured || !binding.initializer || binding.scope.owner) return 'none';
    let init: ts.Expression = binding.initializer;
    let asConst = false;
    for (;;) {
      if (ts.isAsExpression(init) || ts.isTypeAssertionExpression(init)) {
        if (ts.isTypeReferenceNode(init.type) && init.type.typeName.getText(this.sourceFile) === 'const') asConst = true;
        init = init.expression;
      } else if (ts.isParenthesizedExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
      else break;
    }
    if (ts.isRegularExpressionLiteral(init)) {
      const flags = init.text.slice(init.text.lastIndexOf('/') + 1);
      if (/[gy]/.test(flags)) return 'stateful-regex';
      return !this.isExported(binding) && this.usedOnlyToMatch(binding) ? 'regex' : 'none';
    }
    if (this.isPrimitiveCollection(init)) return !this.isExported(binding) && this.usedOnlyToLookUp(binding) ? 'table' : 'none';
    if (isFreezeCall(init)) return this.deepDepth(init.arguments[0]!, true) > 0 ? 'table' : 'none';
    const depth = this.deepDepth(init, false);
    if (depth === 0) return 'none';
    if (asConst) return 'table';
    return !this.isExported(binding) && this.usedOnlyToRead(binding, depth) ? 'table' : 'none';
  }

  /** How deep a literal of primitives nests (1 = flat), or 0 when some value is not a primitive or a literal. */
  private deepDepth(node: ts.Expression, frozen: boolean): number {
    let expression = node;
    while (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression)) expression = expression.expression;
    if (frozen && isFreezeCall(expression)) expression = expression.arguments[0]!;
    const values: ts.Expression[] = [];
    if (ts.isArrayLiteralExpression(expression)) values.push(...expression.elements);
    else if (ts.isObjectLiteralExpression(expression)) {
      for (const property of expression.properties) {
        if (!ts.isPropertyAssignment(property) || ts.isComputedPropertyName(property.name)) return 0;
        values.push(property.initializer);
      }
    } else return 0;
    let depth = 1;
    for (const value of values) {
      if (ts.isSpreadElement(value)) return 0;
      const inner = skipWrappers(value);
      if (frozen && !isFreezeCall(inner) && (ts.isObjectLiteralExpression(inner) || ts.isArrayLiteralExpression(inner))) return 0; // Object.freeze is shallow
      if (ts.isObjectLiteralExpression(inner) || ts.isArrayLiteralExpression(inner) || isFreezeCall(inner)) {
        const nested = this.deepDepth(value, frozen);
        if (nested === 0) return 0;
        depth = Math.max(depth, nested + 1);
      } else if (!this.isPrimitive(value)) return 0;
    }
    return depth;
  }

  /** Every use reads: `T.a`, `T[k]`, `T.includes(x)`, `for (… of T)`, `k in T`, `...T`; values at less than full depth are not handed out. */
  private usedOnlyToRead(binding: Binding, depth: number): boolean {
    return this.referencesOf(binding).every((id) => {
      let top: ts.Node = id;
      let length = 0;
      for (;;) {
        const parent = skipUp(top);
        if (!(ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) || parent.expression !== outermost(top)) break;
        top = parent;
        length++;
      }
      if (isWriteTarget(outermost(top))) return false;
      const parent = skipUp(top);
      if (ts.isCallExpression(parent) && length > 0 && skipWrappers(parent.expression) === top) {
        const method = ts.isPropertyAccessExpression(top) ? top.name.text : undefined;
        // `T.a.push(x)` changes T; `T.a.includes(x)` reads it.
        return method !== undefined && !MUTATING_METHODS.has(method);
      }
      if (length >= depth) return true;
      return isReadOnlyPosition(outermost(top), length + 1 >= depth);
    });
  }

  /** `new Map([[k, v], …])` or `new Set([k, …])` of the global Map or Set, keys and values primitives. */
  private isPrimitiveCollection(init: ts.Expression): boolean {
    if (!ts.isNewExpression(init) || !ts.isIdentifier(init.expression) || !this.bindingOf.has(init.expression) || this.bindingOf.get(init.expression)) return false;
    const kind = init.expression.text;
    if (kind !== 'Map' && kind !== 'Set') return false;
    const args = init.arguments ?? [];
    if (args.length === 0) return true;
    const entries = skipWrappers(args[0]!);
    if (args.length > 1 || !ts.isArrayLiteralExpression(entries)) return false;
    return entries.elements.every((element) => {
      if (kind === 'Set') return !ts.isSpreadElement(element) && this.isPrimitive(element);
      const pair = skipWrappers(element);
      return ts.isArrayLiteralExpression(pair) && pair.elements.length === 2 && pair.elements.every((part) => !ts.isSpreadElement(part) && this.isPrimitive(part));
    });
  }

  /** Every use looks up: `T.get(k)`, `T.has(k)`, `T.size`. */
  private usedOnlyToLookUp(binding: Binding): boolean {
    return this.referencesOf(binding).every((id) => {
      const parent = skipUp(id);
      if (!ts.isPropertyAccessExpression(parent) || parent.expression !== outermost(id)) return false;
      const member = parent.name.text;
      if (member === 'size') return !isWriteTarget(outermost(parent));
      const call = skipUp(parent);
      return (member === 'get' || member === 'has') && ts.isCallExpression(call) && skipWrappers(call.expression) === parent;
    });
  }

  private usedOnlyToMatch(binding: Binding): boolean {
    return this.referencesOf(binding).every((id) => {
      const parent = skipUp(id);
      if (ts.isPropertyAccessExpression(parent)) {
        const member = parent.name.text;
        if (member === 'source' || member === 'flags') return !isWriteTarget(outermost(parent));
        return (member === 'test' || member === 'exec') && ts.isCallExpression(skipUp(parent));
      }
      // An argument of `s.replace(RE, …)`, `s.split(RE)`.
      if (ts.isCallExpression(parent) && parent.arguments.some((a) => skipWrappers(a) === id)) {
        const callee = skipWrappers(parent.expression);
        return ts.isPropertyAccessExpression(callee) && REGEX_TAKING_METHODS.has(callee.name.text);
      }
      return false;
    });
  }

  private referencesOf(binding: Binding): ts.Identifier[] {
    if (!this.referencesByBinding) {
      this.referencesByBinding = new Map();
      for (const [id, target] of this.bindingOf) {
        if (!target || target.kind !== 'const' || target.scope.owner) continue;
        let list = this.referencesByBinding.get(target);
        if (!list) this.referencesByBinding.set(target, (list = []));
        list.push(id);
      }
    }
    return this.referencesByBinding.get(binding) ?? [];
  }

  /** Exported by a modifier, `export { T }` or `export default T`: other files could change it. */
  private isExported(binding: Binding): boolean {
    let statement: ts.Node | undefined = binding.declaration;
    while (statement && !ts.isVariableStatement(statement)) statement = statement.parent;
    if (statement && ts.getModifiers(statement as ts.VariableStatement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return true;
    if (!this.exported) {
      this.exported = new Set();
      for (const s of this.sourceFile.statements) {
        if (ts.isExportDeclaration(s) && !s.moduleSpecifier && s.exportClause && ts.isNamedExports(s.exportClause)) {
          for (const element of s.exportClause.elements) this.exported.add((element.propertyName ?? element.name).text);
        } else if (ts.isExportAssignment(s) && ts.isIdentifier(skipWrappers(s.expression))) this.exported.add((skipWrappers(s.expression) as ts.Identifier).text);
      }
    }
    return this.exported.has(binding.name);
  }
}

function isFreezeCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return false;
  const callee = node.expression;
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object' && callee.name.text === 'freeze';
}

function skipWrappers(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current)) current = current.expression;
  return current;
}

/** The parent of `node` above any parentheses and type assertions around it. */
function skipUp(node: ts.Node): ts.Node {
  return outermost(node).parent;
}

function outermost(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isSatisfiesExpression(current.parent) || ts.isNonNullExpression(current.parent) || ts.isTypeAssertionExpression(current.parent)) current = current.parent;
  return current;
}

/** Positions that read a value without keeping or changing it: `k in T`, a comparison, `Object.keys(T)`; and, when its elements are primitives, `for (… of T)`, `[...T]`, `Object.values(T)`. */
function isReadOnlyPosition(node: ts.Node, primitiveElements: boolean): boolean {
  const parent = node.parent;
  if (ts.isForOfStatement(parent)) return parent.expression === node && primitiveElements;
  if (ts.isForInStatement(parent)) return parent.expression === node;
  if (ts.isSpreadElement(parent)) return primitiveElements;
  if (ts.isCallExpression(parent) && parent.arguments.length === 1 && parent.arguments[0] === node) {
    const callee = skipWrappers(parent.expression);
    if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Object') return false;
    return callee.name.text === 'keys' || ((callee.name.text === 'values' || callee.name.text === 'entries') && primitiveElements);
  }
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return (op === ts.SyntaxKind.InKeyword && parent.right === node) || op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken;
  }
  return false;
}
