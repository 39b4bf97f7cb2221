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

// Kind tables instead of chains of ts.is* calls: these run for every node of every gene.
function kindTable(kinds: readonly ts.SyntaxKind[]): Uint8Array {
  const table = new Uint8Array(ts.SyntaxKind.Count + 1);
  for (const kind of kinds) table[kind] = 1;
  return table;
}
/** Parentheses and type-only expressions: each has an `expression` and no structure of its own. */
const WRAPPER_KINDS = kindTable([ts.SyntaxKind.ParenthesizedExpression, ts.SyntaxKind.AsExpression, ts.SyntaxKind.TypeAssertionExpression, ts.SyntaxKind.NonNullExpression, ts.SyntaxKind.SatisfiesExpression]);

/** Strips wrappers that do not change structure: parentheses and type-only expressions. */
function unwrap(node: ts.Node): ts.Node {
  while (WRAPPER_KINDS[node.kind] === 1) node = (node as ts.ParenthesizedExpression).expression;
  return node;
}
const FUNCTION_KINDS = kindTable([ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration, ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor]);
const BLOCK_SCOPE_KINDS = kindTable([ts.SyntaxKind.Block, ts.SyntaxKind.CaseBlock, ts.SyntaxKind.ForStatement, ts.SyntaxKind.ForInStatement, ts.SyntaxKind.ForOfStatement, ts.SyntaxKind.CatchClause, ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.ClassExpression]);

function isFunctionNode(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return FUNCTION_KINDS[node.kind] === 1;
}

function createsBlockScope(node: ts.Node): boolean {
  return BLOCK_SCOPE_KINDS[node.kind] === 1;
}

/**
 * The children forEachChild gives, into a buffer reused by every call (read gathered[0, count) before the next call):
 * no closure or array per node, and no `length = 0` (a runtime call).
 */
const gathered: ts.Node[] = [];
let gatheredCount = 0;
function gather(child: ts.Node): undefined {
  gathered[gatheredCount++] = child;
  return undefined;
}
function gatherChildren(node: ts.Node): number {
  gatheredCount = 0;
  ts.forEachChild(node, gather);
  return gatheredCount;
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
    const count = gatherChildren(node);
    for (let i = 0; i < count; i++) stack.push(gathered[i]!);
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

  const declare = (scope: Scope, name: string, kind: DeclKind | undefined, isRootParam: boolean) => {
    if (scope.has(name) && scope.get(name) !== 'self') return;
    scope.set(name, isRootParam && kind === 'param' ? `param:${params++}` : `local:${locals++}`);
  };
  // The stack as parallel arrays: one entry per node of the gene, so no object per entry.
  const nodes: ts.Node[] = [root];
  const parentNodes: (ts.Node | undefined)[] = [undefined];
  const fnScopes: Scope[] = [rootScope];
  const blockScopes: Scope[] = [rootScope];
  const declKinds: (DeclKind | undefined)[] = [undefined];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const parent = parentNodes.pop();
    const outerFn = fnScopes.pop()!;
    const outerBlock = blockScopes.pop()!;
    let kind = declKinds.pop();
    let fnScope = outerFn;
    let blockScope = outerBlock;
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
    switch (node.kind) {
      case ts.SyntaxKind.Block: {
        const statements = (node as ts.Block).statements;
        for (let i = 0; i < statements.length; i++) {
          const temp = inlinableTemp(statements[i]!, statements[i + 1]);
          if (temp) inlined.add(temp);
        }
        break;
      }
      case ts.SyntaxKind.VariableDeclarationList:
        kind = node.flags & LEXICAL ? 'lexical' : 'var';
        break;
      case ts.SyntaxKind.Parameter:
        kind = 'param';
        break;
      case ts.SyntaxKind.CatchClause:
        kind = 'lexical';
        break;
      case ts.SyntaxKind.Identifier:
        if (parent && (ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) && parent.name === node) {
          if (!(ts.isVariableDeclaration(parent) && inlined.has(parent))) {
            const target = kind === 'var' || kind === 'param' ? fnScope : blockScope;
            declare(target, (node as ts.Identifier).text, kind, fnScope === rootScope);
          }
        }
        break;
    }
    for (let i = gatherChildren(node) - 1; i >= 0; i--) {
      nodes.push(gathered[i]!);
      parentNodes.push(node);
      fnScopes.push(fnScope);
      blockScopes.push(blockScope);
      declKinds.push(kind);
    }
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
  switch (parent.kind) {
    case ts.SyntaxKind.PropertyAccessExpression:
      return (parent as ts.PropertyAccessExpression).name === id;
    case ts.SyntaxKind.QualifiedName:
      return (parent as ts.QualifiedName).right === id;
    case ts.SyntaxKind.BindingElement:
      return (parent as ts.BindingElement).propertyName === id;
    case ts.SyntaxKind.PropertyAssignment:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.PropertyDeclaration:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
    case ts.SyntaxKind.EnumMember:
    case ts.SyntaxKind.PropertySignature:
    case ts.SyntaxKind.JsxAttribute:
      return (parent as ts.NamedDeclaration).name === id;
    default:
      return false;
  }
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

/** Whether a child is kept depends on its kind alone, so each kind is decided once (0 undecided, 1 kept, 2 dropped). */
const keptByKind = new Uint8Array(ts.SyntaxKind.Count + 1);
function keepsChild(child: ts.Node): boolean {
  let kept = keptByKind[child.kind]!;
  if (kept === 0) {
    kept = keepsKind(child.kind) ? 1 : 2;
    keptByKind[child.kind] = kept;
  }
  return kept === 1;
}

/** A concise arrow body `e` as the block `{ return e; }`. */
function bodyPiece(body: ts.ConciseBody): Piece {
  return ts.isBlock(body) ? body : { label: 'Block', kids: [{ label: 'ReturnStatement', kids: [body] }] };
}

/** The declaration collectBindings folded into the `return` after it, when `statement` is one. */
function inlinedDeclaration(statement: ts.Statement, bindings: Bindings): ts.VariableDeclaration | undefined {
  if (statement.kind !== ts.SyntaxKind.VariableStatement) return undefined;
  const declarations = (statement as ts.VariableStatement).declarationList.declarations;
  return declarations.length === 1 && bindings.inlined.has(declarations[0]!) ? declarations[0] : undefined;
}

/** The normalized children of a node, pushed onto `kids`. */
function childrenOf(node: ts.Node, bindings: Bindings, isRoot: boolean, kids: Piece[]): void {
  if (isFunctionNode(node)) {
    // The gene's own name is not structure; a nested declaration's name is a binding; a method's name is a property.
    if (!isRoot && node.name && !ts.isFunctionExpression(node)) kids.push(node.name);
    if (ts.canHaveModifiers(node)) for (const modifier of ts.getModifiers(node) ?? []) if (keepsChild(modifier)) kids.push(modifier);
    for (const parameter of node.parameters) kids.push(parameter);
    if (node.body) kids.push(bodyPiece(node.body));
    return;
  }
  switch (node.kind) {
    case ts.SyntaxKind.Block: {
      const statements = (node as ts.Block).statements;
      for (let i = 0; i < statements.length; i++) {
        // collectBindings decided, for this very pair of statements, whether `const r = e; return r;` reads as `return e;`.
        const temp = i + 1 < statements.length ? inlinedDeclaration(statements[i]!, bindings) : undefined;
        if (temp) {
          kids.push({ label: 'ReturnStatement', kids: [temp.initializer!] });
          i++;
        } else {
          kids.push(statements[i]!);
        }
      }
      return;
    }
    case ts.SyntaxKind.BinaryExpression:
      kids.push((node as ts.BinaryExpression).left, (node as ts.BinaryExpression).right);
      return;
    case ts.SyntaxKind.PrefixUnaryExpression:
    case ts.SyntaxKind.PostfixUnaryExpression:
      kids.push((node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression).operand);
      return;
    case ts.SyntaxKind.ShorthandPropertyAssignment: {
      const shorthand = node as ts.ShorthandPropertyAssignment;
      kids.push(shorthand.name);
      if (shorthand.objectAssignmentInitializer) kids.push(shorthand.objectAssignmentInitializer);
      return;
    }
  }
  const count = gatherChildren(node);
  for (let i = 0; i < count; i++) if (keepsChild(gathered[i]!)) kids.push(gathered[i]!);
}

/** The normalized labelled tree of a function; iterative, so 2,000-deep nesting is fine. */
export function labelledTree(root: ts.FunctionLikeDeclaration, options: NormalizeOptions = {}): LabelledTree {
  const bindings = collectBindings(root, selfNameOf(root, options));
  const labels: string[] = [];
  const parents: number[] = [];
  // The stack as parallel arrays: one entry per node of the tree, so no object per entry.
  const pieces: Piece[] = [root];
  const parentNodes: (ts.Node | undefined)[] = [undefined];
  const parentIndices: number[] = [-1];
  const chains: (Chain | undefined)[] = [undefined];
  const kids: Piece[] = [];
  while (pieces.length > 0) {
    const piece = pieces.pop()!;
    const parent = parentNodes.pop();
    const parentIndex = parentIndices.pop()!;
    const chain = chains.pop();
    const index = labels.length;
    parents.push(parentIndex);
    if (isSynthetic(piece)) {
      labels.push(piece.label);
      for (let i = piece.kids.length - 1; i >= 0; i--) {
        pieces.push(piece.kids[i]!);
        parentNodes.push(undefined);
        parentIndices.push(index);
        chains.push(chain);
      }
      continue;
    }
    const node = unwrap(piece);
    const isRoot = node === root;
    labels.push(labelOf(node, parent, chain, isRoot));
    const scope = bindings.scopes.get(node);
    const inner = scope ? { scope, next: chain } : chain;
    childrenOf(node, bindings, isRoot, kids);
    while (kids.length > 0) {
      pieces.push(kids.pop()!);
      parentNodes.push(node);
      parentIndices.push(index);
      chains.push(inner);
    }
  }
  return { labels, parents };
}
