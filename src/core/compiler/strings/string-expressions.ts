/**
 * String expressions: literals, templates, `+`, comparisons, `length`, `s[i]`, and the String methods the compiler
 * takes. Values are pointers into linear memory (i32); the work is done by the runtime helpers of ./runtime.
 */
import ts from 'typescript';
import type { CodeBuffer } from '../wasm-encoder';
import { Op, ValType } from '../wasm-encoder';
import type { GeneType } from '../types';
import type { MemoryHelperName } from './runtime';

/** What string compilation needs from the function compiler. */
export interface StringCompilerHost {
  readonly code: CodeBuffer;
  expression(node: ts.Expression): GeneType;
  compileApart(node: ts.Expression): { type: GeneType; code: CodeBuffer };
  temp(type: ValType): number;
  release(type: ValType, index: number): void;
  /** ToInt32 of the value on the stack, as i32. */
  toInt32(type: GeneType, at: ts.Node): void;
  /** ToNumber of the value on the stack, as f64 (refused for strings). */
  toNumber(type: GeneType, at: ts.Node): void;
  stringHelper(name: MemoryHelperName): void;
  literal(text: string): number;
  refuse(at: ts.Node, construct: string, reason: string): never;
}

export function stringLiteral(host: StringCompilerHost, text: string): GeneType {
  host.code.i32(host.literal(text));
  return 'string';
}

/** ToString of the value on the stack, for `+` and templates (undefined stays pointer 0: concat spells it). */
export function toStringValue(host: StringCompilerHost, type: GeneType, at: ts.Node): void {
  if (type === 'string') return;
  if (type === 'boolean') {
    const flag = host.temp(ValType.I32);
    host.code.set(flag).i32(host.literal('true')).i32(host.literal('false')).get(flag).op(Op.select);
    host.release(ValType.I32, flag);
    return;
  }
  if (type !== 'number') host.refuse(at, 'array to string', 'converting an array to a string is outside the subset');
  // Exact for NaN, ±Infinity, ±0 and safe integers; any other number stops the run as unrepresentable.
  host.stringHelper('numberToString');
}

/** `String(x)`: like a template, but undefined becomes the text "undefined" here. */
export function stringCall(host: StringCompilerHost, node: ts.CallExpression): GeneType {
  if (node.arguments.length !== 1) host.refuse(node, 'String()', 'String is supported with exactly one argument');
  const argument = node.arguments[0]!;
  toStringValue(host, host.expression(argument), argument);
  host.code.i32(host.literal(''));
  host.stringHelper('concat');
  return 'string';
}

export function template(host: StringCompilerHost, node: ts.TemplateExpression): GeneType {
  stringLiteral(host, node.head.text);
  for (const span of node.templateSpans) {
    toStringValue(host, host.expression(span.expression), span.expression);
    host.stringHelper('concat');
    if (span.literal.text.length > 0) {
      stringLiteral(host, span.literal.text);
      host.stringHelper('concat');
    }
  }
  return 'string';
}

/** `left + right` where one side is a string: the left value is on the stack, the right compiled apart. */
export function plus(host: StringCompilerHost, left: GeneType, right: { type: GeneType; code: CodeBuffer }, leftNode: ts.Node, rightNode: ts.Node): GeneType {
  toStringValue(host, left, leftNode);
  host.code.append(right.code);
  toStringValue(host, right.type, rightNode);
  host.stringHelper('concat');
  return 'string';
}

/** `===`/`!==` (and `==`/`!=`, the same for two strings) with both strings on the stack. */
export function equality(host: StringCompilerHost, negated: boolean): GeneType {
  host.stringHelper('equals');
  if (negated) host.code.op(Op.i32_eqz);
  return 'boolean';
}

/** `<`, `<=`, `>`, `>=` on two strings: code-unit order; any comparison with undefined is false. */
export function relational(host: StringCompilerHost, operator: ts.SyntaxKind): GeneType {
  host.stringHelper('compare');
  const code = host.code;
  switch (operator) {
    case ts.SyntaxKind.LessThanToken:
      code.i32(-1).op(Op.i32_eq);
      break;
    case ts.SyntaxKind.GreaterThanToken:
      code.i32(1).op(Op.i32_eq);
      break;
    case ts.SyntaxKind.LessThanEqualsToken:
      code.i32(0).op(Op.i32_le_s);
      break;
    default:
      code.i32(1).op(Op.i32_le_u);
  }
  return 'boolean';
}

/** ToBoolean of a string on the stack. */
export function truthy(host: StringCompilerHost): void {
  host.stringHelper('truthy');
}

/** `receiver.name` where the receiver (a string) is on the stack. */
export function property(host: StringCompilerHost, name: string, node: ts.Node): GeneType {
  if (name !== 'length') host.refuse(node, `string.${name}`, `the string property ${name} is outside the string subset`);
  host.stringHelper('length');
  host.code.op(Op.f64_convert_i32_u);
  return 'number';
}

/** `s[i]` where the receiver (a string) is on the stack: a one-unit string, or undefined off the string. */
export function elementAccess(host: StringCompilerHost, node: ts.ElementAccessExpression): GeneType {
  const type = host.expression(node.argumentExpression);
  if (type !== 'number') host.refuse(node.argumentExpression, 'string index', `indexes a string with a ${type}; only number indexes are supported`);
  host.stringHelper('unitAt');
  return 'string';
}

/** Arguments of a method, each converted as the method's specification says; `undefined` marks a missing optional. */
function numberArgument(host: StringCompilerHost, node: ts.CallExpression, index: number, missing: number): void {
  const argument = node.arguments[index];
  if (!argument) {
    host.code.f64(missing);
    return;
  }
  host.toNumber(host.expression(argument), argument);
}

function stringArgument(host: StringCompilerHost, node: ts.CallExpression, index: number): void {
  const argument = node.arguments[index]!;
  const type = host.expression(argument);
  if (type !== 'string') host.refuse(argument, 'search for a non-string', `searches for a ${type}; only string searches are supported`);
}

function arity(host: StringCompilerHost, node: ts.CallExpression, name: string, min: number, max: number): void {
  const count = node.arguments.length;
  if (count < min || count > max) host.refuse(node, `${name} with ${count} arguments`, `${name} is supported with ${min === max ? min : `${min} to ${max}`} arguments`);
}

/** `receiver.name(…)` where the receiver (a string) is on the stack. */
export function method(host: StringCompilerHost, name: string, node: ts.CallExpression): GeneType {
  switch (name) {
    case 'charCodeAt':
      arity(host, node, 'charCodeAt', 0, 1);
      numberArgument(host, node, 0, 0);
      host.stringHelper('charCodeAt');
      return 'number';
    case 'charAt': {
      // ToIntegerOrInfinity of the position (NaN is 0, fractions truncate), then the unit there or '' off the string.
      arity(host, node, 'charAt', 0, 1);
      numberArgument(host, node, 0, 0);
      const position = host.temp(ValType.F64);
      host.code.tee(position).op(Op.f64_trunc).f64(0).get(position).get(position).op(Op.f64_eq).op(Op.select);
      host.release(ValType.F64, position);
      host.stringHelper('unitAt');
      const unit = host.temp(ValType.I32);
      host.code.tee(unit).open(Op.if, ValType.I32).get(unit).op(Op.else).i32(host.literal('')).op(Op.end);
      host.release(ValType.I32, unit);
      return 'string';
    }
    case 'codePointAt':
      // Off the string JavaScript gives undefined, which a number result cannot hold: the run stops as unrepresentable.
      arity(host, node, name, 0, 1);
      numberArgument(host, node, 0, 0);
      host.stringHelper('codePointAt');
      return 'number';
    case 'repeat':
      arity(host, node, name, 0, 1);
      numberArgument(host, node, 0, 0);
      host.stringHelper('repeat');
      return 'string';
    case 'padStart':
    case 'padEnd':
      arity(host, node, name, 0, 2);
      numberArgument(host, node, 0, 0);
      if (node.arguments.length > 1) {
        const filler = node.arguments[1]!;
        const type = host.expression(filler);
        if (type !== 'string') host.refuse(filler, `${name} with a ${type} filler`, `${name} is supported with a string filler`);
      } else host.code.i32(0);
      host.code.i32(name === 'padEnd' ? 1 : 0);
      host.stringHelper('pad');
      return 'string';
    case 'substr':
      arity(host, node, name, 0, 2);
      numberArgument(host, node, 0, 0);
      numberArgument(host, node, 1, Infinity);
      host.stringHelper('substr');
      return 'string';
    case 'slice':
    case 'substring':
      arity(host, node, name, 0, 2);
      numberArgument(host, node, 0, 0);
      numberArgument(host, node, 1, Infinity);
      host.stringHelper(name === 'slice' ? 'slice' : 'substringOf');
      return 'string';
    case 'trim':
    case 'trimStart':
    case 'trimEnd':
      arity(host, node, name, 0, 0);
      host.code.i32(name === 'trim' ? 3 : name === 'trimStart' ? 1 : 2);
      host.stringHelper('trim');
      return 'string';
    case 'split': {
      // A string (or undefined) separator and no limit; regular expressions are refused where they are written.
      arity(host, node, 'split', 1, 1);
      stringArgument(host, node, 0);
      host.stringHelper('split');
      return 'string[]';
    }
    case 'lastIndexOf':
      arity(host, node, name, 1, 2);
      stringArgument(host, node, 0);
      numberArgument(host, node, 1, Infinity);
      host.stringHelper('lastIndexOf');
      return 'number';
    case 'indexOf':
    case 'includes':
    case 'startsWith':
    case 'endsWith':
      arity(host, node, name, 1, 2);
      stringArgument(host, node, 0);
      numberArgument(host, node, 1, name === 'endsWith' ? Infinity : 0);
      host.stringHelper(name === 'includes' ? 'indexOf' : name);
      if (name === 'includes') host.code.f64(-1).op(Op.f64_ne);
      return name === 'indexOf' ? 'number' : 'boolean';
    default:
      return host.refuse(node, `string.${name}()`, `the string method ${name} is outside the string subset`);
  }
}

/** A fromCharCode argument as ToInt32 (the store or mask keeps its low 16 bits: ToUint16). */
function charCode(host: StringCompilerHost, argument: ts.Expression): void {
  const type = host.expression(argument);
  if (type === 'string') host.refuse(argument, 'String.fromCharCode of a string', 'converting a string to a number is outside the string subset');
  host.toInt32(type, argument);
}

/** `String.fromCharCode(…)`: one code unit per argument, each ToUint16 of ToNumber. */
export function fromCharCode(host: StringCompilerHost, node: ts.CallExpression): GeneType {
  const count = node.arguments.length;
  if (count === 1) {
    // One unit: a ready-made string for ASCII, so a loop over it allocates nothing.
    charCode(host, node.arguments[0]!);
    host.code.i32(0xffff).op(Op.i32_and);
    host.stringHelper('unitString');
    return 'string';
  }
  const result = host.temp(ValType.I32);
  host.code.i32(count);
  host.stringHelper('alloc');
  host.code.set(result);
  node.arguments.forEach((argument, index) => {
    host.code.get(result);
    charCode(host, argument);
    host.code.memory(Op.i32_store16, 1, 4 + 2 * index);
  });
  host.code.get(result);
  host.release(ValType.I32, result);
  return 'string';
}
