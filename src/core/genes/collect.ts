// One iterative pass over a parsed file: functions with their names, scopes with their bindings, and every
// reference and effect-bearing construct inside a function, for the purity analysis to classify afterwards.
import ts from 'typescript';
import type { CancellationToken, FileErrorCode, GeneKind } from './types';

export type BindingKind = 'var' | 'let' | 'const' | 'param' | 'function' | 'class' | 'enum' | 'namespace' | 'import' | 'catch';

export interface Scope {
  parent: Scope | undefined;
  /** The innermost function this scope belongs to; undefined at file and namespace level. */
  owner: FunctionInfo | undefined;
  functionScope: boolean;
  names: Map<string, Binding>;
}

/** One assignment to a binding: `=` keeps its value (for freshness and types); others only count. */
export interface Write {
  operator: ts.SyntaxKind;
  value: ts.Expression | undefined;
}

export interface Binding {
  name: string;
  kind: BindingKind;
  declaration: ts.Node;
  scope: Scope;
  initializer: ts.Expression | undefined;
  typeNode: ts.TypeNode | undefined;
  /** Assignments after the declaration (filled by the analysis). */
  writes: Write[];
  /** Declared through a destructuring pattern: its value is a piece of something else. */
  destructured: boolean;
  /** The namespace body, for `Namespace.member` lookups. */
  members: Scope | undefined;
  /** Module specifier of an import. */
  module: string | undefined;
  /** An enum merged with this namespace (`enum Severity {…}` and `namespace Severity {…}`): its members are constants. */
  mergedEnum?: ts.EnumDeclaration;
  /** What an import binds: the exported name, `default`, or `*` for the whole module (`import * as m`, `import m = require()`). */
  imported?: string;
}

export interface FunctionInfo {
  index: number;
  node: ts.FunctionLikeDeclaration;
  parent: FunctionInfo | undefined;
  scope: Scope;
  name: string;
  kind: GeneKind;
}

export interface Reference {
  id: ts.Identifier;
  scope: Scope;
  /** Undefined at module level: such references only matter for what they assign. */
  fn: FunctionInfo | undefined;
}

export type EventKind = 'this' | 'await' | 'yield' | 'throw' | 'with' | 'jsx' | 'meta' | 'call' | 'new' | 'delete' | 'property-write';

export interface MemberRead {
  /** The property name as written: the name of a property access or of a destructuring element. */
  name: ts.Identifier;
  fn: FunctionInfo;
}

export interface Event {
  kind: EventKind;
  node: ts.Node;
  fn: FunctionInfo;
}

export interface FileModel {
  sourceFile: ts.SourceFile;
  functions: FunctionInfo[];
  /** Function declarations without a body: overloads, abstract methods, or a body lost to a syntax error. */
  bodiless: { node: ts.FunctionLikeDeclaration; name: string; kind: GeneKind }[];
  functionByNode: Map<ts.Node, FunctionInfo>;
  references: Reference[];
  events: Event[];
  /** Property names read inside functions (`p.name`, `const { name } = p`): a getter of that name may run. */
  memberReads: MemberRead[];
  /** The module's own scope: what it declares, imports and exports. */
  fileScope: Scope;
}

export type CollectResult = { ok: true; model: FileModel } | { ok: false; code: FileErrorCode; message: string };

export interface Budget {
  deadline?: number;
  cancellation?: CancellationToken;
}

const CHECK_EVERY = 2048;

export function collect(sourceFile: ts.SourceFile, budget: Budget): CollectResult {
  const functions: FunctionInfo[] = [];
  const bodiless: FileModel['bodiless'] = [];
  const functionByNode = new Map<ts.Node, FunctionInfo>();
  const references: Reference[] = [];
  const events: Event[] = [];
  const memberReads: MemberRead[] = [];
  const fileScope = newScope(undefined, undefined, true);
  // Parallel stacks instead of one frame object per node: this walk runs over every node of every file.
  const nodes: ts.Node[] = [sourceFile];
  const scopes: Scope[] = [fileScope];
  const fns: (FunctionInfo | undefined)[] = [undefined];
  const prefixes: string[] = [''];
  let visited = 0;
  let childScope = fileScope;
  let childFn: FunctionInfo | undefined;
  let childPrefix = '';
  // One callback for the whole walk; children come off the stack reversed, and functions are sorted afterwards.
  const pushChild = (child: ts.Node): undefined => {
    nodes.push(child);
    scopes.push(childScope);
    fns.push(childFn);
    prefixes.push(childPrefix);
    return undefined;
  };

  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const scope = scopes.pop()!;
    const fn = fns.pop();
    const prefix = prefixes.pop()!;
    if (++visited % CHECK_EVERY === 0) {
      if (budget.cancellation?.isCancellationRequested) return { ok: false, code: 'cancelled', message: 'the analysis was cancelled' };
      if (budget.deadline !== undefined && Date.now() > budget.deadline) return { ok: false, code: 'budget-exceeded', message: 'the analysis ran out of its time budget' };
    }
    const kind = node.kind;
    if (kind === IDENTIFIER) {
      if (isReferenceIdentifier(node as ts.Identifier)) references.push({ id: node as ts.Identifier, scope, fn });
      else if (fn && isMemberReadName(node as ts.Identifier)) memberReads.push({ name: node as ts.Identifier, fn });
      continue;
    }
    const traits = KIND_TRAITS[kind]!;
    if (traits & SKIPPED) continue;

    childScope = scope;
    childFn = fn;
    childPrefix = prefix;

    if (traits === 0) {
      // Most nodes (expressions, statements without bindings) only pass their context on to their children.
    } else if (traits & GENE_KIND && (node as ts.FunctionLikeDeclaration).body !== undefined) {
      const geneNode = node as ts.FunctionLikeDeclaration;
      const name = joinName(prefix, functionName(geneNode));
      const info: FunctionInfo = { index: functions.length, node: geneNode, parent: fn, scope: undefined!, name, kind: geneKind(geneNode) };
      info.scope = newScope(scope, info, true);
      functions.push(info);
      functionByNode.set(geneNode, info);
      if (ts.isFunctionDeclaration(geneNode) && geneNode.name) declare(scope, geneNode.name.text, 'function', geneNode);
      if (ts.isFunctionExpression(geneNode) && geneNode.name) declare(info.scope, geneNode.name.text, 'function', geneNode);
      childScope = info.scope;
      childFn = info;
      childPrefix = name;
    } else if (traits & FUNCTION_LIKE) {
      // Overloads and signatures: no body, nothing runs. A declaration may also have lost its body to a syntax error.
      if (isBodilessDeclaration(node)) bodiless.push({ node, name: joinName(prefix, functionName(node)), kind: geneKind(node) });
      continue;
    } else {
      if (createsBlockScope(node)) childScope = newScope(scope, fn, false);
      childPrefix = containerPrefix(node, prefix);
      declareFrom(node, scope, sourceFile);
      if (ts.isModuleDeclaration(node) && node.body && ts.isModuleBlock(node.body)) {
        childScope = newScope(scope, fn, true);
        const binding = scope.names.get(node.name.getText(sourceFile));
        if (binding && binding.kind === 'namespace') binding.members = childScope;
      }
      if (fn) recordEvent(node, fn, events);
    }

    ts.forEachChild(node, pushChild);
  }
  functions.sort((a, b) => a.node.pos - b.node.pos);
  functions.forEach((info, index) => {
    info.index = index;
  });
  return { ok: true, model: { sourceFile, functions, bodiless, functionByNode, references, events, memberReads, fileScope } };
}

const IDENTIFIER = ts.SyntaxKind.Identifier;
/** Per syntax kind, what the walk must do with a node of that kind; 0 for the many kinds it only passes through. */
const SKIPPED = 1;
const GENE_KIND = 2;
const FUNCTION_LIKE = 4;
/** Opens a scope, names a container, declares a binding or records an event: handled by the general branch. */
const SPECIAL = 8;
const SPECIAL_KINDS: readonly ts.SyntaxKind[] = [
  // createsBlockScope
  ts.SyntaxKind.Block, ts.SyntaxKind.ForStatement, ts.SyntaxKind.ForInStatement, ts.SyntaxKind.ForOfStatement, ts.SyntaxKind.CaseBlock, ts.SyntaxKind.CatchClause,
  // containerPrefix
  ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.ClassExpression, ts.SyntaxKind.ObjectLiteralExpression, ts.SyntaxKind.ModuleDeclaration,
  // declareFrom
  ts.SyntaxKind.VariableDeclaration, ts.SyntaxKind.Parameter, ts.SyntaxKind.EnumDeclaration, ts.SyntaxKind.ImportClause, ts.SyntaxKind.NamespaceImport,
  ts.SyntaxKind.ImportSpecifier, ts.SyntaxKind.ImportEqualsDeclaration,
  // recordEvent
  ts.SyntaxKind.ThisKeyword, ts.SyntaxKind.SuperKeyword, ts.SyntaxKind.AwaitExpression, ts.SyntaxKind.YieldExpression, ts.SyntaxKind.ThrowStatement, ts.SyntaxKind.WithStatement,
  ts.SyntaxKind.JsxElement, ts.SyntaxKind.JsxSelfClosingElement, ts.SyntaxKind.JsxFragment, ts.SyntaxKind.MetaProperty, ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.TaggedTemplateExpression, ts.SyntaxKind.NewExpression, ts.SyntaxKind.DeleteExpression, ts.SyntaxKind.BinaryExpression,
  ts.SyntaxKind.PrefixUnaryExpression, ts.SyntaxKind.PostfixUnaryExpression,
];
// The predicates used here look only at `kind`, so a table built once replaces several calls per node.
const KIND_TRAITS: Uint8Array = (() => {
  const traits = new Uint8Array(ts.SyntaxKind.Count);
  for (let kind = 0; kind < ts.SyntaxKind.Count; kind++) {
    const probe = { kind } as ts.Node;
    if (isSkipped(probe)) traits[kind]! |= SKIPPED;
    if (isGeneKind(kind)) traits[kind]! |= GENE_KIND;
    if (ts.isFunctionLike(probe)) traits[kind]! |= FUNCTION_LIKE;
  }
  for (const kind of SPECIAL_KINDS) traits[kind]! |= SPECIAL;
  return traits;
})();

function isGeneKind(kind: ts.SyntaxKind): boolean {
  switch (kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.Constructor:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
      return true;
    default:
      return false;
  }
}

function newScope(parent: Scope | undefined, owner: FunctionInfo | undefined, functionScope: boolean): Scope {
  return { parent, owner, functionScope, names: new Map() };
}

/** Types, interfaces and the like hold no code that runs. */
function isSkipped(node: ts.Node): boolean {
  if (ts.isTypeNode(node)) return !ts.isExpressionWithTypeArguments(node);
  return ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isTypeParameterDeclaration(node);
}

export function isGeneNode(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return isGeneKind(node.kind) && (node as ts.FunctionLikeDeclaration).body !== undefined;
}

function isBodilessDeclaration(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);
}

// Every kind this handles must be listed in SPECIAL_KINDS, or the walk never calls it for that kind.
function createsBlockScope(node: ts.Node): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.Block:
      return !isGeneNode(node.parent);
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.CaseBlock:
    case ts.SyntaxKind.CatchClause:
      return true;
    default:
      return false;
  }
}

function geneKind(node: ts.FunctionLikeDeclaration): GeneKind {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
      return 'function';
    case ts.SyntaxKind.FunctionExpression:
      return 'function-expression';
    case ts.SyntaxKind.ArrowFunction:
      return 'arrow';
    case ts.SyntaxKind.Constructor:
      return 'constructor';
    case ts.SyntaxKind.GetAccessor:
      return 'getter';
    case ts.SyntaxKind.SetAccessor:
      return 'setter';
    default:
      if (ts.isObjectLiteralExpression(node.parent)) return 'object-method';
      return ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Static ? 'static-method' : 'method';
  }
}

function joinName(prefix: string, segment: string): string {
  return prefix ? `${prefix}.${segment}` : segment;
}

export function propertyNameText(name: ts.PropertyName | ts.BindingName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return `[${name.expression.getText()}]`;
  return undefined;
}

/** The outermost expression a value stands in, past parentheses and type assertions. */
export function skipOuterWrappers(node: ts.Node): ts.Node {
  let current = node;
  while (
    ts.isParenthesizedExpression(current.parent) ||
    ts.isAsExpression(current.parent) ||
    ts.isSatisfiesExpression(current.parent) ||
    ts.isNonNullExpression(current.parent) ||
    ts.isTypeAssertionExpression(current.parent)
  ) {
    current = current.parent;
  }
  return current;
}

/** The name a value gets from where it is written: `const x = …`, `{ x: … }`, `a.b.x = …`, `export default …`. */
function nameFromPosition(node: ts.Node): string | undefined {
  const outer = skipOuterWrappers(node);
  const parent = outer.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === outer) return propertyNameText(parent.name);
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === outer) return propertyNameText(parent.name);
  if (ts.isBinaryExpression(parent) && parent.right === outer && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && isEntityChain(parent.left)) return parent.left.getText();
  if (ts.isExportAssignment(parent)) return 'default';
  return undefined;
}

function isEntityChain(node: ts.Expression): boolean {
  let current = node;
  while (ts.isPropertyAccessExpression(current)) current = current.expression;
  return ts.isIdentifier(current) || current.kind === ts.SyntaxKind.ThisKeyword;
}

function functionName(node: ts.FunctionLikeDeclaration): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) return propertyNameText(node.name) ?? '<anonymous>';
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? 'default';
  return nameFromPosition(node) ?? (ts.isFunctionExpression(node) && node.name ? node.name.text : '<anonymous>');
}

/** The name prefix that a class, named object literal or namespace gives to the functions inside it. */
// Every kind this handles must be listed in SPECIAL_KINDS, or the walk never calls it for that kind.
function containerPrefix(node: ts.Node, prefix: string): string {
  if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
    return joinName(prefix, node.name?.text ?? nameFromPosition(node) ?? (ts.isClassDeclaration(node) ? 'default' : '<anonymous>'));
  }
  if (ts.isObjectLiteralExpression(node)) {
    const name = nameFromPosition(node);
    return name === undefined ? prefix : joinName(prefix, name);
  }
  if (ts.isModuleDeclaration(node)) return joinName(prefix, node.name.getText());
  return prefix;
}

function declare(scope: Scope, name: string, kind: BindingKind, declaration: ts.Node, extra?: Partial<Binding>): Binding {
  const existing = scope.names.get(name);
  // An overload signature came first: the implementation is the binding's function.
  if (existing && kind === 'function' && existing.kind === 'function' && (existing.declaration as ts.FunctionDeclaration).body === undefined) existing.declaration = declaration;
  if (existing && ((existing.kind === 'enum' && kind === 'namespace') || (existing.kind === 'namespace' && kind === 'enum'))) {
    // A namespace merged with an enum: its functions are the namespace's, whichever declaration the walk met first.
    if (kind === 'namespace') {
      existing.mergedEnum = existing.declaration as ts.EnumDeclaration;
      existing.kind = 'namespace';
      existing.declaration = declaration;
    } else existing.mergedEnum = declaration as ts.EnumDeclaration;
    return existing;
  }
  if (existing) {
    // Redeclared `var`: its initializer is just another assignment.
    if (kind === 'var' && extra?.initializer) existing.writes.push({ operator: ts.SyntaxKind.EqualsToken, value: extra.initializer });
    return existing;
  }
  const binding: Binding = { name, kind, declaration, scope, initializer: undefined, typeNode: undefined, writes: [], destructured: false, members: undefined, module: undefined, ...extra };
  scope.names.set(name, binding);
  return binding;
}

function hoistTarget(scope: Scope): Scope {
  let current = scope;
  while (!current.functionScope && current.parent) current = current.parent;
  return current;
}

/** Declares every identifier of a binding pattern, iteratively. */
function declarePattern(scope: Scope, name: ts.BindingName, kind: BindingKind, declaration: ts.Node, initializer: ts.Expression | undefined, typeNode: ts.TypeNode | undefined): void {
  if (ts.isIdentifier(name)) {
    declare(scope, name.text, kind, declaration, { initializer, typeNode });
    return;
  }
  const pending: ts.BindingName[] = [name];
  while (pending.length > 0) {
    const pattern = pending.pop()!;
    if (ts.isIdentifier(pattern)) {
      declare(scope, pattern.text, kind, declaration, { destructured: true });
      continue;
    }
    for (const element of pattern.elements) if (ts.isBindingElement(element)) pending.push(element.name);
  }
}

// Every kind this handles must be listed in SPECIAL_KINDS, or the walk never calls it for that kind.
function declareFrom(node: ts.Node, scope: Scope, sourceFile: ts.SourceFile): void {
  switch (node.kind) {
    case ts.SyntaxKind.VariableDeclaration: {
      const declaration = node as ts.VariableDeclaration;
      const list = declaration.parent;
      if (ts.isCatchClause(list)) {
        declarePattern(scope, declaration.name, 'catch', declaration, undefined, undefined);
        return;
      }
      const flags = list.flags;
      const kind: BindingKind = flags & ts.NodeFlags.Const || flags & ts.NodeFlags.Using ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
      const loop = list.parent && (ts.isForOfStatement(list.parent) || ts.isForInStatement(list.parent)) ? list.parent : undefined;
      // A for-of/for-in variable takes a fresh value from the iterated object on each turn: not an initializer.
      const target = kind === 'var' ? hoistTarget(scope) : scope;
      declarePattern(target, declaration.name, loop ? 'let' : kind, declaration, loop ? undefined : declaration.initializer, declaration.type);
      if (loop && ts.isIdentifier(declaration.name)) target.names.get(declaration.name.text)!.destructured = true;
      return;
    }
    case ts.SyntaxKind.Parameter: {
      const parameter = node as ts.ParameterDeclaration;
      declarePattern(scope, parameter.name, 'param', parameter, undefined, parameter.type);
      return;
    }
    case ts.SyntaxKind.ClassDeclaration: {
      const name = (node as ts.ClassDeclaration).name;
      if (name) declare(scope, name.text, 'class', node);
      return;
    }
    case ts.SyntaxKind.EnumDeclaration:
      declare(scope, (node as ts.EnumDeclaration).name.text, 'enum', node);
      return;
    case ts.SyntaxKind.ModuleDeclaration: {
      const name = (node as ts.ModuleDeclaration).name;
      if (ts.isIdentifier(name) && !ts.isModuleDeclaration(node.parent)) declare(scope, name.text, 'namespace', node);
      return;
    }
    case ts.SyntaxKind.ImportClause:
    case ts.SyntaxKind.NamespaceImport:
    case ts.SyntaxKind.ImportSpecifier:
    case ts.SyntaxKind.ImportEqualsDeclaration: {
      const name = (node as ts.ImportClause).name;
      if (name) declare(scope, name.text, 'import', node, { module: importModule(node, sourceFile), imported: importedName(node) });
      return;
    }
    default:
  }
}

function importedName(node: ts.Node): string | undefined {
  if (ts.isImportSpecifier(node)) return (node.propertyName ?? node.name).text;
  if (ts.isImportClause(node)) return 'default';
  if (ts.isNamespaceImport(node)) return '*';
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) return '*';
  return undefined;
}

function importModule(node: ts.Node, sourceFile: ts.SourceFile): string | undefined {
  let current: ts.Node | undefined = node;
  while (current && !ts.isImportDeclaration(current) && !ts.isImportEqualsDeclaration(current)) current = current.parent;
  if (!current) return undefined;
  if (ts.isImportDeclaration(current)) return ts.isStringLiteral(current.moduleSpecifier) ? current.moduleSpecifier.text : undefined;
  if (ts.isExternalModuleReference(current.moduleReference) && ts.isStringLiteral(current.moduleReference.expression)) return current.moduleReference.expression.text;
  return current.moduleReference.getText(sourceFile);
}

// Every kind this handles must be listed in SPECIAL_KINDS, or the walk never calls it for that kind.
function recordEvent(node: ts.Node, fn: FunctionInfo, events: Event[]): void {
  switch (node.kind) {
    case ts.SyntaxKind.ThisKeyword:
    case ts.SyntaxKind.SuperKeyword:
      events.push({ kind: 'this', node, fn });
      return;
    case ts.SyntaxKind.AwaitExpression:
      events.push({ kind: 'await', node, fn });
      return;
    case ts.SyntaxKind.ForOfStatement:
      if ((node as ts.ForOfStatement).awaitModifier) events.push({ kind: 'await', node, fn });
      pushTargets((node as ts.ForOfStatement).initializer, node, fn, events);
      return;
    case ts.SyntaxKind.ForInStatement:
      pushTargets((node as ts.ForInStatement).initializer, node, fn, events);
      return;
    case ts.SyntaxKind.YieldExpression:
      events.push({ kind: 'yield', node, fn });
      return;
    case ts.SyntaxKind.ThrowStatement:
      events.push({ kind: 'throw', node, fn });
      return;
    case ts.SyntaxKind.WithStatement:
      events.push({ kind: 'with', node, fn });
      return;
    case ts.SyntaxKind.JsxElement:
    case ts.SyntaxKind.JsxSelfClosingElement:
    case ts.SyntaxKind.JsxFragment:
      if (!isJsx(node.parent)) events.push({ kind: 'jsx', node, fn });
      return;
    case ts.SyntaxKind.MetaProperty:
      events.push({ kind: 'meta', node, fn });
      return;
    case ts.SyntaxKind.CallExpression:
    case ts.SyntaxKind.TaggedTemplateExpression:
      events.push({ kind: 'call', node, fn });
      return;
    case ts.SyntaxKind.NewExpression:
      events.push({ kind: 'new', node, fn });
      return;
    case ts.SyntaxKind.DeleteExpression:
      events.push({ kind: 'delete', node, fn });
      return;
    case ts.SyntaxKind.BinaryExpression: {
      const binary = node as ts.BinaryExpression;
      if (isAssignmentOperator(binary.operatorToken.kind)) pushTargets(binary.left, node, fn, events);
      return;
    }
    case ts.SyntaxKind.PrefixUnaryExpression:
    case ts.SyntaxKind.PostfixUnaryExpression: {
      const unary = node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
      if (unary.operator === ts.SyntaxKind.PlusPlusToken || unary.operator === ts.SyntaxKind.MinusMinusToken) pushTargets(unary.operand, node, fn, events);
      return;
    }
    default:
  }
}

function isJsx(node: ts.Node): boolean {
  return ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node);
}

export function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** Property targets of an assignment, including those inside destructuring patterns; identifiers are references. */
function pushTargets(target: ts.Node, node: ts.Node, fn: FunctionInfo, events: Event[]): void {
  const pending: ts.Node[] = [target];
  while (pending.length > 0) {
    const current = skipInnerWrappers(pending.pop()!);
    if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) events.push({ kind: 'property-write', node: current, fn });
    else if (ts.isArrayLiteralExpression(current)) pending.push(...current.elements);
    else if (ts.isObjectLiteralExpression(current)) {
      for (const property of current.properties) {
        if (ts.isPropertyAssignment(property)) pending.push(property.initializer);
        else if (ts.isSpreadAssignment(property)) pending.push(property.expression);
      }
    } else if (ts.isSpreadElement(current)) pending.push(current.expression);
    else if (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.EqualsToken && current !== node) pending.push(current.left);
  }
}

/** The expression inside parentheses and type assertions. */
export function skipInnerWrappers(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current)) {
    current = current.expression;
  }
  return current;
}

/** The name of a property read from an object: `o.name`, or `{ name }` / `{ name: x }` in a destructuring pattern. */
function isMemberReadName(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === id;
  return ts.isBindingElement(parent) && ts.isObjectBindingPattern(parent.parent) && (parent.propertyName ?? parent.name) === id;
}

/** An identifier that names a value being used, not a declaration, property name, label or JSX tag. */
function isReferenceIdentifier(id: ts.Identifier): boolean {
  const parent = id.parent as ts.Node & { name?: ts.Node; propertyName?: ts.Node; label?: ts.Node; tagName?: ts.Node };
  if (ts.isShorthandPropertyAssignment(parent)) return parent.name === id;
  if (parent.name === id || parent.propertyName === id || parent.label === id || parent.tagName === id) return false;
  if (ts.isQualifiedName(parent) || ts.isExportSpecifier(parent)) return false;
  return true;
}
