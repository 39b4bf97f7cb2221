/**
 * Array expressions for the function compiler: literals, `length`, `a[i]`, `push`, `indexOf`/`includes`. Arrays
 * hold one element type (number, boolean or string); reading past the end of a string array is undefined (pointer 0)
 * as in JavaScript, and of a number or boolean array stops the run (`unrepresentable`), never a wrong value.
 */
import ts from 'typescript';
import { ARRAY_LENGTH_OFFSET, elementBytes } from '../../wasm-array-abi';
import { type ArrayType, type ElementType, type GeneType, elementTypeOf, isArrayType } from '../types';
import { type CodeBuffer, Op, ValType } from '../wasm-encoder';
import type { MemoryHelperName } from '../strings/runtime';

export interface ArrayCompilerHost {
  code: CodeBuffer;
  /** Compiles any value, arrays included. */
  valueExpression(node: ts.Expression, expected?: GeneType): GeneType;
  temp(type: ValType): number;
  release(type: ValType, index: number): void;
  stringHelper(name: MemoryHelperName): void;
  refuse(at: ts.Node, construct: string, reason: string): never;
}

const loadElement = (code: CodeBuffer, element: ElementType) => (element === 'number' ? code.memory(Op.f64_load, 3, 0) : code.memory(Op.i32_load, 2, 0));
const storeElement = (code: CodeBuffer, element: ElementType, offset = 0) => (element === 'number' ? code.memory(Op.f64_store, 3, offset) : code.memory(Op.i32_store, 2, offset));
const valTypeOfElement = (element: ElementType) => (element === 'number' ? ValType.F64 : ValType.I32);

/** `[a, b, …]`: every element of one type; `[]` takes its type from the context (an annotation, the return type). */
export function arrayLiteral(host: ArrayCompilerHost, node: ts.ArrayLiteralExpression, expected: GeneType | undefined): ArrayType {
  if (node.elements.length === 0) {
    if (expected === undefined || !isArrayType(expected)) host.refuse(node, 'empty array literal', '`[]` needs a declared element type (an annotation or the return type)');
    host.code.i32(0).i32(elementBytes(elementTypeOf(expected)));
    host.stringHelper('arrayNew');
    return expected;
  }
  const element = expected !== undefined && isArrayType(expected) ? elementTypeOf(expected) : undefined;
  const size = element === undefined ? undefined : elementBytes(element);
  // The elements are evaluated first (left to right), into the new array once its type is known.
  const array = host.temp(ValType.I32);
  let type: ElementType | undefined = element;
  const stores: (() => void)[] = [];
  const values: { local: number; valType: ValType }[] = [];
  node.elements.forEach((item, index) => {
    if (ts.isSpreadElement(item) || ts.isOmittedExpression(item)) host.refuse(item, ts.isSpreadElement(item) ? 'spread element' : 'array hole', 'array literals take plain elements');
    const itemType = host.valueExpression(item);
    if (isArrayType(itemType)) host.refuse(item, 'nested array', 'arrays of arrays are outside the subset');
    if (type !== undefined && itemType !== type) host.refuse(item, 'mixed array', `an array of ${type}s gets a ${itemType}`);
    type = itemType as ElementType;
    const valType = valTypeOfElement(type);
    const local = host.temp(valType);
    host.code.set(local);
    values.push({ local, valType });
    stores.push(() => {
      host.code.get(array).get(local);
      storeElement(host.code, type!, 16 + index * (size ?? elementBytes(type!)));
    });
  });
  host.code.i32(node.elements.length).i32(elementBytes(type!));
  host.stringHelper('arrayNew');
  host.code.set(array);
  stores.forEach((store) => store());
  host.code.get(array);
  host.release(ValType.I32, array);
  for (const { local, valType } of values) host.release(valType, local);
  return `${type!}[]`;
}

/** `array.length` with the array on the stack. */
export function length(host: ArrayCompilerHost): GeneType {
  host.code.memory(Op.i32_load, 2, ARRAY_LENGTH_OFFSET).op(Op.f64_convert_i32_u);
  return 'number';
}

/** `array[i]` with the array on the stack. */
export function elementAccess(host: ArrayCompilerHost, type: ArrayType, node: ts.ElementAccessExpression): GeneType {
  const element = elementTypeOf(type);
  const index = host.valueExpression(node.argumentExpression);
  if (index !== 'number') host.refuse(node.argumentExpression, 'array index', `indexes an array with a ${index}; only number indexes are supported`);
  host.code.i32(elementBytes(element));
  host.stringHelper('arraySlot');
  const slot = host.temp(ValType.I32);
  host.code.tee(slot);
  if (element === 'string') {
    host.code.open(Op.if, ValType.I32).get(slot).memory(Op.i32_load, 2, 0).op(Op.else).i32(0).op(Op.end);
  } else {
    host.code.op(Op.i32_eqz).open(Op.if);
    host.stringHelper('unrepresentable');
    host.code.op(Op.end).get(slot);
    loadElement(host.code, element);
  }
  host.release(ValType.I32, slot);
  return element;
}

/** Element `i` with the array (i32) and `i` (f64) on the stack, for loops that checked `i` against the length. */
export function elementAccessAt(host: ArrayCompilerHost, element: ElementType): void {
  host.code.i32(elementBytes(element));
  host.stringHelper('arraySlot');
  loadElement(host.code, element);
}

/** `array.push(x)` with the array on the stack (a fresh array of the gene): the new length. */
export function push(host: ArrayCompilerHost, type: ArrayType, node: ts.CallExpression): GeneType {
  const element = elementTypeOf(type);
  if (node.arguments.length !== 1) host.refuse(node, 'push arity', 'push is supported with exactly one argument');
  const array = host.temp(ValType.I32);
  host.code.set(array);
  const valueType = host.valueExpression(node.arguments[0]!);
  if (valueType !== element) host.refuse(node.arguments[0]!, 'mixed array', `pushes a ${valueType} onto an array of ${element}s`);
  const value = host.temp(valTypeOfElement(element));
  host.code.set(value);
  host.code.get(array).i32(elementBytes(element));
  host.stringHelper('arrayPushSlot');
  host.code.get(value);
  storeElement(host.code, element);
  host.code.get(array);
  length(host);
  host.release(valTypeOfElement(element), value);
  host.release(ValType.I32, array);
  return 'number';
}

/** `array.indexOf(x)` (strict equality) or `array.includes(x)` (SameValueZero), one argument of the element type. */
export function find(host: ArrayCompilerHost, type: ArrayType, node: ts.CallExpression, includes: boolean): GeneType {
  const element = elementTypeOf(type);
  const name = includes ? 'includes' : 'indexOf';
  if (node.arguments.length !== 1) host.refuse(node, `array.${name} arity`, `${name} is supported with exactly one argument (no start index)`);
  const argument = host.valueExpression(node.arguments[0]!);
  if (argument !== element) host.refuse(node.arguments[0]!, `array.${name} type`, `searches an array of ${element}s for a ${argument}`);
  if (element === 'number') {
    host.code.i32(includes ? 1 : 0);
    host.stringHelper('arrayFindNumber');
  } else {
    host.code.i32(element === 'string' ? 1 : 0);
    host.stringHelper('arrayFindI32');
  }
  if (includes) {
    host.code.i32(-1).op(Op.i32_ne);
    return 'boolean';
  }
  host.code.op(Op.f64_convert_i32_s);
  return 'number';
}
