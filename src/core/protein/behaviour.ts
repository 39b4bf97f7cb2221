import { sha256 } from './sha256';
import ts from 'typescript';

/**
 * Behavioural signal for numeric genes: the gene's outputs on fixed canonical inputs.
 *
 * Structure alone cannot tell "one operator changed" (`a + b` → `a * b`, different
 * logic) from "one statement added" (a T3 clone): both are one small edit of the tree.
 * Outputs can. This is a small evaluator of a pure numeric subset of the syntax tree
 * (numbers, booleans, arithmetic, comparisons, logic, `Math.*`, locals, if/for/while,
 * self-recursion) — it never runs workspace code, only reads the tree, under a fuel
 * limit. Anything outside the subset gives no signature (`undefined`), and the gene is
 * then compared on structure alone. When the WebAssembly sandbox runs genes, its outputs
 * can replace this evaluator with the same signature format.
 */
export const BEHAVIOUR_FUEL = 20_000;
const MAX_DEPTH = 200;
const CANONICAL_VALUES: readonly number[] = [0, 1, -1, 2, 3, 0.5, -2.5, 10, 7, -7, 100, 0.001];
const RANDOM_TUPLES = 20;

type Value = number | boolean | undefined;
class Unsupported extends Error {}
class OutOfFuel extends Error {}
// One instance of each, thrown by reference: most genes leave the subset at once, and a new Error per gene (its stack trace) cost more than the evaluation.
const UNSUPPORTED = new Unsupported();
const OUT_OF_FUEL = new OutOfFuel();
type Completion = { kind: 'normal' } | { kind: 'return'; value: Value } | { kind: 'break' } | { kind: 'continue' };
const NORMAL: Completion = { kind: 'normal' };
const BREAK: Completion = { kind: 'break' };
const CONTINUE: Completion = { kind: 'continue' };

const MATH_FUNCTIONS: Record<string, (...args: number[]) => number> = {
  abs: Math.abs, sign: Math.sign, floor: Math.floor, ceil: Math.ceil, round: Math.round, trunc: Math.trunc, sqrt: Math.sqrt, cbrt: Math.cbrt,
  exp: Math.exp, expm1: Math.expm1, log: Math.log, log2: Math.log2, log10: Math.log10, log1p: Math.log1p, sin: Math.sin, cos: Math.cos,
  tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan, atan2: Math.atan2, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  pow: Math.pow, min: Math.min, max: Math.max, hypot: Math.hypot, fround: Math.fround, imul: Math.imul, clz32: Math.clz32,
};
const MATH_CONSTANTS: Record<string, number> = { PI: Math.PI, E: Math.E, LN2: Math.LN2, LN10: Math.LN10, LOG2E: Math.LOG2E, LOG10E: Math.LOG10E, SQRT2: Math.SQRT2, SQRT1_2: Math.SQRT1_2 };
const GLOBAL_CONSTANTS: Record<string, Value> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, undefined: undefined };

/** Deterministic argument tuples: every canonical value in all positions (catches `<` vs `<=`), then a fixed LCG sequence. */
export function canonicalInputs(arity: number): number[][] {
  const tuples: number[][] = CANONICAL_VALUES.map((v) => new Array<number>(arity).fill(v));
  let state = 0x2545f491;
  for (let t = 0; t < RANDOM_TUPLES; t++) {
    const tuple: number[] = [];
    for (let i = 0; i < arity; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      tuple.push(CANONICAL_VALUES[(state >>> 16) % CANONICAL_VALUES.length]!);
    }
    tuples.push(tuple);
  }
  return arity === 0 ? [[]] : tuples;
}

/** canonicalInputs per arity, built once: every gene asks for them and they never change. */
const inputsByArity: (readonly (readonly number[])[])[] = [];
function inputsOfArity(arity: number): readonly (readonly number[])[] {
  return (inputsByArity[arity] ??= canonicalInputs(arity));
}

function unwrap(node: ts.Expression): ts.Expression {
  for (;;) {
    switch (node.kind) {
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
        node = (node as ts.ParenthesizedExpression | ts.AsExpression | ts.NonNullExpression | ts.SatisfiesExpression | ts.TypeAssertion).expression;
        break;
      default:
        return node;
    }
  }
}

class Evaluator {
  private fuel = BEHAVIOUR_FUEL;
  private depth = 0;

  constructor(
    private readonly gene: ts.FunctionLikeDeclaration,
    private readonly selfName: string | undefined,
  ) {}

  call(args: readonly Value[]): Value {
    if (++this.depth > MAX_DEPTH) throw OUT_OF_FUEL;
    try {
      const env = new Map<string, Value>();
      this.gene.parameters.forEach((p, i) => env.set((p.name as ts.Identifier).text, args[i]));
      const body = this.gene.body!;
      if (!ts.isBlock(body)) return this.expression(body, env);
      const done = this.statement(body, env);
      return done.kind === 'return' ? done.value : undefined;
    } finally {
      this.depth--;
    }
  }

  private tick(): void {
    if (--this.fuel < 0) throw OUT_OF_FUEL;
  }

  private statement(node: ts.Statement, env: Map<string, Value>): Completion {
    this.tick();
    switch (node.kind) {
      case ts.SyntaxKind.Block:
        for (const s of (node as ts.Block).statements) {
          const done = this.statement(s, env);
          if (done.kind !== 'normal') return done;
        }
        return NORMAL;
      case ts.SyntaxKind.ReturnStatement: {
        const expression = (node as ts.ReturnStatement).expression;
        return { kind: 'return', value: expression ? this.expression(expression, env) : undefined };
      }
      case ts.SyntaxKind.ExpressionStatement:
        this.expression((node as ts.ExpressionStatement).expression, env);
        return NORMAL;
      case ts.SyntaxKind.VariableStatement:
        for (const d of (node as ts.VariableStatement).declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || env.has(d.name.text)) throw UNSUPPORTED;
          env.set(d.name.text, d.initializer ? this.expression(d.initializer, env) : undefined);
        }
        return NORMAL;
      case ts.SyntaxKind.IfStatement: {
        const branch = node as ts.IfStatement;
        if (this.expression(branch.expression, env)) return this.statement(branch.thenStatement, env);
        return branch.elseStatement ? this.statement(branch.elseStatement, env) : NORMAL;
      }
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.ForStatement:
        return this.loop(node as ts.WhileStatement | ts.ForStatement, env);
      case ts.SyntaxKind.BreakStatement:
        if ((node as ts.BreakStatement).label) throw UNSUPPORTED;
        return BREAK;
      case ts.SyntaxKind.ContinueStatement:
        if ((node as ts.ContinueStatement).label) throw UNSUPPORTED;
        return CONTINUE;
      case ts.SyntaxKind.EmptyStatement:
        return NORMAL;
      default:
        throw UNSUPPORTED;
    }
  }

  private loop(node: ts.WhileStatement | ts.ForStatement, env: Map<string, Value>): Completion {
    if (ts.isForStatement(node) && node.initializer) {
      if (ts.isVariableDeclarationList(node.initializer)) this.statement(ts.factory.createVariableStatement(undefined, node.initializer), env);
      else this.expression(node.initializer, env);
    }
    const condition = ts.isWhileStatement(node) ? node.expression : node.condition;
    while (condition === undefined || this.expression(condition, env)) {
      const done = this.statement(node.statement, env);
      if (done.kind === 'break') break;
      if (done.kind === 'return') return done;
      if (ts.isForStatement(node) && node.incrementor) this.expression(node.incrementor, env);
    }
    return NORMAL;
  }

  private assign(target: ts.Expression, value: Value, env: Map<string, Value>): Value {
    const name = unwrap(target);
    if (!ts.isIdentifier(name) || !env.has(name.text)) throw UNSUPPORTED;
    env.set(name.text, value);
    return value;
  }

  private expression(node: ts.Expression, env: Map<string, Value>): Value {
    this.tick();
    node = unwrap(node);
    // A switch on the kind: this runs once per evaluation step, up to BEHAVIOUR_FUEL times per input.
    switch (node.kind) {
      case ts.SyntaxKind.NumericLiteral: {
        const text = (node as ts.NumericLiteral).text;
        return Number(text.includes('_') ? text.replace(/_/g, '') : text);
      }
      case ts.SyntaxKind.TrueKeyword:
        return true;
      case ts.SyntaxKind.FalseKeyword:
        return false;
      case ts.SyntaxKind.Identifier: {
        const name = (node as ts.Identifier).text;
        if (env.has(name)) return env.get(name);
        if (name in GLOBAL_CONSTANTS) return GLOBAL_CONSTANTS[name];
        throw UNSUPPORTED;
      }
      case ts.SyntaxKind.PropertyAccessExpression: {
        const access = node as ts.PropertyAccessExpression;
        if (!ts.isIdentifier(access.expression) || access.expression.text !== 'Math' || env.has('Math')) throw UNSUPPORTED;
        const value = MATH_CONSTANTS[access.name.text];
        if (value === undefined) throw UNSUPPORTED;
        return value;
      }
      case ts.SyntaxKind.CallExpression:
        return this.callExpression(node as ts.CallExpression, env);
      case ts.SyntaxKind.ConditionalExpression: {
        const conditional = node as ts.ConditionalExpression;
        return this.expression(conditional.condition, env) ? this.expression(conditional.whenTrue, env) : this.expression(conditional.whenFalse, env);
      }
      case ts.SyntaxKind.PrefixUnaryExpression:
        return this.prefix(node as ts.PrefixUnaryExpression, env);
      case ts.SyntaxKind.PostfixUnaryExpression: {
        const postfix = node as ts.PostfixUnaryExpression;
        const old = this.expression(postfix.operand, env) as number;
        this.assign(postfix.operand, postfix.operator === ts.SyntaxKind.PlusPlusToken ? old + 1 : old - 1, env);
        return old;
      }
      case ts.SyntaxKind.BinaryExpression:
        return this.binary(node as ts.BinaryExpression, env);
      default:
        throw UNSUPPORTED;
    }
  }

  private callExpression(node: ts.CallExpression, env: Map<string, Value>): Value {
    const callee = unwrap(node.expression);
    const args: Value[] = [];
    for (const a of node.arguments) {
      if (ts.isSpreadElement(a)) throw UNSUPPORTED;
      args.push(this.expression(a, env));
    }
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math' && !env.has('Math')) {
      const fn = MATH_FUNCTIONS[callee.name.text];
      if (!fn) throw UNSUPPORTED;
      return fn(...(args as number[]));
    }
    if (ts.isIdentifier(callee) && callee.text === this.selfName && !env.has(callee.text)) return this.call(args);
    throw UNSUPPORTED;
  }

  private prefix(node: ts.PrefixUnaryExpression, env: Map<string, Value>): Value {
    const value = this.expression(node.operand, env) as number;
    switch (node.operator) {
      case ts.SyntaxKind.MinusToken:
        return -value;
      case ts.SyntaxKind.PlusToken:
        return +value;
      case ts.SyntaxKind.ExclamationToken:
        return !value;
      case ts.SyntaxKind.TildeToken:
        return ~value;
      case ts.SyntaxKind.PlusPlusToken:
        return this.assign(node.operand, value + 1, env);
      case ts.SyntaxKind.MinusMinusToken:
        return this.assign(node.operand, value - 1, env);
    }
  }

  private binary(node: ts.BinaryExpression, env: Map<string, Value>): Value {
    const op = node.operatorToken.kind;
    const K = ts.SyntaxKind;
    if (op === K.EqualsToken) return this.assign(node.left, this.expression(node.right, env), env);
    if (op === K.AmpersandAmpersandToken) return this.expression(node.left, env) && this.expression(node.right, env);
    if (op === K.BarBarToken) return this.expression(node.left, env) || this.expression(node.right, env);
    if (op === K.QuestionQuestionToken) return this.expression(node.left, env) ?? this.expression(node.right, env);
    if (op === K.CommaToken) {
      this.expression(node.left, env);
      return this.expression(node.right, env);
    }
    const compound = COMPOUND.get(op);
    const a = this.expression(node.left, env) as number;
    const b = this.expression(node.right, env) as number;
    if (compound !== undefined) return this.assign(node.left, arithmetic(compound, a, b), env);
    return arithmetic(op, a, b);
  }
}

const COMPOUND = new Map<ts.SyntaxKind, ts.SyntaxKind>([
  [ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.PlusToken],
  [ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.MinusToken],
  [ts.SyntaxKind.AsteriskEqualsToken, ts.SyntaxKind.AsteriskToken],
  [ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.SlashToken],
  [ts.SyntaxKind.PercentEqualsToken, ts.SyntaxKind.PercentToken],
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken, ts.SyntaxKind.AsteriskAsteriskToken],
]);

function arithmetic(op: ts.SyntaxKind, a: number, b: number): Value {
  const K = ts.SyntaxKind;
  switch (op) {
    case K.PlusToken: return a + b;
    case K.MinusToken: return a - b;
    case K.AsteriskToken: return a * b;
    case K.SlashToken: return a / b;
    case K.PercentToken: return a % b;
    case K.AsteriskAsteriskToken: return a ** b;
    case K.LessThanToken: return a < b;
    case K.LessThanEqualsToken: return a <= b;
    case K.GreaterThanToken: return a > b;
    case K.GreaterThanEqualsToken: return a >= b;
    case K.EqualsEqualsEqualsToken: return a === b;
    case K.ExclamationEqualsEqualsToken: return a !== b;
    case K.EqualsEqualsToken: return a == b;
    case K.ExclamationEqualsToken: return a != b;
    case K.AmpersandToken: return a & b;
    case K.BarToken: return a | b;
    case K.CaretToken: return a ^ b;
    case K.LessThanLessThanToken: return a << b;
    case K.GreaterThanGreaterThanToken: return a >> b;
    case K.GreaterThanGreaterThanGreaterThanToken: return a >>> b;
    default: throw UNSUPPORTED;
  }
}

function show(value: Value): string {
  if (typeof value !== 'number') return String(value);
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : String(value);
}

/**
 * The behaviour signature of a numeric gene (`b1:` + 16 hex of sha-256 over its outputs on
 * canonicalInputs), or undefined when the gene is outside the evaluable subset.
 */
export function behaviourSignature(gene: ts.FunctionLikeDeclaration, selfName?: string): string | undefined {
  if (!gene.body || gene.parameters.some((p) => !ts.isIdentifier(p.name) || p.initializer || p.dotDotDotToken)) return undefined;
  if (ts.isFunctionExpression(gene) || ts.isFunctionDeclaration(gene)) selfName ??= gene.name?.text;
  const outputs: string[] = [];
  // The evaluation depends on the arguments alone, and the random tuples repeat canonical ones (every one of them at arity 1): each distinct tuple runs once.
  const seen = new Map<string, string>();
  for (const args of inputsOfArity(gene.parameters.length)) {
    const key = args.join(',');
    let output = seen.get(key);
    if (output === undefined) {
      try {
        output = show(new Evaluator(gene, selfName).call(args));
      } catch (error) {
        if (error instanceof OutOfFuel) output = 'fuel';
        // RangeError: a nesting deep enough to exhaust the stack is outside the subset too.
        else if (error instanceof Unsupported || error instanceof RangeError) return undefined;
        else throw error;
      }
      seen.set(key, output);
    }
    outputs.push(output);
  }
  // A gene that returns nothing numeric on every input is not a numeric gene.
  if (outputs.every((o) => o === 'undefined' || o === 'fuel')) return undefined;
  return `b1:${sha256(outputs.join(',')).toString('hex').slice(0, 16)}`;
}
