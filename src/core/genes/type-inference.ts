/**
 * Types of unannotated parameters and returns: from JSDoc (`@param {number} x`, `@returns {number}`), else from
 * how the function uses the parameter. The classification (numeric.ts) and the compiler share it, so a gene marked
 * numeric is compiled with the same types. Inference only picks the types a specialisation is compiled for; the
 * compiler keeps JavaScript's exact semantics for those types, and verification runs the JavaScript with them.
 */
import ts from 'typescript';

export type ScalarType = 'number' | 'boolean';

/** Where an unannotated parameter's type came from. */
export type InferenceSource = 'jsdoc' | 'use';

export type ParameterInference =
  | { type: ScalarType; from: InferenceSource }
  /** Documented with a type outside the numeric subset (`@param {string} s`): the text of that type. */
  | { documented: string }
  | undefined;

type Use = 'numeric' | 'other' | 'neutral';
type FunctionNode = ts.SignatureDeclaration & { body?: ts.ConciseBody };

const MAX_DEPTH = 50;
const NUMBER_NAMESPACES = new Set(['Math']);
const NUMBER_CALLS = new Set(['Number', 'parseInt', 'parseFloat', 'Number.parseInt', 'Number.parseFloat']);
const NUMERIC_OPERATORS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken, ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.LessThanLessThanToken, ts.SyntaxKind.GreaterThanGreaterThanToken, ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
  ts.SyntaxKind.AmpersandToken, ts.SyntaxKind.BarToken, ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken, ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.PercentEqualsToken,
  ts.SyntaxKind.AsteriskAsteriskEqualsToken, ts.SyntaxKind.LessThanLessThanEqualsToken, ts.SyntaxKind.GreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken, ts.SyntaxKind.AmpersandEqualsToken, ts.SyntaxKind.BarEqualsToken, ts.SyntaxKind.CaretEqualsToken,
]);
const RELATIONAL = new Set<ts.SyntaxKind>([ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanEqualsToken]);
const EQUALITY = new Set<ts.SyntaxKind>([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);

/** The sentence that says a module is exact for the inferred types only. */
export function specialisationNote(types: readonly ScalarType[]): string {
  const kinds = [...new Set(types)].sort((a, b) => (a === 'number' ? -1 : b === 'number' ? 1 : 0));
  return `compiled for ${kinds.join(' and ')} arguments`;
}

/** A JSDoc type that names number or boolean (`number`, `Number`, `!number`, `(number)`); 'other' for anything else. */
function scalarOfJsDoc(type: ts.TypeNode): ScalarType | 'other' | 'any' {
  if (type.kind === ts.SyntaxKind.NumberKeyword) return 'number';
  if (type.kind === ts.SyntaxKind.BooleanKeyword) return 'boolean';
  if (type.kind === ts.SyntaxKind.JSDocAllType || type.kind === ts.SyntaxKind.JSDocUnknownType || type.kind === ts.SyntaxKind.AnyKeyword) return 'any';
  if (ts.isParenthesizedTypeNode(type) || ts.isJSDocNonNullableType(type)) return scalarOfJsDoc(type.type);
  // `{Number}` in JSDoc means the primitive, as gl-matrix and Closure write it.
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments) {
    if (type.typeName.text === 'Number') return 'number';
    if (type.typeName.text === 'Boolean') return 'boolean';
  }
  return 'other';
}

/** The JSDoc `@param` type of a parameter, if it has one. */
function jsDocParameterType(parameter: ts.ParameterDeclaration): ts.TypeNode | undefined {
  if (!ts.isIdentifier(parameter.name)) return undefined;
  for (const tag of ts.getJSDocParameterTags(parameter)) if (tag.typeExpression) return tag.typeExpression.type;
  return undefined;
}

/** The JSDoc `@returns` type of a function without a return annotation: number, boolean, its text, or undefined. */
export function jsDocReturnType(fn: ts.SignatureDeclaration): ScalarType | { documented: string } | undefined {
  if (fn.type) return undefined;
  const type = ts.getJSDocReturnType(fn);
  if (!type) return undefined;
  const scalar = scalarOfJsDoc(type);
  if (scalar === 'any') return undefined;
  return scalar === 'other' ? { documented: type.getText() } : scalar;
}

/** Per function node, so classification and compilation of the same parsed file agree; mutual recursion sees 'pending'. */
const memo = new WeakMap<ts.Node, (ParameterInference | 'pending')[]>();

/**
 * The type of an unannotated parameter without a default: its JSDoc type, else `number` when some use is
 * numeric (arithmetic, `<`/`>` with anything but a string, `===` with a number, a Math argument, an argument of a
 * number parameter of a gene of the file) and no use needs anything else (a property, a call, a string, null).
 */
export function inferParameterType(parameter: ts.ParameterDeclaration): ParameterInference {
  const fn = parameter.parent as FunctionNode;
  const index = fn.parameters.indexOf(parameter);
  const inferred = inferParameters(fn, 0)[index];
  return inferred === 'pending' ? undefined : inferred;
}

function inferParameters(fn: FunctionNode, depth: number): readonly (ParameterInference | 'pending')[] {
  const known = memo.get(fn);
  if (known) return known;
  const result: (ParameterInference | 'pending')[] = fn.parameters.map(() => 'pending');
  memo.set(fn, result); // a recursive call sees its own parameters as still pending
  const candidates: number[] = [];
  fn.parameters.forEach((parameter, index) => {
    result[index] = undefined;
    if (parameter.type || parameter.initializer || parameter.dotDotDotToken || parameter.questionToken || !ts.isIdentifier(parameter.name)) return;
    const documented = jsDocParameterType(parameter);
    const scalar = documented ? scalarOfJsDoc(documented) : 'any';
    if (scalar === 'number' || scalar === 'boolean') result[index] = { type: scalar, from: 'jsdoc' };
    else if (scalar === 'other') result[index] = { documented: documented!.getText() };
    else candidates.push(index);
  });
  if (candidates.length === 0 || !fn.body || depth > MAX_DEPTH) return result;
  const { references, shadowed } = referencesOf(fn, candidates.map((i) => (fn.parameters[i]!.name as ts.Identifier).text));
  const nameOf = (index: number) => (fn.parameters[index]!.name as ts.Identifier).text;
  const context: Context = { fn, result, depth };
  // Evidence only grows as parameters become numbers (a comparison with a number parameter is numeric): iterate.
  let changed = true;
  while (changed) {
    changed = false;
    for (const index of candidates) {
      if (result[index] !== undefined) continue;
      const uses = references.get(nameOf(index)) ?? [];
      let numeric = false;
      let other = uses.length === 0; // unused or shadowed: nothing says it is a number
      for (const use of uses) {
        const kind = useOf(use, context);
        if (kind === 'other') other = true;
        else if (kind === 'numeric') numeric = true;
      }
      if (numeric && !other) {
        result[index] = { type: 'number', from: 'use' };
        changed = true;
      }
    }
  }
  // An unused parameter beside number ones (jQuery Easing's `(x, t, b, c, d)`): the result cannot depend on it.
  const hasNumber = fn.parameters.some((p, i) => p.type?.kind === ts.SyntaxKind.NumberKeyword || isInferredNumber(result[i]));
  for (const index of candidates) {
    if (hasNumber && result[index] === undefined && !shadowed.has(nameOf(index)) && !references.has(nameOf(index))) result[index] = { type: 'number', from: 'use' };
  }
  return result;
}

function isInferredNumber(inferred: ParameterInference | 'pending'): boolean {
  return inferred !== undefined && inferred !== 'pending' && 'type' in inferred && inferred.type === 'number';
}

interface Context {
  fn: FunctionNode;
  result: readonly (ParameterInference | 'pending')[];
  depth: number;
}

/** Value references to each name in the function; a name declared again inside it (shadowed) gets none. */
function referencesOf(fn: FunctionNode, names: readonly string[]): { references: Map<string, ts.Identifier[]>; shadowed: Set<string> } {
  const wanted = new Set(names);
  const found = new Map<string, ts.Identifier[]>();
  const shadowed = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isTypeNode(node) || ts.isJSDoc(node)) return;
    const declared = (node as { name?: ts.Node }).name;
    if (declared && ts.isIdentifier(declared) && wanted.has(declared.text) && isDeclaration(node)) shadowed.add(declared.text);
    if (ts.isIdentifier(node) && wanted.has(node.text) && isValueReference(node)) {
      const list = found.get(node.text);
      if (list) list.push(node);
      else found.set(node.text, [node]);
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  for (const parameter of fn.parameters) if (parameter.initializer) visit(parameter.initializer);
  for (const name of shadowed) found.delete(name);
  return { references: found, shadowed };
}

function isDeclaration(node: ts.Node): boolean {
  return ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isBindingElement(node) || ts.isFunctionExpression(node) || ts.isClassExpression(node) || ts.isEnumDeclaration(node) || ts.isImportSpecifier(node);
}

function isValueReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (ts.isQualifiedName(parent) && parent.right === id) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent) || ts.isPropertySignature(parent)) && parent.name === id) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (isDeclaration(parent) && (parent as { name?: ts.Node }).name === id) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false;
  return true;
}

/** Steps out of parentheses, type assertions and `!`, which do not change a value. */
function outerOf(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent) || ts.isTypeAssertionExpression(current.parent) || ts.isSatisfiesExpression(current.parent)) current = current.parent;
  return current;
}

function inner(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current) || ts.isSatisfiesExpression(current)) current = current.expression;
  return current;
}

function useOf(reference: ts.Identifier, context: Context): Use {
  const node = outerOf(reference);
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) return parent.expression === node ? 'other' : 'neutral';
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    if (parent.expression === node) return 'other';
    return argumentUse(parent, parent.arguments?.indexOf(node as ts.Expression) ?? -1, context);
  }
  if (ts.isPrefixUnaryExpression(parent)) {
    switch (parent.operator) {
      case ts.SyntaxKind.MinusToken:
      case ts.SyntaxKind.TildeToken:
      case ts.SyntaxKind.PlusPlusToken:
      case ts.SyntaxKind.MinusMinusToken:
        return 'numeric';
      default:
        return 'neutral';
    }
  }
  if (ts.isPostfixUnaryExpression(parent)) return 'numeric';
  if (ts.isTypeOfExpression(parent) || ts.isDeleteExpression(parent) || ts.isVoidExpression(parent) || ts.isAwaitExpression(parent) || ts.isYieldExpression(parent)) return 'other';
  if (ts.isBinaryExpression(parent)) return binaryUse(parent, node, context);
  if (ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent) || ts.isForOfStatement(parent) || ts.isForInStatement(parent) || ts.isTemplateSpan(parent) || ts.isTaggedTemplateExpression(parent)) return 'other';
  if (ts.isShorthandPropertyAssignment(parent) || ts.isPropertyAssignment(parent) || ts.isArrayLiteralExpression(parent) || ts.isJsxExpression(parent)) return 'other';
  return 'neutral';
}

function binaryUse(parent: ts.BinaryExpression, node: ts.Node, context: Context): Use {
  const operator = parent.operatorToken.kind;
  const other = parent.left === node ? parent.right : parent.left;
  if (NUMERIC_OPERATORS.has(operator)) return 'numeric';
  if (operator === ts.SyntaxKind.InKeyword || operator === ts.SyntaxKind.InstanceOfKeyword || operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.QuestionQuestionEqualsToken) return 'other';
  // `x + 1` may be string concatenation: `+` tells nothing unless the other side is a string.
  if (operator === ts.SyntaxKind.PlusToken || operator === ts.SyntaxKind.PlusEqualsToken) return isNonNumberLiteral(other) ? 'other' : 'neutral';
  if (RELATIONAL.has(operator) || EQUALITY.has(operator)) {
    if (isNonNumberLiteral(other)) return 'other';
    // `<` orders numbers or strings; with no string in sight, it is read as numeric (`x < lo ? lo : x`).
    return isNumber(other, context, 0) || RELATIONAL.has(operator) ? 'numeric' : 'neutral';
  }
  if (operator === ts.SyntaxKind.EqualsToken && parent.left === node) return isNonNumberLiteral(other) ? 'other' : 'neutral';
  return 'neutral';
}

/** A string, boolean, null or undefined: compared with one, the parameter is not only a number. */
function isNonNumberLiteral(expression: ts.Expression): boolean {
  const node = inner(expression);
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node) || ts.isTypeOfExpression(node) || ts.isVoidExpression(node)) return true;
  if (node.kind === ts.SyntaxKind.NullKeyword || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true;
  return ts.isIdentifier(node) && node.text === 'undefined';
}

function argumentUse(call: ts.CallExpression | ts.NewExpression, index: number, context: Context): Use {
  if (index < 0 || ts.isNewExpression(call)) return 'neutral';
  const callee = inner(call.expression);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && NUMBER_NAMESPACES.has(callee.expression.text)) return 'numeric';
  if (ts.isIdentifier(callee) && callee.text === 'String') return 'other';
  if (!ts.isIdentifier(callee)) return 'neutral';
  const target = functionNamed(callee.text, call);
  if (!target || index >= target.parameters.length) return 'neutral';
  const parameter = target.parameters[index]!;
  if (parameter.dotDotDotToken) return 'neutral';
  if (parameter.type) return parameter.type.kind === ts.SyntaxKind.NumberKeyword ? 'numeric' : parameter.type.kind === ts.SyntaxKind.AnyKeyword || parameter.type.kind === ts.SyntaxKind.UnknownKeyword ? 'neutral' : 'other';
  if (parameter.initializer) return 'neutral';
  const inferred = target === context.fn ? context.result[index] : inferParameters(target, context.depth + 1)[index];
  if (inferred === undefined || inferred === 'pending') return 'neutral';
  if ('documented' in inferred) return 'other';
  return inferred.type === 'number' ? 'numeric' : 'other';
}

/** A function declaration or `const name = function/arrow` visible from `at` by `name`, if the name means one. */
function functionNamed(name: string, at: ts.Node): FunctionNode | undefined {
  for (let scope: ts.Node | undefined = at.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope) && scope.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name)) return undefined;
    if (ts.isFunctionDeclaration(scope) && scope.name?.text === name) return scope;
    if (!(ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope))) continue;
    for (const statement of scope.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return statement.body ? statement : undefined;
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (!ts.isIdentifier(declaration.name) || declaration.name.text !== name) continue;
          const value = declaration.initializer && inner(declaration.initializer);
          return value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) && (statement.declarationList.flags & ts.NodeFlags.Const) !== 0 ? value : undefined;
        }
      }
    }
  }
  return undefined;
}

/** Whether an expression surely yields a number (for number arguments): literals, arithmetic, Math, numeric locals. */
function isNumber(expression: ts.Expression, context: Context, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = inner(expression);
  switch (node.kind) {
    case ts.SyntaxKind.NumericLiteral:
      return true;
    case ts.SyntaxKind.PrefixUnaryExpression:
      return (node as ts.PrefixUnaryExpression).operator !== ts.SyntaxKind.ExclamationToken;
    case ts.SyntaxKind.PostfixUnaryExpression:
      return true;
    case ts.SyntaxKind.BinaryExpression: {
      const binary = node as ts.BinaryExpression;
      const operator = binary.operatorToken.kind;
      if (NUMERIC_OPERATORS.has(operator)) return true;
      if (operator === ts.SyntaxKind.PlusToken || operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) return isNumber(binary.left, context, depth + 1) && isNumber(binary.right, context, depth + 1);
      if (operator === ts.SyntaxKind.CommaToken || operator === ts.SyntaxKind.EqualsToken) return isNumber(binary.right, context, depth + 1);
      return false;
    }
    case ts.SyntaxKind.ConditionalExpression: {
      const conditional = node as ts.ConditionalExpression;
      return isNumber(conditional.whenTrue, context, depth + 1) && isNumber(conditional.whenFalse, context, depth + 1);
    }
    case ts.SyntaxKind.PropertyAccessExpression: {
      const access = node as ts.PropertyAccessExpression;
      if (access.name.text === 'length') return true;
      return ts.isIdentifier(access.expression) && (access.expression.text === 'Math' || access.expression.text === 'Number');
    }
    case ts.SyntaxKind.CallExpression: {
      const callee = inner((node as ts.CallExpression).expression);
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) return callee.expression.text === 'Math' || NUMBER_CALLS.has(`${callee.expression.text}.${callee.name.text}`);
      if (!ts.isIdentifier(callee)) return false;
      if (NUMBER_CALLS.has(callee.text)) return true;
      const target = functionNamed(callee.text, node);
      return target !== undefined && (target.type?.kind === ts.SyntaxKind.NumberKeyword || jsDocReturnType(target) === 'number');
    }
    case ts.SyntaxKind.Identifier:
      return identifierIsNumber(node as ts.Identifier, context, depth);
    default:
      return false;
  }
}

function identifierIsNumber(id: ts.Identifier, context: Context, depth: number): boolean {
  if (id.text === 'NaN' || id.text === 'Infinity') return true;
  const { fn } = context;
  const index = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
  if (index >= 0) {
    const parameter = fn.parameters[index]!;
    const inferred = context.result[index];
    if (parameter.type) return parameter.type.kind === ts.SyntaxKind.NumberKeyword;
    if (parameter.initializer) return isNumber(parameter.initializer, context, depth + 1);
    return isInferredNumber(inferred);
  }
  // A local declared once in the function, whose value and every assignment are numbers.
  const declaration = localDeclaration(fn, id.text);
  if (!declaration) return false;
  if (declaration.type) return declaration.type.kind === ts.SyntaxKind.NumberKeyword;
  return declaration.initializer !== undefined && isNumber(declaration.initializer, context, depth + 1);
}

function localDeclaration(fn: FunctionNode, name: string): ts.VariableDeclaration | undefined {
  let found: ts.VariableDeclaration | undefined;
  let count = 0;
  const visit = (node: ts.Node): void => {
    if (count > 1 || ts.isTypeNode(node)) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) {
      found = node;
      count++;
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  if (count !== 1 || !found) return undefined;
  // A `let` reassigned with something else is not known to stay a number: only `const` counts.
  return (found.parent.flags & ts.NodeFlags.Const) !== 0 ? found : undefined;
}

/**
 * What a function without a return annotation surely returns, read from one return expression that needs no call
 * (`n <= 1 ? 1 : n * fact(n - 1)` is a number): lets a recursive call know its result type before the body is done.
 */
export function returnTypeFromExpressions(fn: FunctionNode): ScalarType | undefined {
  if (!fn.body || fn.type) return undefined;
  const context: Context = { fn, result: inferParameters(fn, 0), depth: 0 };
  const expressions: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) expressions.push(node.expression);
    ts.forEachChild(node, visit);
  };
  if (ts.isBlock(fn.body)) fn.body.statements.forEach(visit);
  else expressions.push(fn.body);
  for (const expression of expressions) {
    if (isNumber(expression, context, 0)) return 'number';
    if (isBoolean(expression)) return 'boolean';
  }
  return undefined;
}

function isBoolean(expression: ts.Expression): boolean {
  const node = inner(expression);
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPrefixUnaryExpression(node)) return node.operator === ts.SyntaxKind.ExclamationToken;
  return ts.isBinaryExpression(node) && (RELATIONAL.has(node.operatorToken.kind) || EQUALITY.has(node.operatorToken.kind));
}
