// The `numeric` mark: pure genes whose parameters and result are all number or boolean, declared or inferred (type-inference.ts).
import ts from 'typescript';
import { BOOLEAN_FUNCTIONS, NUMBER_FUNCTIONS } from './builtins';
import { canCompleteNormally } from './control-flow';
import { type Binding, type FileModel, type FunctionInfo, isGeneNode, skipInnerWrappers } from './collect';
import { inferParameterType, jsDocReturnType } from './type-inference';

export type Scalar = 'number' | 'boolean';
/** `pending` stands for a call to a gene whose type is still being inferred (recursion). */
type Inferred = Scalar | 'pending' | undefined;

export interface NumericSignature {
  params: Scalar[];
  returns: Scalar;
}

const MAX_DEPTH = 200;

/** Signatures of the numeric genes among `pure`, by function index. */
export function inferNumeric(
  model: FileModel,
  pure: ReadonlySet<FunctionInfo>,
  bindingOf: Map<ts.Identifier, Binding | undefined>,
  geneAt: Map<ts.Node, FunctionInfo>,
): Map<FunctionInfo, NumericSignature> {
  const params = new Map<FunctionInfo, Scalar[]>();
  for (const fn of pure) {
    const types: Scalar[] = [];
    for (const parameter of fn.node.parameters) {
      const type = parameterType(parameter);
      if (!type) break;
      types.push(type);
    }
    if (types.length === fn.node.parameters.length) params.set(fn, types);
  }

  const returns = new Map<FunctionInfo, Inferred>();
  for (const fn of params.keys()) {
    const documented = jsDocReturnType(fn.node);
    if (documented === undefined || typeof documented === 'string') returns.set(fn, fn.node.type ? scalarOfType(fn.node.type) : (documented ?? 'pending'));
  }

  const localMemo = new Map<Binding, Inferred>();
  const typeOf = (expression: ts.Node, depth: number): Inferred => {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipInnerWrappers(expression);
    switch (node.kind) {
      case ts.SyntaxKind.NumericLiteral:
        return 'number';
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
        return 'boolean';
      case ts.SyntaxKind.PrefixUnaryExpression: {
        const unary = node as ts.PrefixUnaryExpression;
        if (unary.operator === ts.SyntaxKind.ExclamationToken) return 'boolean';
        if (unary.operator === ts.SyntaxKind.PlusToken) return 'number';
        return numberish(typeOf(unary.operand, depth + 1)) ? 'number' : undefined;
      }
      case ts.SyntaxKind.BinaryExpression: {
        const binary = node as ts.BinaryExpression;
        switch (binary.operatorToken.kind) {
          case ts.SyntaxKind.LessThanToken:
          case ts.SyntaxKind.GreaterThanToken:
          case ts.SyntaxKind.LessThanEqualsToken:
          case ts.SyntaxKind.GreaterThanEqualsToken:
          case ts.SyntaxKind.EqualsEqualsToken:
          case ts.SyntaxKind.EqualsEqualsEqualsToken:
          case ts.SyntaxKind.ExclamationEqualsToken:
          case ts.SyntaxKind.ExclamationEqualsEqualsToken:
            return 'boolean';
          case ts.SyntaxKind.PlusToken:
          case ts.SyntaxKind.MinusToken:
          case ts.SyntaxKind.AsteriskToken:
          case ts.SyntaxKind.SlashToken:
          case ts.SyntaxKind.PercentToken:
          case ts.SyntaxKind.AsteriskAsteriskToken:
          case ts.SyntaxKind.LessThanLessThanToken:
          case ts.SyntaxKind.GreaterThanGreaterThanToken:
          case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken:
          case ts.SyntaxKind.AmpersandToken:
          case ts.SyntaxKind.BarToken:
          case ts.SyntaxKind.CaretToken:
          case ts.SyntaxKind.PlusEqualsToken: // a compound assignment's value is the arithmetic's: `n1 * (x -= 1.5) * x`
          case ts.SyntaxKind.MinusEqualsToken:
          case ts.SyntaxKind.AsteriskEqualsToken:
          case ts.SyntaxKind.SlashEqualsToken:
          case ts.SyntaxKind.PercentEqualsToken:
            return numberish(typeOf(binary.left, depth + 1)) && numberish(typeOf(binary.right, depth + 1)) ? 'number' : undefined;
          case ts.SyntaxKind.EqualsToken:
            return typeOf(binary.right, depth + 1);
          case ts.SyntaxKind.AmpersandAmpersandToken:
          case ts.SyntaxKind.BarBarToken:
          case ts.SyntaxKind.QuestionQuestionToken:
            return unify(typeOf(binary.left, depth + 1), typeOf(binary.right, depth + 1));
          case ts.SyntaxKind.CommaToken:
            return typeOf(binary.right, depth + 1);
          default:
            return undefined;
        }
      }
      case ts.SyntaxKind.ConditionalExpression: {
        const conditional = node as ts.ConditionalExpression;
        return unify(typeOf(conditional.whenTrue, depth + 1), typeOf(conditional.whenFalse, depth + 1));
      }
      case ts.SyntaxKind.PropertyAccessExpression: {
        const access = node as ts.PropertyAccessExpression;
        if (ts.isIdentifier(access.expression) && isGlobal(access.expression) && (access.expression.text === 'Math' || access.expression.text === 'Number')) return 'number';
        return undefined;
      }
      case ts.SyntaxKind.CallExpression:
        return typeOfCall(node as ts.CallExpression);
      case ts.SyntaxKind.Identifier: {
        const id = node as ts.Identifier;
        const binding = bindingOf.get(id);
        if (!binding) return isGlobal(id) && (id.text === 'NaN' || id.text === 'Infinity') ? 'number' : undefined;
        if (binding.kind === 'param') return paramTypeOf(binding);
        if ((binding.kind === 'const' || binding.kind === 'let' || binding.kind === 'var') && !binding.destructured) return typeOfBinding(binding, depth);
        return undefined;
      }
      default:
        return undefined;
    }
  };

  const isGlobal = (id: ts.Identifier) => bindingOf.has(id) && bindingOf.get(id) === undefined;

  const paramTypeOf = (binding: Binding): Inferred => {
    const parameter = binding.declaration;
    if (!ts.isParameter(parameter) || !isGeneNode(parameter.parent)) return undefined;
    const fn = model.functionByNode.get(parameter.parent);
    const types = fn && params.get(fn);
    return types?.[parameter.parent.parameters.indexOf(parameter)];
  };

  const typeOfBinding = (binding: Binding, depth: number): Inferred => {
    if (localMemo.has(binding)) return localMemo.get(binding);
    localMemo.set(binding, 'pending'); // a loop variable refers to itself: decided by its other values
    // Declared without a value (`let x;`): its type is that of what is assigned to it.
    let result: Inferred = binding.typeNode ? scalarOfType(binding.typeNode) : binding.initializer ? typeOf(binding.initializer, depth + 1) : binding.writes.length > 0 ? 'pending' : undefined;
    if (binding.kind === 'const' || binding.typeNode) {
      localMemo.set(binding, result);
      return result;
    }
    for (const write of binding.writes) {
      if (result === undefined) break;
      switch (write.operator) {
        case ts.SyntaxKind.EqualsToken:
          result = unify(result, write.value ? typeOf(write.value, depth + 1) : undefined);
          break;
        case ts.SyntaxKind.PlusPlusToken:
        case ts.SyntaxKind.MinusMinusToken:
        case ts.SyntaxKind.MinusEqualsToken:
        case ts.SyntaxKind.AsteriskEqualsToken:
        case ts.SyntaxKind.SlashEqualsToken:
        case ts.SyntaxKind.PercentEqualsToken:
        case ts.SyntaxKind.AsteriskAsteriskEqualsToken:
        case ts.SyntaxKind.LessThanLessThanEqualsToken:
        case ts.SyntaxKind.GreaterThanGreaterThanEqualsToken:
        case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken:
        case ts.SyntaxKind.AmpersandEqualsToken:
        case ts.SyntaxKind.BarEqualsToken:
        case ts.SyntaxKind.CaretEqualsToken:
          result = numberish(result) ? 'number' : undefined;
          break;
        case ts.SyntaxKind.PlusEqualsToken:
          result = numberish(result) && write.value && numberish(typeOf(write.value, depth + 1)) ? 'number' : undefined;
          break;
        default:
          result = undefined;
      }
    }
    localMemo.set(binding, result);
    return result;
  };

  const typeOfCall = (call: ts.CallExpression): Inferred => {
    const callee = skipInnerWrappers(call.expression);
    const target = geneAt.get(callee);
    if (target) return returns.get(target);
    let name: string | undefined;
    if (ts.isIdentifier(callee)) {
      if (bindingOf.get(callee)) return undefined;
      name = isGlobal(callee) ? callee.text : undefined;
    } else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && isGlobal(callee.expression)) {
      if (callee.expression.text === 'Math') return 'number';
      name = `${callee.expression.text}.${callee.name.text}`;
    }
    if (name === undefined) return undefined;
    if (NUMBER_FUNCTIONS.has(name)) return 'number';
    if (BOOLEAN_FUNCTIONS.has(name)) return 'boolean';
    return undefined;
  };

  for (let round = 0; round < 50; round++) {
    let changed = false;
    localMemo.clear();
    for (const fn of [...returns.keys()]) {
      const documented = jsDocReturnType(fn.node);
      const declared = fn.node.type ? scalarOfType(fn.node.type) : typeof documented === 'string' ? documented : undefined;
      const inferred = returnTypeOf(fn.node, typeOf);
      const next = declared ?? inferred;
      if (next === undefined || next === 'pending' || (declared !== undefined && inferred !== undefined && inferred !== 'pending' && inferred !== declared) || inferred === undefined) {
        returns.delete(fn);
        changed = true;
      } else if (returns.get(fn) !== next) {
        returns.set(fn, next);
        changed = true;
      }
    }
    if (!changed) break;
  }

  const result = new Map<FunctionInfo, NumericSignature>();
  for (const [fn, type] of returns) if (type === 'number' || type === 'boolean') result.set(fn, { params: params.get(fn)!, returns: type });
  return result;
}

function numberish(type: Inferred): boolean {
  return type === 'number' || type === 'boolean' || type === 'pending';
}

function unify(a: Inferred, b: Inferred): Inferred {
  if (a === undefined || b === undefined) return undefined;
  if (a === 'pending') return b;
  if (b === 'pending') return a;
  return a === b ? a : undefined;
}

export function scalarOfType(type: ts.TypeNode): Scalar | undefined {
  if (type.kind === ts.SyntaxKind.NumberKeyword) return 'number';
  if (type.kind === ts.SyntaxKind.BooleanKeyword) return 'boolean';
  if (ts.isParenthesizedTypeNode(type)) return scalarOfType(type.type);
  if (ts.isLiteralTypeNode(type)) {
    if (ts.isNumericLiteral(type.literal) || ts.isPrefixUnaryExpression(type.literal)) return 'number';
    if (type.literal.kind === ts.SyntaxKind.TrueKeyword || type.literal.kind === ts.SyntaxKind.FalseKeyword) return 'boolean';
  }
  if (ts.isUnionTypeNode(type)) {
    const kinds = new Set(type.types.map(scalarOfType));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }
  return undefined;
}

function parameterType(parameter: ts.ParameterDeclaration): Scalar | undefined {
  if (parameter.dotDotDotToken || parameter.questionToken || !ts.isIdentifier(parameter.name)) return undefined;
  if (parameter.type) return scalarOfType(parameter.type);
  if (parameter.initializer) return ts.isNumericLiteral(skipInnerWrappers(parameter.initializer)) ? 'number' : undefined;
  // Unannotated (plain JavaScript, or `any` in TypeScript): JSDoc, else how the function uses it.
  const inferred = inferParameterType(parameter);
  return inferred && 'type' in inferred ? inferred.type : undefined;
}

/** The type of what a function returns, from its return statements (or expression body); undefined if it can fall off the end. */
function returnTypeOf(node: ts.FunctionLikeDeclaration, typeOf: (expression: ts.Node, depth: number) => Inferred): Inferred {
  const body = node.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return typeOf(body, 0);
  if (canCompleteNormally(body)) return undefined;
  let result: Inferred = 'pending';
  let returns = 0;
  const pending: ts.Node[] = [body];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (isGeneNode(current)) continue;
    if (ts.isReturnStatement(current)) {
      if (!current.expression) return undefined;
      result = unify(result, typeOf(current.expression, 0));
      returns++;
      if (result === undefined) return undefined;
      continue;
    }
    ts.forEachChild(current, (child) => {
      pending.push(child);
    });
  }
  return returns > 0 ? result : undefined;
}
