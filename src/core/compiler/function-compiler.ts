/**
 * Compiles the body of one gene function (statements and expressions) to WebAssembly instructions with
 * JavaScript's exact numeric semantics. Anything outside the subset throws Refusal, which compileGene turns
 * into the `unsupported` verdict: a gene is refused rather than compiled into a module that could differ.
 */
import ts from 'typescript';
import { CodeBuffer, type FunctionRef, Op, ValType } from './wasm-encoder';
import { canCompleteNormally } from '../genes/control-flow';
import { type ArrayType, type GeneType, type ResultType, elementTypeOf, isArrayType } from './types';
import * as arrays from './arrays/array-expressions';
import type { EnumConstants } from './enums';
import * as strings from './strings/string-expressions';
import type { MemoryHelperName } from './strings/runtime';

/** Thrown inside the compiler only; never escapes compileGene. */
export class Refusal extends Error {
  constructor(
    readonly node: ts.Node,
    readonly construct: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Numbers are f64; booleans i32 (0 or 1); strings an i32 pointer into linear memory (0 is undefined). */
export const valTypeOf = (type: ResultType): ValType => (type === 'number' ? ValType.F64 : ValType.I32);

/** What a function compiler needs from the module being built: other genes, imports, helpers, module scope. */
export interface ModuleServices {
  /** Resolves an identifier that is not a local; see ModuleScope. */
  resolveOuter(fn: ts.Node, name: string, at: ts.Node): OuterValue;
  /** The callable for a gene called with `argumentCount` arguments, compiling it on first use. */
  callee(fn: ts.FunctionLikeDeclaration, name: string, argumentCount: number, at: ts.Node): CalleeInfo;
  hostImport(name: string, arity: 1 | 2): FunctionRef;
  helper(name: 'toInt32' | 'fmod' | 'round' | 'sign' | 'outOfFuel'): FunctionRef;
  stringHelper(name: MemoryHelperName): FunctionRef;
  /** The address of a string literal in the module's data. */
  literal(text: string): number;
  fuelGlobal: number;
}

export type OuterValue =
  | { kind: 'const'; initializer: ts.Expression; scopeOf: ts.Node; name: string }
  | { kind: 'function'; node: ts.FunctionLikeDeclaration; name: string }
  | { kind: 'global'; name: string }
  | { kind: 'enum'; constants: EnumConstants };

export interface CalleeInfo {
  ref: FunctionRef;
  params: readonly GeneType[];
  /** Undefined while a recursive callee has not yet reached its first return. */
  result: ResultType | undefined;
}

interface Local {
  index: number;
  type: GeneType;
  mutable: boolean;
  /** False between the start of its block and its declaration (the temporal dead zone). */
  initialized: boolean;
  /** Declared without a value (`let x;`, `var x`): undefined until assigned on every path, so reads are refused. */
  unset?: boolean;
  /** An array the gene built itself (only ever assigned array literals): the only arrays `push` may change. */
  fresh?: boolean;
}

/** A structured instruction on the wasm control stack; JavaScript break/continue targets are marked. */
interface ControlFrame {
  breakLabels?: readonly string[];
  breakable?: 'loop' | 'switch' | 'labelled';
  continueLabels?: readonly string[];
  continuable?: boolean;
  /** Which deferred locals were unset at each `break` out of this switch or labelled block. */
  exits?: boolean[][];
}

const MAX_DEPTH = 4000;
const TYPE_KEYWORDS: Partial<Record<ts.SyntaxKind, GeneType>> = {
  [ts.SyntaxKind.NumberKeyword]: 'number',
  [ts.SyntaxKind.BooleanKeyword]: 'boolean',
  [ts.SyntaxKind.StringKeyword]: 'string',
};

export function typeFromAnnotation(type: ts.TypeNode | undefined): GeneType | undefined | 'other' {
  if (!type) return undefined;
  const element = arrayElementAnnotation(type);
  if (element) return `${element}[]`;
  return TYPE_KEYWORDS[type.kind] ?? 'other';
}

/** `T[]`, `readonly T[]`, `Array<T>`, `ReadonlyArray<T>` of number, boolean or string: T. */
function arrayElementAnnotation(type: ts.TypeNode): 'number' | 'boolean' | 'string' | undefined {
  if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword) return arrayElementAnnotation(type.type);
  if (ts.isParenthesizedTypeNode(type)) return arrayElementAnnotation(type.type);
  let element: ts.TypeNode | undefined;
  if (ts.isArrayTypeNode(type)) element = type.elementType;
  else if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && (type.typeName.text === 'Array' || type.typeName.text === 'ReadonlyArray') && type.typeArguments?.length === 1) element = type.typeArguments[0];
  const keyword = element ? TYPE_KEYWORDS[element.kind] : undefined;
  return keyword !== undefined && !isArrayType(keyword) ? keyword : undefined;
}

/** A return type annotation: a value type, `void`/`undefined`, `null`, or `string | undefined` (pointer 0 is undefined). */
export function resultFromAnnotation(type: ts.TypeNode): ResultType | 'other' {
  if (ts.isParenthesizedTypeNode(type)) return resultFromAnnotation(type.type);
  if (type.kind === ts.SyntaxKind.VoidKeyword || type.kind === ts.SyntaxKind.UndefinedKeyword) return 'undefined';
  if (ts.isLiteralTypeNode(type) && type.literal.kind === ts.SyntaxKind.NullKeyword) return 'null';
  if (ts.isUnionTypeNode(type) && type.types.length === 2) {
    const parts = type.types.map(resultFromAnnotation);
    if (parts.includes('string') && parts.includes('undefined')) return 'string';
  }
  return typeFromAnnotation(type) ?? 'other';
}

const MATH_CONSTANTS: Record<string, number> = {
  E: Math.E, LN10: Math.LN10, LN2: Math.LN2, LOG10E: Math.LOG10E, LOG2E: Math.LOG2E, PI: Math.PI, SQRT1_2: Math.SQRT1_2, SQRT2: Math.SQRT2,
};
const NUMBER_CONSTANTS: Record<string, number> = {
  EPSILON: Number.EPSILON, MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER, MAX_VALUE: Number.MAX_VALUE, MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER,
  MIN_VALUE: Number.MIN_VALUE, NaN: Number.NaN, NEGATIVE_INFINITY: Number.NEGATIVE_INFINITY, POSITIVE_INFINITY: Number.POSITIVE_INFINITY,
};
/** Math functions that are single WebAssembly instructions with exactly JavaScript's results. */
const MATH_INSTRUCTIONS: Record<string, Op> = { abs: Op.f64_abs, floor: Op.f64_floor, ceil: Op.f64_ceil, trunc: Op.f64_trunc, sqrt: Op.f64_sqrt };
const MATH_UNARY_IMPORTS = new Set(['acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cbrt', 'cos', 'cosh', 'exp', 'expm1', 'log', 'log1p', 'log10', 'log2', 'sin', 'sinh', 'tan', 'tanh']);
const MATH_BINARY_IMPORTS = new Set(['atan2', 'pow']);

const ASSIGNMENT_OPERATORS: Partial<Record<ts.SyntaxKind, ts.BinaryOperator>> = {
  [ts.SyntaxKind.PlusEqualsToken]: ts.SyntaxKind.PlusToken,
  [ts.SyntaxKind.MinusEqualsToken]: ts.SyntaxKind.MinusToken,
  [ts.SyntaxKind.AsteriskEqualsToken]: ts.SyntaxKind.AsteriskToken,
  [ts.SyntaxKind.SlashEqualsToken]: ts.SyntaxKind.SlashToken,
  [ts.SyntaxKind.PercentEqualsToken]: ts.SyntaxKind.PercentToken,
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: ts.SyntaxKind.AsteriskAsteriskToken,
  [ts.SyntaxKind.LessThanLessThanEqualsToken]: ts.SyntaxKind.LessThanLessThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
  [ts.SyntaxKind.AmpersandEqualsToken]: ts.SyntaxKind.AmpersandToken,
  [ts.SyntaxKind.BarEqualsToken]: ts.SyntaxKind.BarToken,
  [ts.SyntaxKind.CaretEqualsToken]: ts.SyntaxKind.CaretToken,
};

export interface ParameterPlan {
  name: string;
  type: GeneType;
  initializer: ts.Expression | undefined;
  node: ts.ParameterDeclaration;
}

/**
 * One function: its locals, control stack and code. `resultType` starts from the annotation, or from the
 * first `return` when there is none.
 */
export class FunctionCompiler implements strings.StringCompilerHost, arrays.ArrayCompilerHost {
  code = new CodeBuffer();
  readonly localTypes: ValType[] = [];
  readonly localNames: string[] = [];
  resultType: ResultType | undefined;
  private readonly scopes: Map<string, Local>[] = [];
  private readonly control: ControlFrame[] = [];
  private depth = 0;
  /** Set while compiling a module-level const initializer: locals are invisible there. */
  private outerOnly = false;
  private readonly scratch = new Map<ValType, number[]>();
  /** Every local declared without a value, for the definite-assignment state saved around branches. */
  private readonly deferred: Local[] = [];

  constructor(
    private readonly services: ModuleServices,
    /** The function node whose outer names are resolved (module scope of the gene). */
    private readonly owner: ts.Node,
    params: readonly { name: string; type: GeneType }[],
    resultType: ResultType | undefined,
  ) {
    this.resultType = resultType;
    this.scopes.push(new Map());
    params.forEach((p, index) => {
      this.localNames.push(p.name);
      this.scopes[0]!.set(p.name, { index, type: p.type, mutable: true, initialized: true });
    });
    this.paramCount = params.length;
  }

  private readonly paramCount: number;

  /** Marks parameter `name` as not yet initialized (a default value that reads a later parameter). */
  setParameterInitialized(name: string, initialized: boolean): void {
    const local = this.scopes[0]!.get(name);
    if (local) local.initialized = initialized;
  }

  /** In an arity adapter: a parameter the caller left out becomes a local, filled from its default value. */
  addMissingParameter(name: string, type: GeneType): number {
    const index = this.newLocal(valTypeOf(type), name);
    this.scopes[0]!.set(name, { index, type, mutable: true, initialized: false });
    return index;
  }

  chargeFuel(): void {
    const fuel = this.services.fuelGlobal;
    this.code.withIndex(Op.global_get, fuel).i64(1n).op(Op.i64_sub).withIndex(Op.global_set, fuel);
    this.code.withIndex(Op.global_get, fuel).i64(0n).op(Op.i64_lt_s).open(Op.if).call(this.services.helper('outOfFuel')).op(Op.end);
  }

  private newLocal(type: ValType, name: string): number {
    const index = this.paramCount + this.localTypes.length;
    this.localTypes.push(type);
    this.localNames.push(name);
    return index;
  }

  /** A temporary local, reused once released; temporaries never live across statements. */
  temp(type: ValType): number {
    const free = this.scratch.get(type);
    return free && free.length > 0 ? free.pop()! : this.newLocal(type, `tmp${this.localTypes.length}`);
  }

  release(type: ValType, index: number): void {
    let free = this.scratch.get(type);
    if (!free) this.scratch.set(type, (free = []));
    free.push(index);
  }

  private enter(node: ts.Node): void {
    if (++this.depth > MAX_DEPTH) throw new Refusal(node, 'deep nesting', `nesting deeper than ${MAX_DEPTH} levels`);
  }

  // ---- functions -------------------------------------------------------------------------------

  /** The body of a gene: a block, or an arrow function's expression. */
  compileBody(body: ts.ConciseBody): void {
    if (ts.isBlock(body)) {
      this.hoistVars(body);
      this.statements(body.statements);
      if (canCompleteNormally(body)) {
        // Falling off the end returns undefined: the whole result of a function without a value, pointer 0 of a string.
        if (this.resultType !== undefined && this.resultType !== 'undefined' && this.resultType !== 'string') {
          throw new Refusal(body, 'missing return', `the function can end without \`return\`, so it may return undefined instead of a ${this.resultType}`);
        }
        this.code.i32(0);
        this.noteReturn('undefined', body);
      } else {
        // Every path returned; the validator still wants the stack typed at the end.
        this.code.op(Op.unreachable);
      }
    } else {
      this.returnValue(body);
    }
  }

  /** The value of `return value` or of an arrow's expression body, left on the stack. */
  private returnValue(value: ts.Expression): void {
    const unit = this.unitValue(value);
    if (unit) {
      this.code.i32(0);
      this.noteReturn(unit, value);
    } else {
      // A returned `[]` with no return type (nor an earlier return) to say its elements is typed as numbers: an empty
      // array is the same value whatever its element type; a later return of another array type is refused.
      const empty = ts.isArrayLiteralExpression(unparenthesized(value)) && (unparenthesized(value) as ts.ArrayLiteralExpression).elements.length === 0;
      const expected = this.resultType !== undefined && isArrayType(this.resultType) ? this.resultType : empty && this.resultType === undefined ? 'number[]' : undefined;
      this.noteReturn(this.valueExpression(value, expected), value);
    }
  }

  /** `undefined`, `void 0` or `null`: values a gene may return but that never flow into expressions. */
  private unitValue(node: ts.Expression): 'undefined' | 'null' | undefined {
    const inner = unparenthesized(node);
    if (inner.kind === ts.SyntaxKind.NullKeyword) return 'null';
    if (ts.isVoidExpression(inner) && ts.isNumericLiteral(unparenthesized(inner.expression))) return 'undefined';
    if (!ts.isIdentifier(inner) || inner.text !== 'undefined' || this.lookupLocal('undefined')) return undefined;
    return this.services.resolveOuter(this.owner, 'undefined', inner).kind === 'global' ? 'undefined' : undefined;
  }

  /** A default parameter value, evaluated into the parameter's local in an arity adapter. */
  compileDefault(plan: ParameterPlan, index: number): void {
    if (!plan.initializer) throw new Refusal(plan.node, 'missing argument', `'${plan.name}' has no default value`);
    const type = this.expression(plan.initializer!);
    if (type !== plan.type) throw new Refusal(plan.initializer!, 'default value type', `the default of '${plan.name}' is a ${type}, the parameter a ${plan.type}`);
    this.code.set(index);
    this.setParameterInitialized(plan.name, true);
  }

  /** Compiles an expression only to learn its type (used for unannotated parameters). */
  typeOf(expression: ts.Expression): GeneType {
    const saved = this.code;
    this.code = new CodeBuffer();
    try {
      return this.expression(expression);
    } finally {
      this.code = saved;
    }
  }

  private noteReturn(type: ResultType, at: ts.Node): void {
    const current = this.resultType;
    if (current === undefined || current === type) this.resultType = type;
    // A string result is pointer 0 for undefined, which every returned undefined already is.
    else if (current === 'undefined' && type === 'string') this.resultType = 'string';
    else if (!(current === 'string' && type === 'undefined')) throw new Refusal(at, 'mixed return types', `returns ${type === 'undefined' || type === 'null' ? type : `a ${type}`} where the function returns ${current === 'undefined' || current === 'null' ? current : `a ${current}`}`);
  }

  // ---- statements ------------------------------------------------------------------------------

  private statements(statements: readonly ts.Statement[]): void {
    const scope = new Map<string, Local>();
    // Block-scoped names exist from the start of the block, uninitialized until declared.
    for (const statement of statements) {
      if (ts.isVariableStatement(statement)) this.declareNames(statement.declarationList, scope);
      else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) throw new Refusal(statement, 'nested declaration', 'functions and classes declared inside a gene are closures');
    }
    this.scopes.push(scope);
    for (const statement of statements) this.statement(statement);
    this.scopes.pop();
  }

  private declareNames(list: ts.VariableDeclarationList, scope: Map<string, Local>): void {
    const isLet = (list.flags & ts.NodeFlags.Let) !== 0;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    if (!isLet && !isConst) return; // `var`: hoisted to the function's scope by hoistVars
    for (const declaration of list.declarations) {
      if (!ts.isIdentifier(declaration.name)) throw new Refusal(declaration.name, 'destructuring', 'destructuring needs objects or arrays');
      const name = declaration.name.text;
      if (scope.has(name)) throw new Refusal(declaration, 'redeclaration', `'${name}' is declared twice in one block`);
      if (this.varNames.has(name)) throw new Refusal(declaration, 'redeclaration', `'${name}' is also declared with var in this function`);
      scope.set(name, { index: -1, type: 'number', mutable: isLet, initialized: false });
    }
  }

  private readonly varNames = new Set<string>();

  /** `var` names belong to the whole function and start undefined; a parameter of the same name is the same binding. */
  private hoistVars(body: ts.Block): void {
    const scope = new Map<string, Local>();
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
      if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.BlockScoped) === 0) {
        for (const declaration of node.declarations) {
          if (!ts.isIdentifier(declaration.name)) throw new Refusal(declaration.name, 'destructuring', 'destructuring needs objects or arrays');
          const name = declaration.name.text;
          this.varNames.add(name);
          if (scope.has(name) || this.scopes[0]!.has(name)) continue;
          const local: Local = { index: -1, type: 'number', mutable: true, initialized: true, unset: true };
          this.typeFromDeclaration(local, declaration);
          scope.set(name, local);
          this.deferred.push(local);
        }
      }
      ts.forEachChild(node, visit);
    };
    body.statements.forEach(visit);
    this.scopes.push(scope);
  }

  /** An annotated variable gets its storage at once; an unannotated one at its first assignment. */
  private typeFromDeclaration(local: Local, declaration: ts.VariableDeclaration): void {
    const annotated = typeFromAnnotation(declaration.type);
    if (annotated === 'other') throw new Refusal(declaration.type!, 'type annotation', `'${declaration.name.getText()}' is declared ${declaration.type!.getText()}`);
    if (annotated !== undefined && local.index < 0) {
      local.type = annotated;
      local.index = this.newLocal(valTypeOf(annotated), declaration.name.getText());
    }
  }

  /** Which deferred locals are still unset, saved before a branch and restored or merged after it. */
  private unsetState(): boolean[] {
    return this.deferred.map((local) => local.unset === true);
  }

  private restoreUnset(state: readonly boolean[], orWith?: readonly boolean[]): void {
    state.forEach((unset, i) => {
      this.deferred[i]!.unset = unset || (orWith?.[i] ?? false);
    });
  }

  private statement(node: ts.Statement): void {
    this.enter(node);
    switch (node.kind) {
      case ts.SyntaxKind.Block:
        this.statements((node as ts.Block).statements);
        break;
      case ts.SyntaxKind.EmptyStatement:
        break;
      case ts.SyntaxKind.VariableStatement:
        this.variableDeclarations((node as ts.VariableStatement).declarationList);
        break;
      case ts.SyntaxKind.ExpressionStatement: {
        const expression = (node as ts.ExpressionStatement).expression;
        this.valueExpression(expression);
        this.code.op(Op.drop);
        // Only an assignment that is a whole statement surely runs whenever the statement does.
        if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
          const target = unparenthesized(expression.left);
          if (ts.isIdentifier(target)) this.lookupLocal(target.text)!.unset = false;
        }
        break;
      }
      case ts.SyntaxKind.ReturnStatement: {
        const value = (node as ts.ReturnStatement).expression;
        if (value) this.returnValue(value);
        else {
          this.code.i32(0);
          this.noteReturn('undefined', node);
        }
        this.code.op(Op.return);
        break;
      }
      case ts.SyntaxKind.IfStatement: {
        const statement = node as ts.IfStatement;
        this.condition(statement.expression);
        const before = this.unsetState();
        this.code.open(Op.if);
        this.control.push({});
        this.nested(statement.thenStatement);
        const afterThen = this.unsetState();
        this.restoreUnset(before);
        if (statement.elseStatement) {
          this.code.op(Op.else);
          this.nested(statement.elseStatement);
        }
        this.restoreUnset(this.unsetState(), afterThen);
        this.control.pop();
        this.code.op(Op.end);
        break;
      }
      case ts.SyntaxKind.SwitchStatement:
        this.switchStatement(node as ts.SwitchStatement, []);
        break;
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
      case ts.SyntaxKind.ForStatement:
        this.loop(node as ts.IterationStatement, []);
        break;
      case ts.SyntaxKind.ForOfStatement:
        this.forOf(node as ts.ForOfStatement, []);
        break;
      case ts.SyntaxKind.LabeledStatement:
        this.labelled(node as ts.LabeledStatement);
        break;
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement:
        this.jump(node as ts.BreakOrContinueStatement);
        break;
      default:
        throw new Refusal(node, describe(node), `${describe(node)} is outside the numeric subset`);
    }
    this.depth--;
  }

  /** The body of an if/loop: a statement in its own block scope. */
  private nested(statement: ts.Statement): void {
    if (ts.isVariableStatement(statement)) throw new Refusal(statement, 'declaration as body', 'a declaration cannot be the body of if or a loop');
    this.statement(statement);
  }

  private variableDeclarations(list: ts.VariableDeclarationList): void {
    for (const declaration of list.declarations) {
      const name = (declaration.name as ts.Identifier).text;
      const local = this.lookupLocal(name);
      if (!local) throw new Refusal(declaration, 'declaration', `'${name}' was not pre-declared`);
      const isVar = (list.flags & ts.NodeFlags.BlockScoped) === 0;
      if (!declaration.initializer) {
        // `let x;` is undefined until assigned; `var x;` again changes nothing.
        if (!isVar) {
          local.initialized = true;
          local.unset = true;
          this.deferred.push(local);
          this.typeFromDeclaration(local, declaration);
        }
        continue;
      }
      if (isVar) {
        this.storeInto(local, this.valueExpression(declaration.initializer), declaration, name);
        this.code.op(Op.drop);
        local.unset = false;
        continue;
      }
      const annotated = typeFromAnnotation(declaration.type);
      const type = this.valueExpression(declaration.initializer, annotated === 'other' ? undefined : annotated);
      if (annotated === 'other' || (annotated !== undefined && annotated !== type)) {
        throw new Refusal(declaration.type!, 'type annotation', `'${name}' is annotated ${declaration.type!.getText()} but holds a ${type}`);
      }
      local.type = type;
      local.fresh = isArrayType(type) && ts.isArrayLiteralExpression(unparenthesized(declaration.initializer)) && !this.reassigned().has(name);
      local.index = this.newLocal(valTypeOf(type), name);
      local.initialized = true;
      this.code.set(local.index);
    }
  }

  private labelled(node: ts.LabeledStatement): void {
    // Labels directly on a loop name the loop itself (for `continue label`).
    const labels: string[] = [];
    let inner: ts.Statement = node;
    while (ts.isLabeledStatement(inner)) {
      labels.push(inner.label.text);
      inner = inner.statement;
    }
    if (ts.isForOfStatement(inner)) {
      this.enter(inner);
      this.forOf(inner, labels);
      this.depth--;
      return;
    }
    if (ts.isWhileStatement(inner) || ts.isDoStatement(inner) || ts.isForStatement(inner)) {
      this.enter(inner);
      this.loop(inner, labels);
      this.depth--;
      return;
    }
    if (ts.isSwitchStatement(inner)) {
      this.enter(inner);
      this.switchStatement(inner, labels);
      this.depth--;
      return;
    }
    const frame: ControlFrame = { breakLabels: labels, breakable: 'labelled', exits: [] };
    this.code.open(Op.block);
    this.control.push(frame);
    this.nested(inner);
    this.control.pop();
    this.code.op(Op.end);
    // After the block: the end of its body, or any `break` out of it, may have been the way out.
    this.mergeExits(frame.exits!, this.unsetState());
  }

  /** The definite-assignment state after a construct left by any of `exits` (empty: the end is unreachable). */
  private mergeExits(exits: readonly boolean[][], ...more: boolean[][]): void {
    const all = [...exits, ...more];
    if (all.length === 0) return;
    const merged = all[0]!.map((_, i) => all.some((state) => state[i] === true));
    this.restoreUnset(merged);
  }

  /**
   * JavaScript's switch: the discriminant once, then `===` against each case in order (lazily), a jump to the
   * first match (or `default`, wherever it stands) and fall-through from there:
   * block $exit { block $c[n-1] … block $c[0] { k; br_table $c[0] … $c[n-1] $exit } clause 0 … } clause n-1 }
   */
  private switchStatement(node: ts.SwitchStatement, labels: readonly string[]): void {
    const clauses = node.caseBlock.clauses;
    const scope = new Map<string, Local>();
    for (const clause of clauses) {
      for (const statement of clause.statements) {
        if (ts.isVariableStatement(statement)) this.declareNames(statement.declarationList, scope);
        else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) throw new Refusal(statement, 'nested declaration', 'functions and classes declared inside a gene are closures');
      }
    }
    const discriminantType = this.expression(node.expression);
    const discriminant = this.temp(valTypeOf(discriminantType));
    const target = this.temp(ValType.I32);
    this.code.set(discriminant);
    // Which clause runs first: the first case equal to the discriminant, else default, else none (n).
    const defaultIndex = clauses.findIndex(ts.isDefaultClause);
    this.code.open(Op.block);
    clauses.forEach((clause, index) => {
      if (!ts.isCaseClause(clause)) return;
      const type = this.expression(clause.expression);
      if (type !== discriminantType) {
        this.code.op(Op.drop).i32(0); // values of different types are never ===
      } else if (type === 'string') {
        this.code.get(discriminant);
        strings.equality(this, false);
      } else {
        this.code.get(discriminant).op(type === 'number' ? Op.f64_eq : Op.i32_eq);
      }
      this.code.open(Op.if).i32(index).set(target).withIndex(Op.br, 1).op(Op.end);
    });
    this.code.i32(defaultIndex < 0 ? clauses.length : defaultIndex).set(target);
    this.code.op(Op.end);
    this.release(valTypeOf(discriminantType), discriminant);

    const before = this.unsetState();
    this.scopes.push(scope);
    const frame: ControlFrame = { breakLabels: labels, breakable: 'switch', exits: [] };
    this.code.open(Op.block);
    this.control.push(frame);
    for (let i = clauses.length - 1; i >= 0; i--) {
      this.code.open(Op.block);
      this.control.push({});
    }
    this.code.get(target).brTable(clauses.map((_, index) => index), clauses.length);
    this.release(ValType.I32, target);
    clauses.forEach((clause) => {
      this.control.pop();
      this.code.op(Op.end);
      // Entered directly or by fall-through: nothing assigned in earlier clauses is sure here.
      this.restoreUnset(before);
      for (const local of scope.values()) local.initialized = false;
      for (const statement of clause.statements) this.statement(statement);
    });
    this.control.pop();
    this.code.op(Op.end);
    this.scopes.pop();
    // Ways out: a break, falling off the last clause, or no clause at all when there is no default.
    const last = clauses[clauses.length - 1];
    const fallsOff = !last || last.statements.every(canCompleteNormally);
    this.mergeExits(frame.exits!, ...(fallsOff ? [this.unsetState()] : []), ...(defaultIndex < 0 ? [before] : []));
  }

  /** block $break { loop $top { fuel; [test]; block $continue { body }; [update | do-test]; br $top } } */
  private loop(node: ts.IterationStatement, labels: readonly string[]): void {
    let forScope: Map<string, Local> | undefined;
    if (ts.isForStatement(node) && node.initializer) {
      if (ts.isVariableDeclarationList(node.initializer)) {
        forScope = new Map();
        this.declareNames(node.initializer, forScope);
        this.scopes.push(forScope);
        this.variableDeclarations(node.initializer);
      } else {
        this.expression(node.initializer);
        this.code.op(Op.drop);
      }
    }
    // The initializer always runs; the body may not, or may leave early.
    const before = this.unsetState();
    this.code.open(Op.block);
    this.control.push({ breakLabels: labels, breakable: 'loop' });
    this.code.open(Op.loop);
    this.control.push({});
    this.chargeFuel();
    const test = ts.isWhileStatement(node) ? node.expression : ts.isForStatement(node) ? node.condition : undefined;
    if (test) {
      this.condition(test);
      this.code.op(Op.i32_eqz).withIndex(Op.br_if, 1);
    }
    this.code.open(Op.block);
    this.control.push({ continueLabels: labels, continuable: true });
    this.nested(node.statement);
    this.control.pop();
    this.code.op(Op.end);
    if (ts.isForStatement(node) && node.incrementor) {
      this.expression(node.incrementor);
      this.code.op(Op.drop);
    }
    if (ts.isDoStatement(node)) {
      this.condition(node.expression);
      this.code.withIndex(Op.br_if, 0);
    } else {
      this.code.withIndex(Op.br, 0);
    }
    this.control.pop();
    this.code.op(Op.end);
    this.control.pop();
    this.code.op(Op.end);
    if (forScope) this.scopes.pop();
    // A do-while body without break or continue runs to its end at least once: what it assigns stays assigned.
    if (!ts.isDoStatement(node) || containsJump(node.statement)) this.restoreUnset(before);
  }

  /**
   * `for (const x of array)`: as the array iterator does, the length and the elements are read again at every step.
   * block $break { loop $top { fuel; i ≥ length → break; x = array[i]; i++; block $continue { body }; br $top } }
   */
  private forOf(node: ts.ForOfStatement, labels: readonly string[]): void {
    if (node.awaitModifier) throw new Refusal(node, 'for await', 'for await needs promises');
    const list = node.initializer;
    if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1 || !ts.isIdentifier(list.declarations[0]!.name) || (list.flags & ts.NodeFlags.BlockScoped) === 0) {
      throw new Refusal(node.initializer, 'for of target', 'for…of is supported with one `const` or `let` name');
    }
    const declaration = list.declarations[0]!;
    const iterated = this.valueExpression(node.expression);
    if (!isArrayType(iterated)) throw new Refusal(node.expression, 'for of statement', `for…of over a ${iterated} (only arrays; strings iterate by code point)`);
    const element = elementTypeOf(iterated);
    const annotated = typeFromAnnotation(declaration.type);
    if (annotated !== undefined && annotated !== element) throw new Refusal(declaration.type!, 'type annotation', `'${declaration.name.getText()}' is annotated ${declaration.type!.getText()} but holds a ${element}`);
    const array = this.temp(ValType.I32);
    const index = this.temp(ValType.I32);
    this.code.set(array).i32(0).set(index);
    const before = this.unsetState();
    this.code.open(Op.block);
    this.control.push({ breakLabels: labels, breakable: 'loop' });
    this.code.open(Op.loop);
    this.control.push({});
    this.chargeFuel();
    this.code.get(index).get(array);
    arrays.length(this);
    this.code.op(Op.i32_trunc_f64_u, Op.i32_ge_u).withIndex(Op.br_if, 1);
    const scope = new Map<string, Local>();
    const local: Local = { index: this.newLocal(valTypeOf(element), declaration.name.getText()), type: element, mutable: (list.flags & ts.NodeFlags.Const) === 0, initialized: true };
    scope.set(declaration.name.getText(), local);
    this.code.get(array).get(index).op(Op.f64_convert_i32_u);
    arrays.elementAccessAt(this, element);
    this.code.set(local.index);
    this.code.get(index).i32(1).op(Op.i32_add).set(index);
    this.scopes.push(scope);
    this.code.open(Op.block);
    this.control.push({ continueLabels: labels, continuable: true });
    this.nested(node.statement);
    this.control.pop();
    this.code.op(Op.end);
    this.scopes.pop();
    this.code.withIndex(Op.br, 0);
    this.control.pop();
    this.code.op(Op.end);
    this.control.pop();
    this.code.op(Op.end);
    this.release(ValType.I32, array);
    this.release(ValType.I32, index);
    this.restoreUnset(before);
  }

  /**
   * `array.every(cb)` / `array.some(cb)` with an arrow callback inlined: `(x) => …` or `(x, i) => …`, an expression
   * or a single `return`. As in JavaScript the length is read once, the elements at each step; the first false
   * (every) or true (some) answer ends the walk.
   */
  private everyOrSome(callee: ts.PropertyAccessExpression, node: ts.CallExpression): GeneType {
    const every = callee.name.text === 'every';
    const receiver = this.receiver(callee.expression, node, 'method call', `${callee.getText()}() needs an array receiver`);
    if (!isArrayType(receiver)) throw new Refusal(node, `string.${callee.name.text}()`, 'strings have no every/some');
    const element = elementTypeOf(receiver);
    const callback = node.arguments.length === 1 ? unparenthesized(node.arguments[0]!) : undefined;
    if (!callback || !ts.isArrowFunction(callback)) throw new Refusal(node, `array.${callee.name.text}()`, `${callee.name.text} is supported with one arrow function written in place`);
    const body = callbackBody(callback);
    if (!body || callback.parameters.length > 2 || callback.modifiers?.length || callback.typeParameters) throw new Refusal(callback, 'callback form', 'the callback must be `(x) => value` or `(x, i) => value` (an expression or a single return)');
    const names = callback.parameters.map((p, position) => {
      if (!ts.isIdentifier(p.name) || p.initializer || p.dotDotDotToken || p.questionToken) throw new Refusal(p, 'callback parameter', 'callback parameters must be plain names');
      const declared = typeFromAnnotation(p.type);
      const expected = position === 0 ? element : 'number';
      if (declared !== undefined && declared !== expected) throw new Refusal(p, 'callback parameter', `'${p.name.text}' is a ${expected}`);
      return p.name.text;
    });
    const array = this.temp(ValType.I32);
    const index = this.temp(ValType.I32);
    const count = this.temp(ValType.I32);
    const answer = this.temp(ValType.I32);
    this.code.tee(array);
    arrays.length(this);
    this.code.op(Op.i32_trunc_f64_u).set(count).i32(0).set(index).i32(every ? 1 : 0).set(answer);
    const scope = new Map<string, Local>();
    const value: Local = { index: this.newLocal(valTypeOf(element), names[0] ?? 'element'), type: element, mutable: true, initialized: true };
    const position: Local = { index: this.newLocal(ValType.F64, names[1] ?? 'index'), type: 'number', mutable: true, initialized: true };
    if (names[0] !== undefined) scope.set(names[0], value);
    if (names[1] !== undefined) scope.set(names[1], position);
    this.code.open(Op.block).open(Op.loop);
    this.control.push({}, {});
    this.chargeFuel();
    this.code.get(index).get(count).op(Op.i32_ge_u).withIndex(Op.br_if, 1);
    this.code.get(index).op(Op.f64_convert_i32_u).set(position.index);
    this.code.get(array).get(position.index);
    arrays.elementAccessAt(this, element);
    this.code.set(value.index);
    this.scopes.push(scope);
    this.condition(body);
    this.scopes.pop();
    if (every) this.code.op(Op.i32_eqz);
    this.code.open(Op.if).i32(every ? 0 : 1).set(answer).withIndex(Op.br, 2).op(Op.end);
    this.code.get(index).i32(1).op(Op.i32_add).set(index).withIndex(Op.br, 0);
    this.control.pop();
    this.control.pop();
    this.code.op(Op.end, Op.end).get(answer);
    for (const temp of [array, index, count, answer]) this.release(ValType.I32, temp);
    return 'boolean';
  }

  /** push (on a fresh array of the gene only), indexOf and includes; the array is on the stack. */
  private arrayMethod(type: ArrayType, callee: ts.PropertyAccessExpression, node: ts.CallExpression): GeneType {
    const name = callee.name.text;
    if (name === 'indexOf' || name === 'includes') return arrays.find(this, type, node, name === 'includes');
    if (name === 'push') {
      const target = unparenthesized(callee.expression);
      const local = ts.isIdentifier(target) ? this.lookupLocal(target.text) : undefined;
      if (!local?.fresh) throw new Refusal(node, 'push on a shared array', 'push changes only arrays the gene built itself (a local assigned only array literals)');
      return arrays.push(this, type, node);
    }
    throw new Refusal(node, `array.${name}()`, `the array method ${name} is outside the array subset`);
  }

  private jump(node: ts.BreakOrContinueStatement): void {
    const isBreak = node.kind === ts.SyntaxKind.BreakStatement;
    const label = node.label?.text;
    for (let i = this.control.length - 1; i >= 0; i--) {
      const frame = this.control[i]!;
      const matches = isBreak
        ? frame.breakable !== undefined && (label === undefined ? frame.breakable !== 'labelled' : frame.breakLabels!.includes(label))
        : frame.continuable === true && (label === undefined || frame.continueLabels!.includes(label));
      if (matches) {
        if (isBreak) frame.exits?.push(this.unsetState());
        this.code.withIndex(Op.br, this.control.length - 1 - i);
        return;
      }
    }
    throw new Refusal(node, isBreak ? 'break' : 'continue', `no enclosing ${label ? `'${label}'` : 'loop'} to ${isBreak ? 'break out of' : 'continue'}`);
  }

  // ---- expressions -----------------------------------------------------------------------------

  /** Leaves an i32 truth value: JavaScript's ToBoolean of a number is `|x| > 0` (false for ±0 and NaN). */
  private condition(node: ts.Expression): void {
    this.truthy(this.expression(node));
  }

  private truthy(type: GeneType): void {
    if (type === 'number') this.code.op(Op.f64_abs).f64(0).op(Op.f64_gt);
    else if (type === 'string') strings.truthy(this);
  }

  /** ToNumber of the value on the stack; strings are refused (parsing numbers is outside the subset). */
  toNumber(type: GeneType, at: ts.Node): void {
    if (type === 'boolean') this.code.op(Op.f64_convert_i32_u);
    else if (type === 'string') this.refuse(at, 'string to number', 'converting a string to a number is outside the string subset');
  }

  /** Leaves ToInt32 of the value as i32 (booleans already are 0 or 1). */
  toInt32(type: GeneType, at: ts.Node): void {
    if (type === 'number') this.code.call(this.services.helper('toInt32'));
    else if (type === 'string') this.refuse(at, 'string to number', 'converting a string to a number is outside the string subset');
  }

  private numeric(node: ts.Expression): void {
    this.toNumber(this.expression(node), node);
  }

  stringHelper(name: MemoryHelperName): void {
    this.code.call(this.services.stringHelper(name));
  }

  literal(text: string): number {
    return this.services.literal(text);
  }

  refuse(at: ts.Node, construct: string, reason: string): never {
    throw new Refusal(at, construct, reason);
  }

  /** A number, boolean or string: arrays are values only where valueExpression is asked for (they are objects). */
  expression(node: ts.Expression): GeneType {
    const type = this.valueExpression(node);
    if (isArrayType(type)) throw new Refusal(node, 'array value', 'an array is used where only a number, boolean or string is supported');
    return type;
  }

  /** Any value, arrays included: for declarations, returns, arguments, receivers and statements. `expected` types `[]`. */
  valueExpression(node: ts.Expression, expected?: GeneType): GeneType {
    this.enter(node);
    const inner = unparenthesized(node);
    const type = ts.isArrayLiteralExpression(inner) ? arrays.arrayLiteral(this, inner, expected) : this.expressionInner(node);
    this.depth--;
    return type;
  }

  /** Names assigned anything but an array literal somewhere in the gene (shadowing ignored: conservative). */
  private reassignedNames: Set<string> | undefined;
  private reassigned(): Set<string> {
    if (this.reassignedNames) return this.reassignedNames;
    const names = new Set<string>();
    const visit = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        const target = unparenthesized(node.left);
        const literal = node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isArrayLiteralExpression(unparenthesized(node.right));
        if (ts.isIdentifier(target) && !literal) names.add(target.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(this.owner);
    return (this.reassignedNames = names);
  }

  private expressionInner(node: ts.Expression): GeneType {
    switch (node.kind) {
      case ts.SyntaxKind.NumericLiteral:
        this.code.f64(Number((node as ts.NumericLiteral).text));
        return 'number';
      case ts.SyntaxKind.TrueKeyword:
        this.code.i32(1);
        return 'boolean';
      case ts.SyntaxKind.FalseKeyword:
        this.code.i32(0);
        return 'boolean';
      case ts.SyntaxKind.ParenthesizedExpression:
        return this.valueExpression((node as ts.ParenthesizedExpression).expression);
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
      case ts.SyntaxKind.SatisfiesExpression: {
        const typed = node as ts.AsExpression | ts.TypeAssertion | ts.SatisfiesExpression;
        const type = this.valueExpression(typed.expression);
        if (typeFromAnnotation(typed.type) !== type) throw new Refusal(typed.type, 'type assertion', `asserts ${typed.type.getText()} on a ${type}`);
        return type;
      }
      case ts.SyntaxKind.NonNullExpression:
        return this.valueExpression((node as ts.NonNullExpression).expression);
      case ts.SyntaxKind.Identifier:
        return this.identifier(node as ts.Identifier);
      case ts.SyntaxKind.PropertyAccessExpression:
        return this.propertyAccess(node as ts.PropertyAccessExpression);
      case ts.SyntaxKind.PrefixUnaryExpression:
        return this.prefixUnary(node as ts.PrefixUnaryExpression);
      case ts.SyntaxKind.PostfixUnaryExpression: {
        const postfix = node as ts.PostfixUnaryExpression;
        return this.increment(postfix.operand, postfix.operator === ts.SyntaxKind.PlusPlusToken ? Op.f64_add : Op.f64_sub, false);
      }
      case ts.SyntaxKind.BinaryExpression:
        return this.binary(node as ts.BinaryExpression);
      case ts.SyntaxKind.ConditionalExpression:
        return this.conditional(node as ts.ConditionalExpression);
      case ts.SyntaxKind.CallExpression:
        return this.call(node as ts.CallExpression);
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return strings.stringLiteral(this, (node as ts.StringLiteral).text);
      case ts.SyntaxKind.TemplateExpression:
        return strings.template(this, node as ts.TemplateExpression);
      case ts.SyntaxKind.ElementAccessExpression: {
        const access = node as ts.ElementAccessExpression;
        if (access.questionDotToken) throw new Refusal(node, 'optional chaining', 'a string or array is never null or undefined');
        const receiver = this.receiver(access.expression, node, 'element access', 'only strings and arrays can be indexed');
        return isArrayType(receiver) ? arrays.elementAccess(this, receiver, access) : strings.elementAccess(this, access);
      }
      default:
        throw new Refusal(node, describe(node), `${describe(node)} is outside the numeric subset`);
    }
  }

  private lookupLocal(name: string): Local | undefined {
    if (this.outerOnly) return undefined;
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const local = this.scopes[i]!.get(name);
      if (local) return local;
    }
    return undefined;
  }

  private identifier(node: ts.Identifier): GeneType {
    const local = this.lookupLocal(node.text);
    if (local) {
      if (!local.initialized) throw new Refusal(node, 'temporal dead zone', `'${node.text}' is read before its declaration (a ReferenceError)`);
      this.requireAssigned(local, node);
      this.code.get(local.index);
      return local.type;
    }
    const outer = this.services.resolveOuter(this.owner, node.text, node);
    if (outer.kind === 'const') return this.moduleConstant(outer.initializer, node);
    if (outer.kind === 'function') throw new Refusal(node, 'function value', `'${node.text}' is used as a value; genes may only call it`);
    if (outer.kind === 'enum') throw new Refusal(node, 'enum value', `the enum '${node.text}' is used as a value; genes may only read its members`);
    switch (outer.name) {
      case 'Infinity':
        this.code.f64(Infinity);
        return 'number';
      case 'NaN':
        this.code.f64(NaN);
        return 'number';
      default:
        throw new Refusal(node, outer.name, `'${outer.name}' is not a number or boolean`);
    }
  }

  private readonly constantsInProgress = new Set<ts.Expression>();

  /** A module-level const is pure and deterministic, so its initializer is compiled in place, without locals. */
  private moduleConstant(initializer: ts.Expression, at: ts.Node): GeneType {
    if (this.constantsInProgress.has(initializer)) throw new Refusal(at, 'circular constant', 'the constant depends on itself');
    this.constantsInProgress.add(initializer);
    const saved = this.outerOnly;
    this.outerOnly = true;
    try {
      return this.expression(initializer);
    } finally {
      this.outerOnly = saved;
      this.constantsInProgress.delete(initializer);
    }
  }

  /** `Math` or `Number` as the global namespace (not shadowed in the file). */
  private globalNamespace(node: ts.Expression): 'Math' | 'Number' | 'String' | undefined {
    if (!ts.isIdentifier(node) || (node.text !== 'Math' && node.text !== 'Number' && node.text !== 'String')) return undefined;
    if (this.lookupLocal(node.text)) return undefined;
    const outer = this.services.resolveOuter(this.owner, node.text, node);
    return outer.kind === 'global' ? (outer.name as 'Math' | 'Number' | 'String') : undefined;
  }

  private propertyAccess(node: ts.PropertyAccessExpression): GeneType {
    const namespace = this.globalNamespace(node.expression);
    const table = namespace === 'Math' ? MATH_CONSTANTS : namespace === 'Number' ? NUMBER_CONSTANTS : undefined;
    const value = table && Object.hasOwn(table, node.name.text) ? table[node.name.text] : undefined;
    if (value === undefined && namespace === undefined && !node.questionDotToken) {
      const member = this.enumMember(node);
      if (member !== undefined) return member;
      const receiver = this.receiver(node.expression, node, 'property access', `${node.getText()} is not a Math or Number constant nor a string or array property`);
      if (!isArrayType(receiver)) return strings.property(this, node.name.text, node);
      if (node.name.text !== 'length') throw new Refusal(node, `array.${node.name.text}`, `the array property ${node.name.text} is outside the array subset`);
      return arrays.length(this);
    }
    if (value === undefined) throw new Refusal(node, 'property access', `${node.getText()} is not a Math or Number constant`);
    this.code.f64(value);
    return 'number';
  }

  /** `Enum.Member` of an enum of this file or imported from another: its constant value, or undefined if not an enum. */
  private enumMember(node: ts.PropertyAccessExpression): GeneType | undefined {
    if (!ts.isIdentifier(node.expression) || this.lookupLocal(node.expression.text)) return undefined;
    let outer: OuterValue;
    try {
      outer = this.services.resolveOuter(this.owner, node.expression.text, node.expression);
    } catch (error) {
      if (error instanceof Refusal) return undefined;
      throw error;
    }
    if (outer.kind !== 'enum') return undefined;
    const value = outer.constants.members.get(node.name.text);
    if (value === undefined) throw new Refusal(node, 'enum member', `${node.getText()} is not a constant member`);
    if (typeof value === 'string') return strings.stringLiteral(this, value);
    this.code.f64(value);
    return 'number';
  }

  /** Compiles the receiver of a member access; refused as `construct` unless it is a string or an array. */
  private receiver(receiver: ts.Expression, node: ts.Node, construct: string, reason: string): 'string' | ArrayType {
    let compiled: { type: GeneType; code: CodeBuffer };
    try {
      compiled = this.compileApart(receiver, true);
    } catch (error) {
      // A receiver that is a name or a member chain refused as such is simply not a string: say so for the whole access.
      if (error instanceof Refusal && isNameChain(receiver)) throw new Refusal(node, construct, reason);
      throw error;
    }
    if (compiled.type !== 'string' && !isArrayType(compiled.type)) throw new Refusal(node, construct, reason);
    this.code.append(compiled.code);
    return compiled.type;
  }

  private prefixUnary(node: ts.PrefixUnaryExpression): GeneType {
    switch (node.operator) {
      case ts.SyntaxKind.MinusToken:
        this.numeric(node.operand);
        this.code.op(Op.f64_neg);
        return 'number';
      case ts.SyntaxKind.PlusToken:
        this.numeric(node.operand);
        return 'number';
      case ts.SyntaxKind.ExclamationToken:
        this.condition(node.operand);
        this.code.op(Op.i32_eqz);
        return 'boolean';
      case ts.SyntaxKind.TildeToken:
        this.toInt32(this.expression(node.operand), node.operand);
        this.code.i32(-1).op(Op.i32_xor, Op.f64_convert_i32_s);
        return 'number';
      case ts.SyntaxKind.PlusPlusToken:
        return this.increment(node.operand, Op.f64_add, true);
      case ts.SyntaxKind.MinusMinusToken:
        return this.increment(node.operand, Op.f64_sub, true);
      default:
        throw new Refusal(node, 'unary operator', 'unknown unary operator');
    }
  }

  /** The local a compound assignment or ++/-- writes: a `let` or parameter, never a const. */
  private assignable(target: ts.Expression, reads = true): Local {
    const inner = unparenthesized(target);
    if (!ts.isIdentifier(inner)) throw new Refusal(target, 'assignment target', 'only local variables and parameters can be assigned');
    const local = this.lookupLocal(inner.text);
    if (!local) throw new Refusal(target, 'assignment to outer variable', `'${inner.text}' is not a local of the gene (a side effect)`);
    if (!local.initialized) throw new Refusal(target, 'temporal dead zone', `'${inner.text}' is assigned before its declaration`);
    if (!local.mutable) throw new Refusal(target, 'assignment to const', `'${inner.text}' is a const (a TypeError)`);
    if (reads) this.requireAssigned(local, inner);
    return local;
  }

  private requireAssigned(local: Local, at: ts.Identifier): void {
    if (local.unset) throw new Refusal(at, 'possibly undefined', `'${at.text}' may still be undefined here (declared without a value)`);
  }

  /** Stores the value on the stack into `local` (keeping it on the stack); its first store fixes its type. */
  private storeInto(local: Local, type: GeneType, at: ts.Node, name: string): GeneType {
    if (local.index < 0) {
      local.type = type;
      local.index = this.newLocal(valTypeOf(type), name);
    }
    if (type !== local.type) throw new Refusal(at, 'assignment of another type', `assigns a ${type} to a ${local.type} variable`);
    this.code.tee(local.index);
    return type;
  }

  private increment(operand: ts.Expression, op: Op.f64_add | Op.f64_sub, prefix: boolean): GeneType {
    const local = this.assignable(operand);
    if (local.type !== 'number') throw new Refusal(operand, 'increment of boolean', '++/-- on a boolean turns it into a number');
    if (prefix) {
      this.code.get(local.index).f64(1).op(op).tee(local.index);
    } else {
      this.code.get(local.index).get(local.index).f64(1).op(op).set(local.index);
    }
    return 'number';
  }

  private binary(node: ts.BinaryExpression): GeneType {
    const operator = node.operatorToken.kind;
    switch (operator) {
      case ts.SyntaxKind.EqualsToken: {
        const local = this.assignable(node.left, false);
        return this.storeInto(local, this.valueExpression(node.right, local.index >= 0 ? local.type : undefined), node, unparenthesized(node.left).getText());
      }
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.BarBarToken:
        return this.logical(node.left, node.right, operator, node);
      case ts.SyntaxKind.QuestionQuestionToken: {
        // A number or boolean is never null or undefined: the right side is never evaluated.
        const left = this.expression(node.left);
        if (left !== 'string') return left;
        // A string may be undefined (pointer 0, from `s[i]`): then the right side is the value.
        const right = this.compileApart(node.right);
        if (right.type !== 'string') throw new Refusal(node, 'mixed ??', `string ?? ${right.type} can yield either type`);
        const saved = this.temp(ValType.I32);
        this.code.tee(saved).open(Op.if, ValType.I32).get(saved).op(Op.else).append(right.code).op(Op.end);
        this.release(ValType.I32, saved);
        return 'string';
      }
      case ts.SyntaxKind.AmpersandAmpersandEqualsToken:
      case ts.SyntaxKind.BarBarEqualsToken:
        return this.logicalAssignment(node, operator);
      case ts.SyntaxKind.QuestionQuestionEqualsToken: {
        const local = this.assignable(node.left);
        if (local.type === 'string') throw new Refusal(node, '??= on a string', 'a string variable may hold undefined; ??= on it is outside the subset');
        this.code.get(local.index);
        return local.type;
      }
      case ts.SyntaxKind.CommaToken:
        this.expression(node.left);
        this.code.op(Op.drop);
        return this.expression(node.right);
    }
    const compound = ASSIGNMENT_OPERATORS[operator];
    if (compound !== undefined) {
      const local = this.assignable(node.left);
      this.code.get(local.index);
      const type = this.arithmetic(compound, local.type, node.right, node);
      if (type !== local.type) throw new Refusal(node, 'assignment of another type', `assigns a ${type} to a ${local.type} variable`);
      this.code.tee(local.index);
      return type;
    }
    const left = this.expression(node.left);
    return this.arithmetic(operator, left, node.right, node);
  }

  /** `left OP right` with the left operand already on the stack. */
  private arithmetic(operator: ts.BinaryOperator, left: GeneType, rightNode: ts.Expression, node: ts.Node): GeneType {
    const leftNode = ts.isBinaryExpression(node) ? node.left : node;
    switch (operator) {
      case ts.SyntaxKind.PlusToken: {
        const right = this.compileApart(rightNode);
        if (left === 'string' || right.type === 'string') return strings.plus(this, left, right, leftNode, rightNode);
        this.toNumber(left, leftNode);
        this.code.append(right.code);
        this.toNumber(right.type, rightNode);
        this.code.op(Op.f64_add);
        return 'number';
      }
      case ts.SyntaxKind.MinusToken:
      case ts.SyntaxKind.AsteriskToken:
      case ts.SyntaxKind.SlashToken: {
        this.toNumber(left, leftNode);
        this.numeric(rightNode);
        const op = { [ts.SyntaxKind.PlusToken]: Op.f64_add, [ts.SyntaxKind.MinusToken]: Op.f64_sub, [ts.SyntaxKind.AsteriskToken]: Op.f64_mul, [ts.SyntaxKind.SlashToken]: Op.f64_div }[operator];
        this.code.op(op);
        return 'number';
      }
      case ts.SyntaxKind.PercentToken:
        this.toNumber(left, leftNode);
        this.numeric(rightNode);
        this.code.call(this.services.helper('fmod'));
        return 'number';
      case ts.SyntaxKind.AsteriskAsteriskToken:
        // V8 computes `**` and Math.pow with the same routine; the host's Math.pow gives identical bits.
        this.toNumber(left, leftNode);
        this.numeric(rightNode);
        this.code.call(this.services.hostImport('pow', 2));
        return 'number';
      case ts.SyntaxKind.LessThanLessThanToken:
      case ts.SyntaxKind.GreaterThanGreaterThanToken:
      case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken:
      case ts.SyntaxKind.AmpersandToken:
      case ts.SyntaxKind.BarToken:
      case ts.SyntaxKind.CaretToken: {
        this.toInt32(left, leftNode);
        this.toInt32(this.expression(rightNode), rightNode);
        const op = {
          [ts.SyntaxKind.LessThanLessThanToken]: Op.i32_shl,
          [ts.SyntaxKind.GreaterThanGreaterThanToken]: Op.i32_shr_s,
          [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: Op.i32_shr_u,
          [ts.SyntaxKind.AmpersandToken]: Op.i32_and,
          [ts.SyntaxKind.BarToken]: Op.i32_or,
          [ts.SyntaxKind.CaretToken]: Op.i32_xor,
        }[operator];
        this.code.op(op, operator === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken ? Op.f64_convert_i32_u : Op.f64_convert_i32_s);
        return 'number';
      }
      case ts.SyntaxKind.EqualsEqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      case ts.SyntaxKind.EqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsToken: {
        const negated = operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken;
        const strict = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken;
        const right = this.compileApart(rightNode);
        if (left === right.type) {
          this.code.append(right.code);
          if (left === 'string') return strings.equality(this, negated);
          this.code.op(left === 'number' ? (negated ? Op.f64_ne : Op.f64_eq) : negated ? Op.i32_ne : Op.i32_eq);
        } else if (strict) {
          // A number is never strictly equal to a boolean; both sides are still evaluated.
          this.code.op(Op.drop).append(right.code).op(Op.drop).i32(negated ? 1 : 0);
        } else {
          this.toNumber(left, leftNode);
          this.code.append(right.code);
          this.toNumber(right.type, rightNode);
          this.code.op(negated ? Op.f64_ne : Op.f64_eq);
        }
        return 'boolean';
      }
      case ts.SyntaxKind.LessThanToken:
      case ts.SyntaxKind.LessThanEqualsToken:
      case ts.SyntaxKind.GreaterThanToken:
      case ts.SyntaxKind.GreaterThanEqualsToken: {
        if (left === 'string') {
          const right = this.compileApart(rightNode);
          if (right.type !== 'string') this.refuse(node, 'mixed comparison', `compares a string with a ${right.type}`);
          this.code.append(right.code);
          return strings.relational(this, operator);
        }
        this.toNumber(left, leftNode);
        this.numeric(rightNode);
        const op = { [ts.SyntaxKind.LessThanToken]: Op.f64_lt, [ts.SyntaxKind.LessThanEqualsToken]: Op.f64_le, [ts.SyntaxKind.GreaterThanToken]: Op.f64_gt, [ts.SyntaxKind.GreaterThanEqualsToken]: Op.f64_ge }[operator];
        this.code.op(op);
        return 'boolean';
      }
      default:
        throw new Refusal(node, ts.tokenToString(operator) ?? 'operator', `the operator ${ts.tokenToString(operator) ?? ''} is outside the numeric subset`);
    }
  }

  /** Compiles into a separate buffer, to learn the type before choosing the code around it. */
  compileApart(node: ts.Expression, arraysToo = false): { type: GeneType; code: CodeBuffer } {
    const saved = this.code;
    this.code = new CodeBuffer();
    try {
      const type = arraysToo ? this.valueExpression(node) : this.expression(node);
      return { type, code: this.code };
    } finally {
      this.code = saved;
    }
  }

  /** `a && b` / `a || b` with JavaScript's value semantics: the result is one of the operands, unconverted. */
  private logical(leftNode: ts.Expression, rightNode: ts.Expression, operator: ts.SyntaxKind, node: ts.Node): GeneType {
    const left = this.expression(leftNode);
    const right = this.compileApart(rightNode);
    if (left !== right.type) throw new Refusal(node, 'mixed && or ||', `${left} ${ts.tokenToString(operator as ts.BinaryOperator)} ${right.type} can yield either type`);
    const isAnd = operator === ts.SyntaxKind.AmpersandAmpersandToken;
    const val = valTypeOf(left);
    const saved = this.temp(val);
    this.code.tee(saved);
    this.truthy(left);
    this.code.open(Op.if, val);
    if (isAnd) this.code.append(right.code).op(Op.else).get(saved);
    else this.code.get(saved).op(Op.else).append(right.code);
    this.code.op(Op.end);
    this.release(val, saved);
    return left;
  }

  private logicalAssignment(node: ts.BinaryExpression, operator: ts.SyntaxKind): GeneType {
    const local = this.assignable(node.left);
    const right = this.compileApart(node.right);
    if (right.type !== local.type) throw new Refusal(node, 'assignment of another type', `assigns a ${right.type} to a ${local.type} variable`);
    const val = valTypeOf(local.type);
    this.code.get(local.index);
    this.truthy(local.type);
    if (operator === ts.SyntaxKind.BarBarEqualsToken) this.code.op(Op.i32_eqz);
    this.code.open(Op.if, val).append(right.code).tee(local.index).op(Op.else).get(local.index).op(Op.end);
    return local.type;
  }

  private conditional(node: ts.ConditionalExpression): GeneType {
    this.condition(node.condition);
    // `c ? text : undefined`: a string that may be undefined is pointer 0, as `s[i]` off the string is.
    const branch = (side: ts.Expression, other: ts.Expression) => (this.unitValue(side) === 'undefined' && this.unitValue(other) === undefined ? undefined : this.compileApart(side));
    let whenTrue = branch(node.whenTrue, node.whenFalse);
    let whenFalse = branch(node.whenFalse, node.whenTrue);
    const undefinedString = (): { type: GeneType; code: CodeBuffer } => ({ type: 'string', code: new CodeBuffer().i32(0) });
    if (!whenTrue && whenFalse?.type === 'string') whenTrue = undefinedString();
    if (!whenFalse && whenTrue?.type === 'string') whenFalse = undefinedString();
    if (!whenTrue || !whenFalse) throw new Refusal(node, 'undefined', 'only a string branch can stand beside undefined');
    if (whenTrue.type !== whenFalse.type) throw new Refusal(node, 'mixed ?:', `the branches are a ${whenTrue.type} and a ${whenFalse.type}`);
    this.code.open(Op.if, valTypeOf(whenTrue.type)).append(whenTrue.code).op(Op.else).append(whenFalse.code).op(Op.end);
    return whenTrue.type;
  }

  // ---- calls -----------------------------------------------------------------------------------

  private call(node: ts.CallExpression): GeneType {
    if (node.questionDotToken || node.typeArguments) throw new Refusal(node, 'call form', 'optional calls and type arguments are outside the subset');
    for (const argument of node.arguments) if (ts.isSpreadElement(argument)) throw new Refusal(argument, 'spread argument', 'spread needs an array');
    const callee = node.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const namespace = this.globalNamespace(callee.expression);
      if (namespace === 'Math') return this.mathCall(callee.name.text, node);
      if (namespace === 'Number') return this.predicateCall(`Number.${callee.name.text}`, node);
      if (namespace === 'String' && callee.name.text === 'fromCharCode') return strings.fromCharCode(this, node);
      if (namespace === undefined && !callee.questionDotToken) {
        if (callee.name.text === 'every' || callee.name.text === 'some') return this.everyOrSome(callee, node);
        const receiver = this.receiver(callee.expression, node, 'method call', `${callee.getText()}() is not a Math function, a string or array method or a gene of this file`);
        return isArrayType(receiver) ? this.arrayMethod(receiver, callee, node) : strings.method(this, callee.name.text, node);
      }
      throw new Refusal(node, 'method call', `${callee.getText()}() is not a Math function or a gene of this file`);
    }
    if (!ts.isIdentifier(callee)) throw new Refusal(node, 'call', 'only genes of this file and Math functions can be called');
    if (this.lookupLocal(callee.text)) throw new Refusal(callee, 'call of a local', `'${callee.text}' is a local value, not a function`);
    const outer = this.services.resolveOuter(this.owner, callee.text, callee);
    if (outer.kind === 'global') return this.predicateCall(outer.name, node);
    if (outer.kind !== 'function') throw new Refusal(callee, 'call of a constant', `'${callee.text}' is not a function`);
    const target = this.services.callee(outer.node, outer.name, node.arguments.length, node);
    node.arguments.forEach((argument, index) => {
      const type = this.valueExpression(argument, target.params[index]);
      if (type !== target.params[index]) throw new Refusal(argument, 'argument type', `passes a ${type} where '${outer.name}' takes a ${target.params[index]}`);
    });
    const result = target.result;
    if (result === undefined) throw new Refusal(node, 'recursive call before return type', `'${outer.name}' is recursive and has no return type annotation; annotate it`);
    if (result === 'undefined' || result === 'null') throw new Refusal(node, 'call without a value', `'${outer.name}' returns ${result}, which expressions do not take`);
    this.code.call(target.ref);
    return result;
  }

  private arguments(node: ts.CallExpression, count: number, what: string): void {
    if (node.arguments.length !== count) throw new Refusal(node, `${what} with ${node.arguments.length} arguments`, `${what} is supported with exactly ${count} argument${count === 1 ? '' : 's'}`);
    for (const argument of node.arguments) this.numeric(argument);
  }

  private mathCall(name: string, node: ts.CallExpression): GeneType {
    const code = this.code;
    const instruction = Object.hasOwn(MATH_INSTRUCTIONS, name) ? MATH_INSTRUCTIONS[name] : undefined;
    if (instruction !== undefined) {
      this.arguments(node, 1, `Math.${name}`);
      code.op(instruction);
      return 'number';
    }
    switch (name) {
      case 'max':
      case 'min': {
        // f64.max/min return NaN for any NaN and order -0 below +0, exactly like Math.max/min; they are associative.
        if (node.arguments.length === 0) {
          code.f64(name === 'max' ? -Infinity : Infinity);
          return 'number';
        }
        node.arguments.forEach((argument, index) => {
          this.numeric(argument);
          if (index > 0) code.op(name === 'max' ? Op.f64_max : Op.f64_min);
        });
        return 'number';
      }
      case 'round':
      case 'sign':
        this.arguments(node, 1, `Math.${name}`);
        code.call(this.services.helper(name));
        return 'number';
      case 'fround':
        this.arguments(node, 1, 'Math.fround');
        code.op(Op.f32_demote_f64, Op.f64_promote_f32);
        return 'number';
      case 'imul':
        if (node.arguments.length !== 2) throw new Refusal(node, 'Math.imul arity', 'Math.imul is supported with exactly 2 arguments');
        this.toInt32(this.expression(node.arguments[0]!), node.arguments[0]!);
        this.toInt32(this.expression(node.arguments[1]!), node.arguments[1]!);
        code.op(Op.i32_mul, Op.f64_convert_i32_s);
        return 'number';
      case 'clz32':
        if (node.arguments.length !== 1) throw new Refusal(node, 'Math.clz32 arity', 'Math.clz32 is supported with exactly 1 argument');
        this.toInt32(this.expression(node.arguments[0]!), node.arguments[0]!);
        code.op(Op.i32_clz, Op.f64_convert_i32_s);
        return 'number';
      case 'hypot':
        // Math.hypot of three or more values scales differently from pairwise folding: refused rather than inexact.
        this.arguments(node, 2, 'Math.hypot');
        code.call(this.services.hostImport('hypot', 2));
        return 'number';
    }
    if (MATH_UNARY_IMPORTS.has(name)) {
      this.arguments(node, 1, `Math.${name}`);
      code.call(this.services.hostImport(name, 1));
      return 'number';
    }
    if (MATH_BINARY_IMPORTS.has(name)) {
      this.arguments(node, 2, `Math.${name}`);
      code.call(this.services.hostImport(name, 2));
      return 'number';
    }
    throw new Refusal(node, `Math.${name}`, `Math.${name} is not deterministic or not numeric`);
  }

  /** isNaN, isFinite, Number.isNaN/isFinite/isInteger/isSafeInteger, Number(x), Boolean(x). */
  private predicateCall(name: string, node: ts.CallExpression): GeneType {
    const code = this.code;
    if (node.arguments.length !== 1) throw new Refusal(node, `${name}()`, `${name} is supported with exactly one argument`);
    const argument = node.arguments[0]!;
    if (name === 'Boolean') {
      this.condition(argument);
      return 'boolean';
    }
    if (name === 'Number') {
      this.numeric(argument);
      return 'number';
    }
    if (name === 'String') return strings.stringCall(this, node);
    const type = this.expression(argument);
    const strict = name.startsWith('Number.');
    if (strict && type === 'boolean') {
      // Number.isNaN(true) and friends are false without conversion; isInteger(true) too.
      code.op(Op.drop).i32(0);
      return 'boolean';
    }
    this.toNumber(type, argument);
    const x = this.temp(ValType.F64);
    code.set(x);
    switch (name) {
      case 'isNaN':
      case 'Number.isNaN':
        code.get(x).get(x).op(Op.f64_ne);
        break;
      case 'isFinite':
      case 'Number.isFinite':
        code.get(x).get(x).op(Op.f64_sub).f64(0).op(Op.f64_eq);
        break;
      case 'Number.isInteger':
        code.get(x).op(Op.f64_trunc).get(x).op(Op.f64_eq).get(x).op(Op.f64_abs).f64(Infinity).op(Op.f64_ne).op(Op.i32_and);
        break;
      case 'Number.isSafeInteger':
        code.get(x).op(Op.f64_trunc).get(x).op(Op.f64_eq).get(x).op(Op.f64_abs).f64(Number.MAX_SAFE_INTEGER).op(Op.f64_le).op(Op.i32_and);
        break;
      default:
        this.release(ValType.F64, x);
        throw new Refusal(node, `${name}()`, `${name}() is outside the numeric subset`);
    }
    this.release(ValType.F64, x);
    return 'boolean';
  }
}

function containsJump(node: ts.Node): boolean {
  if (ts.isBreakOrContinueStatement(node)) return true;
  if (ts.isFunctionLike(node)) return false;
  return ts.forEachChild(node, containsJump) ?? false;
}

function isNameChain(node: ts.Expression): boolean {
  const inner = unparenthesized(node);
  if (ts.isIdentifier(inner) || inner.kind === ts.SyntaxKind.ThisKeyword || inner.kind === ts.SyntaxKind.SuperKeyword) return true;
  return ts.isPropertyAccessExpression(inner) && isNameChain(inner.expression);
}

/** The value of an arrow callback: its expression body, or the expression of a block that is one `return`. */
function callbackBody(callback: ts.ArrowFunction): ts.Expression | undefined {
  if (!ts.isBlock(callback.body)) return callback.body;
  const [only] = callback.body.statements;
  return callback.body.statements.length === 1 && only && ts.isReturnStatement(only) ? only.expression : undefined;
}

function unparenthesized(node: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  return node;
}

function describe(node: ts.Node): string {
  switch (node.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateExpression:
      return 'string';
    case ts.SyntaxKind.ObjectLiteralExpression:
      return 'object literal';
    case ts.SyntaxKind.ArrayLiteralExpression:
      return 'array literal';
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression:
      return 'closure';
    case ts.SyntaxKind.ThisKeyword:
      return 'this';
    case ts.SyntaxKind.BigIntLiteral:
      return 'bigint';
    case ts.SyntaxKind.NullKeyword:
      return 'null';
    case ts.SyntaxKind.ThrowStatement:
      return 'throw';
    case ts.SyntaxKind.TryStatement:
      return 'try';
    case ts.SyntaxKind.SwitchStatement:
      return 'switch';
    case ts.SyntaxKind.ElementAccessExpression:
      return 'element access';
    case ts.SyntaxKind.NewExpression:
      return 'new';
    default:
      return ts.SyntaxKind[node.kind].replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  }
}
