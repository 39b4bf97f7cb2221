import ts from 'typescript';
import { syntaxKindName } from './syntax-kind-names';

/**
 * The normalized labelled tree of a gene: the structure the protein hash fingerprints.
 *
 * Rewrites that count as the SAME structure (phash/v1):
 *  - layout, comments and other trivia (they are not in the syntax tree);
 *  - the gene's own name, and every name it binds: parameters become `param:i` by
 *    position, other bindings (locals, nested functions, catch variables, parameters of
 *    nested functions) become `local:j` in the order they are declared, a reference to the
 *    gene itself becomes `self` (T2: consistent renaming);
 *  - the function form: declaration, expression, arrow and method are all `Function`;
 *    a concise arrow body `x => e` is `x => { return e; }`;
 *  - a temporary returned at once: `const r = e; return r;` is `return e;`;
 *  - parentheses, type annotations, type arguments and parameters, `as`, `satisfies`,
 *    `<T>x` and `x!` (the tree already encodes precedence; types do not change behaviour);
 *  - `let` and `const` (both are "lexical"), quote style and escapes of string literals,
 *    the spelling of numbers (`0x10`, `16`, `1_6e0` are all `num:16`);
 *  - modifiers without runtime meaning (export, public, readonly, …); `async` and
 *    generators are kept.
 * Everything else is DIFFERENT structure: operators (`a + b` ≠ `a * b`), operand order
 * (`x - y` ≠ `y - x`), literal values, property names, free names (`Math.max` ≠
 * `Math.min`), statement order, `var` vs lexical declarations.
 */
export interface LabelledTree {
  /** Node labels in preorder; node 0 is the gene itself. */
  readonly labels: readonly string[];
  /** Parent index of each node; -1 for the root. Children of a node appear in source order. */
  readonly parents: readonly number[];
}

export interface NormalizeOptions {
  /** The name a reference to the gene itself uses (e.g. `fact` in `const fact = (n) => … fact(n - 1)`); taken from the node when it has one. */
  selfName?: string;
}

type Scope = Map<string, string>;
interface Chain {
  scope: Scope;
  next: Chain | undefined;
}
interface Synthetic {
  label: string;
  kids: Piece[];
}
type Piece = ts.Node | Synthetic;

interface Bindings {
  scopes: Map<ts.Node, Scope>;
  /** `const r = e;` declarations folded into the `return r;` that follows them. */
  inlined: Set<ts.VariableDeclaration>;
}

const LEXICAL = ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing;
const KEPT_MODIFIERS = new Set([ts.SyntaxKind.AsyncKeyword, ts.SyntaxKind.StaticKeyword]);
/** Punctuation that only spells syntax (or types) and carries no structure. */
const DROPPED_TOKENS = new Set([ts.SyntaxKind.QuestionToken, ts.SyntaxKind.ColonToken, ts.SyntaxKind.EqualsGreaterThanToken, ts.SyntaxKind.ExclamationToken, ts.SyntaxKind.EqualsToken]);

function isSynthetic(piece: Piece): piece is Synthetic {
  return (piece as Synthetic).kids !== undefined;
}

/** Strips wrappers that do not change structure: parentheses and type-only expressions. */
function unwrap(node: ts.Node): ts.Node {
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) {
    node = node.expression;
  }
  return node;
}

// Kind sets instead of chains of ts.is* calls: these run for every node of every gene.
const FUNCTION_KINDS = new Set([ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration, ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor]);
const BLOCK_SCOPE_KINDS = new Set([ts.SyntaxKind.Block, ts.SyntaxKind.CaseBlock, ts.SyntaxKind.ForStatement, ts.SyntaxKind.ForInStatement, ts.SyntaxKind.ForOfStatement, ts.SyntaxKind.CatchClause, ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.ClassExpression]);

function isFunctionNode(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return FUNCTION_KINDS.has(node.kind);
}

function createsBlockScope(node: ts.Node): boolean {
  return BLOCK_SCOPE_KINDS.has(node.kind);
}

/** `const r = e; return r;` → the declaration of r, when the pair can be read as `return e;`. */
function inlinableTemp(statement: ts.Statement, next: ts.Statement | undefined): ts.VariableDeclaration | undefined {
  if (!next || !ts.isVariableStatement(statement) || !ts.isReturnStatement(next) || !next.expression) return undefined;
  const list = statement.declarationList;
  if (list.declarations.length !== 1 || !(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) return undefined;
  const declaration = list.declarations[0]!;
  if (!ts.isIdentifier(declaration.name) || !declaration.initializer) return undefined;
  const returned = unwrap(next.expression);
  if (!ts.isIdentifier(returned) || returned.text !== declaration.name.text) return undefined;
  // A closure in the initializer may refer to the temporary itself (`const it = { next: () => it }`): not a plain temporary.
  return mentions(declaration.initializer, declaration.name.text) ? undefined : declaration;
}

function mentions(root: ts.Node, name: string): boolean {
  const stack: ts.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (ts.isIdentifier(node) && node.text === name) return true;
    ts.forEachChild(node, (child) => {
      stack.push(child);
    });
  }
  return false;
}

function selfNameOf(root: ts.FunctionLikeDeclaration, options: NormalizeOptions): string | undefined {
  if (options.selfName !== undefined) return options.selfName;
  return (ts.isFunctionDeclaration(root) || ts.isFunctionExpression(root)) && root.name ? root.name.text : undefined;
}

type DeclKind = 'param' | 'var' | 'lexical';

/** Pass 1: every binding of the gene, in declaration order, attached to the scope that owns it. */
function collectBindings(root: ts.FunctionLikeDeclaration, selfName: string | undefined): Bindings {
  const scopes = new Map<ts.Node, Scope>();
  const inlined = new Set<ts.VariableDeclaration>();
  let params = 0;
  let locals = 0;
  const rootScope: Scope = new Map();
  if (selfName !== undefined) rootScope.set(selfName, 'self');
  scopes.set(root, rootScope);

  interface Item {
    node: ts.Node;
    parent: ts.Node | undefined;
    fnScope: Scope;
    blockScope: Scope;
    declKind: DeclKind | undefined;
  }
  const declare = (scope: Scope, name: string, kind: DeclKind | undefined, isRootParam: boolean) => {
    if (scope.has(name) && scope.get(name) !== 'self') return;
    scope.set(name, isRootParam && kind === 'param' ? `param:${params++}` : `local:${locals++}`);
  };
  const stack: Item[] = [{ node: root, parent: undefined, fnScope: rootScope, blockScope: rootScope, declKind: undefined }];
  while (stack.length > 0) {
    const { node, parent, fnScope: outerFn, blockScope: outerBlock, declKind } = stack.pop()!;
    let fnScope = outerFn;
    let blockScope = outerBlock;
    let kind = declKind;
    if (node !== root && isFunctionNode(node)) {
      if (ts.isFunctionDeclaration(node) && node.name) declare(outerBlock, node.name.text, 'lexical', false);
      fnScope = new Map();
      scopes.set(node, fnScope);
      blockScope = fnScope;
      if (ts.isFunctionExpression(node) && node.name) declare(fnScope, node.name.text, 'lexical', false);
    } else if (node !== root && createsBlockScope(node)) {
      if (ts.isClassDeclaration(node) && node.name) declare(outerBlock, node.name.text, 'lexical', false);
      blockScope = new Map();
      scopes.set(node, blockScope);
    }
    if (ts.isBlock(node)) {
      node.statements.forEach((statement, i) => {
        const temp = inlinableTemp(statement, node.statements[i + 1]);
        if (temp) inlined.add(temp);
      });
    }
    if (ts.isVariableDeclarationList(node)) kind = node.flags & LEXICAL ? 'lexical' : 'var';
    else if (ts.isParameter(node)) kind = 'param';
    else if (ts.isCatchClause(node)) kind = 'lexical';
    else if (ts.isIdentifier(node) && parent && (ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) && parent.name === node) {
      if (!(ts.isVariableDeclaration(parent) && inlined.has(parent))) {
        const target = kind === 'var' || kind === 'param' ? fnScope : blockScope;
        declare(target, node.text, kind, fnScope === rootScope);
      }
    }
    const children: ts.Node[] = [];
    ts.forEachChild(node, (child) => {
      children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, parent: node, fnScope, blockScope, declKind: kind });
  }
  return { scopes, inlined };
}

function resolve(name: string, chain: Chain | undefined): string | undefined {
  for (let link = chain; link; link = link.next) {
    const label = link.scope.get(name);
    if (label !== undefined) return label;
  }
  return undefined;
}

/** Is this identifier a property or member name rather than a binding or reference? */
function isPropertyName(id: ts.Identifier, parent: ts.Node | undefined): boolean {
  if (!parent) return false;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === id;
  if (ts.isQualifiedName(parent)) return parent.right === id;
  if (ts.isBindingElement(parent)) return parent.propertyName === id;
  if (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isGetAccessorDeclaration(parent) || ts.isSetAccessorDeclaration(parent) || ts.isEnumMember(parent) || ts.isPropertySignature(parent) || ts.isJsxAttribute(parent)) {
    return parent.name === id;
  }
  return false;
}

function isLabelName(id: ts.Identifier, parent: ts.Node | undefined): boolean {
  return !!parent && (ts.isLabeledStatement(parent) || ts.isBreakStatement(parent) || ts.isContinueStatement(parent)) && parent.label === id;
}

function functionLabel(node: ts.FunctionLikeDeclaration, base: string): string {
  const isAsync = ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  return `${base}${isAsync ? ':async' : ''}${node.asteriskToken ? ':generator' : ''}`;
}

function labelOf(node: ts.Node, parent: ts.Node | undefined, chain: Chain | undefined, isRoot: boolean): string {
  switch (node.kind) {
    case ts.SyntaxKind.Identifier: {
      const id = node as ts.Identifier;
      if (isPropertyName(id, parent)) return `prop:${id.text}`;
      if (isLabelName(id, parent)) return 'label';
      return resolve(id.text, chain) ?? `free:${id.text}`;
    }
    case ts.SyntaxKind.PrivateIdentifier:
      return `prop:${(node as ts.PrivateIdentifier).text}`;
    case ts.SyntaxKind.NumericLiteral:
      return `num:${String(Number((node as ts.NumericLiteral).text.replace(/_/g, '')))}`;
    case ts.SyntaxKind.BigIntLiteral:
      return `bigint:${(node as ts.BigIntLiteral).text}`;
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      return `str:${JSON.stringify((node as ts.LiteralLikeNode).text)}`;
    case ts.SyntaxKind.TemplateHead:
    case ts.SyntaxKind.TemplateMiddle:
    case ts.SyntaxKind.TemplateTail:
      return `tpl:${JSON.stringify((node as ts.LiteralLikeNode).text)}`;
    case ts.SyntaxKind.RegularExpressionLiteral:
      return `regex:${(node as ts.RegularExpressionLiteral).text}`;
    case ts.SyntaxKind.BinaryExpression:
      return `BinaryExpression:${syntaxKindName((node as ts.BinaryExpression).operatorToken.kind)}`;
    case ts.SyntaxKind.PrefixUnaryExpression:
    case ts.SyntaxKind.PostfixUnaryExpression:
      return `${syntaxKindName(node.kind)}:${syntaxKindName((node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression).operator)}`;
    case ts.SyntaxKind.VariableDeclarationList:
      return `VariableDeclarationList:${node.flags & LEXICAL ? 'lexical' : 'var'}`;
    case ts.SyntaxKind.ShorthandPropertyAssignment:
      return `ShorthandPropertyAssignment:${(node as ts.ShorthandPropertyAssignment).name.text}`;
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
      return functionLabel(node as ts.FunctionLikeDeclaration, 'Function');
    default:
      if (isRoot && isFunctionNode(node)) return functionLabel(node, 'Function');
      if (isFunctionNode(node)) return functionLabel(node, syntaxKindName(node.kind));
      return syntaxKindName(node.kind);
  }
}

function keepsKind(kind: ts.SyntaxKind): boolean {
  if (ts.isTypeNode({ kind } as ts.Node) || kind === ts.SyntaxKind.TypeParameter || kind === ts.SyntaxKind.Decorator) return false;
  if (ts.isModifier({ kind } as ts.Node)) return KEPT_MODIFIERS.has(kind) && kind !== ts.SyntaxKind.AsyncKeyword;
  return !DROPPED_TOKENS.has(kind) && kind !== ts.SyntaxKind.AsteriskToken;
}

/** Whether a child is kept depends on its kind alone, so each kind is decided once. */
const keptByKind = new Map<ts.SyntaxKind, boolean>();
function keepsChild(child: ts.Node): boolean {
  let kept = keptByKind.get(child.kind);
  if (kept === undefined) {
    kept = keepsKind(child.kind);
    keptByKind.set(child.kind, kept);
  }
  return kept;
}

/** A concise arrow body `e` as the block `{ return e; }`. */
function bodyPiece(body: ts.ConciseBody): Piece {
  return ts.isBlock(body) ? body : { label: 'Block', kids: [{ label: 'ReturnStatement', kids: [body] }] };
}

function childrenOf(node: ts.Node, bindings: Bindings, isRoot: boolean): Piece[] {
  if (isFunctionNode(node)) {
    const kids: Piece[] = [];
    // The gene's own name is not structure; a nested declaration's name is a binding; a method's name is a property.
    if (!isRoot && node.name && !ts.isFunctionExpression(node)) kids.push(node.name);
    if (ts.canHaveModifiers(node)) for (const modifier of ts.getModifiers(node) ?? []) if (keepsChild(modifier)) kids.push(modifier);
    kids.push(...node.parameters);
    if (node.body) kids.push(bodyPiece(node.body));
    return kids;
  }
  if (ts.isBlock(node)) {
    const kids: Piece[] = [];
    const statements = node.statements;
    for (let i = 0; i < statements.length; i++) {
      const temp = inlinableTemp(statements[i]!, statements[i + 1]);
      if (temp && bindings.inlined.has(temp)) {
        kids.push({ label: 'ReturnStatement', kids: [temp.initializer!] });
        i++;
      } else {
        kids.push(statements[i]!);
      }
    }
    return kids;
  }
  if (ts.isBinaryExpression(node)) return [node.left, node.right];
  if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) return [node.operand];
  if (ts.isShorthandPropertyAssignment(node)) return node.objectAssignmentInitializer ? [node.name, node.objectAssignmentInitializer] : [node.name];
  const kids: Piece[] = [];
  ts.forEachChild(node, (child) => {
    if (keepsChild(child)) kids.push(child);
  });
  return kids;
}

/** The normalized labelled tree of a function; iterative, so 2,000-deep nesting is fine. */
export function labelledTree(root: ts.FunctionLikeDeclaration, options: NormalizeOptions = {}): LabelledTree {
  const bindings = collectBindings(root, selfNameOf(root, options));
  const labels: string[] = [];
  const parents: number[] = [];
  interface Item {
    piece: Piece;
    parent: ts.Node | undefined;
    parentIndex: number;
    chain: Chain | undefined;
  }
  const stack: Item[] = [{ piece: root, parent: undefined, parentIndex: -1, chain: undefined }];
  while (stack.length > 0) {
    const { piece, parent, parentIndex, chain } = stack.pop()!;
    const index = labels.length;
    parents.push(parentIndex);
    if (isSynthetic(piece)) {
      labels.push(piece.label);
      for (let i = piece.kids.length - 1; i >= 0; i--) stack.push({ piece: piece.kids[i]!, parent: undefined, parentIndex: index, chain });
      continue;
    }
    const node = unwrap(piece);
    const isRoot = node === root;
    labels.push(labelOf(node, parent, chain, isRoot));
    const scope = bindings.scopes.get(node);
    const inner = scope ? { scope, next: chain } : chain;
    const kids = childrenOf(node, bindings, isRoot);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ piece: kids[i]!, parent: node, parentIndex: index, chain: inner });
  }
  return { labels, parents };
}
