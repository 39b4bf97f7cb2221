// Receivers: `this.start` and `this.isEmpty()` in a method are as good as constants and pure calls when the field is a
// readonly one holding a primitive and the method is itself receiver-pure. Everything else about `this` stays impure.
import ts from 'typescript';
import { type FunctionInfo, isAssignmentOperator, propertyNameText, skipOuterWrappers } from './collect';

/** What a `this` (or `super`) means for purity: a readonly primitive read, a call of a sibling method, or a reason it is impure. */
export type ReceiverUse =
  | { kind: 'field'; method: FunctionInfo }
  | { kind: 'method'; method: FunctionInfo; target: ts.FunctionLikeDeclaration; access: ts.Node }
  /** Handed as an argument to `call` (`Position.equals(this, other)`): as pure as the function called. */
  | { kind: 'argument'; method: FunctionInfo; call: ts.CallExpression }
  /** `stateRead`: only reads a field declared in this class (its own state, like reading a property of a parameter). */
  | { kind: 'impure'; message: string; stateRead?: boolean };

interface ClassMembers {
  /** Readonly instance fields (declared or constructor parameter properties) whose values are always primitives. */
  readonlyPrimitive: Set<string>;
  /** Instance methods and getters with a body, by name. */
  methods: Map<string, ts.FunctionLikeDeclaration>;
  getters: Map<string, ts.FunctionLikeDeclaration>;
  /** Instance fields declared in the class (property declarations and constructor parameter properties). */
  fields: Set<string>;
}

const PRIMITIVE_TYPE_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.NumberKeyword,
  ts.SyntaxKind.StringKeyword,
  ts.SyntaxKind.BooleanKeyword,
  ts.SyntaxKind.BigIntKeyword,
  ts.SyntaxKind.UndefinedKeyword,
  ts.SyntaxKind.NullKeyword,
  ts.SyntaxKind.LiteralType,
]);

export class ReceiverModel {
  private readonly classes = new Map<ts.ClassLikeDeclaration, ClassMembers>();

  /** `isPrimitiveInit` decides an untyped field's initializer (`readonly size = 4`). */
  constructor(private readonly isPrimitiveInit: (expression: ts.Expression) => boolean) {}

  classify(node: ts.Node, fn: FunctionInfo): ReceiverUse {
    if (node.kind === ts.SyntaxKind.SuperKeyword) return { kind: 'impure', message: 'uses super' };
    let method: FunctionInfo | undefined = fn;
    while (method && method.kind === 'arrow') method = method.parent;
    if (!method || (method.kind !== 'method' && method.kind !== 'getter') || isStatic(method.node) || !ts.isClassLike(method.node.parent)) return { kind: 'impure', message: 'uses this' };
    const access = skipOuterWrappers(node).parent;
    if (access && ts.isCallExpression(access) && access.arguments.includes(skipOuterWrappers(node) as ts.Expression)) return { kind: 'argument', method, call: access };
    if (!access || !ts.isPropertyAccessExpression(access) || skipOuterWrappers(access.expression) !== skipOuterWrappers(node)) return { kind: 'impure', message: 'uses this as a value' };
    const name = access.name.text;
    const members = this.membersOf(method.node.parent);
    const outer = skipOuterWrappers(access);
    const parent = outer.parent;
    if (ts.isCallExpression(parent) && parent.expression === outer) {
      const target = members.methods.get(name);
      return target ? { kind: 'method', method, target, access } : { kind: 'impure', message: `calls this.${name}(), which is not a method of this class` };
    }
    if (isWriteTarget(outer)) return { kind: 'impure', message: `changes this.${name}` };
    if (members.readonlyPrimitive.has(name)) return { kind: 'field', method };
    const getter = members.getters.get(name);
    if (getter) return { kind: 'method', method, target: getter, access };
    return { kind: 'impure', message: `reads this.${name}, which is not a readonly field holding a primitive`, stateRead: members.fields.has(name) && !members.methods.has(name) };
  }

  private membersOf(cls: ts.ClassLikeDeclaration): ClassMembers {
    let members = this.classes.get(cls);
    if (members) return members;
    members = { readonlyPrimitive: new Set(), methods: new Map(), getters: new Map(), fields: new Set() };
    const setters = new Set<string>();
    for (const member of cls.members) {
      if (isStatic(member)) continue;
      const name = member.name && propertyNameText(member.name);
      if (ts.isPropertyDeclaration(member) && name !== undefined) members.fields.add(name);
      if (ts.isPropertyDeclaration(member) && name !== undefined && isReadonly(member) && !member.questionToken) {
        if (member.type ? isPrimitiveType(member.type) : member.initializer !== undefined && this.isPrimitiveInit(member.initializer)) members.readonlyPrimitive.add(name);
      } else if (ts.isMethodDeclaration(member) && member.body && name !== undefined) {
        members.methods.set(name, member);
      } else if (ts.isGetAccessorDeclaration(member) && member.body && name !== undefined) {
        members.getters.set(name, member);
      } else if (ts.isSetAccessorDeclaration(member) && name !== undefined) {
        setters.add(name);
      } else if (ts.isConstructorDeclaration(member)) {
        for (const parameter of member.parameters) {
          if (ts.isIdentifier(parameter.name) && ts.isParameterPropertyDeclaration(parameter, member)) members.fields.add(parameter.name.text);
          if (ts.isIdentifier(parameter.name) && isReadonly(parameter) && parameter.type && isPrimitiveType(parameter.type) && !parameter.questionToken) members.readonlyPrimitive.add(parameter.name.text);
        }
      }
    }
    // A name declared twice (a field and a method, overloads with a getter and setter) is not a plain read.
    for (const name of setters) {
      members.getters.delete(name);
      members.fields.delete(name);
    }
    this.classes.set(cls, members);
    return members;
  }
}

function isStatic(node: ts.Node): boolean {
  return (ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Static) !== 0;
}

function isReadonly(node: ts.Node): boolean {
  return (ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Readonly) !== 0;
}

/** number, string, boolean, bigint, literal types and unions of them: values nobody can change in place. */
function isPrimitiveType(type: ts.TypeNode): boolean {
  if (PRIMITIVE_TYPE_KINDS.has(type.kind)) return true;
  if (ts.isUnionTypeNode(type)) return type.types.every(isPrimitiveType);
  if (ts.isParenthesizedTypeNode(type)) return isPrimitiveType(type.type);
  return false;
}

export function isWriteTarget(node: ts.Node): boolean {
  let current = node;
  // Through destructuring literals (`[this.a] = xs`, `({ a: this.a } = o)`) up to the assignment, if any.
  for (;;) {
    const parent = current.parent;
    if (ts.isBinaryExpression(parent)) return parent.left === current && isAssignmentOperator(parent.operatorToken.kind);
    if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
    if (ts.isForOfStatement(parent) || ts.isForInStatement(parent)) return parent.initializer === current;
    if (ts.isDeleteExpression(parent)) return true;
    if (ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent) || ts.isObjectLiteralExpression(parent) || ts.isShorthandPropertyAssignment(parent) || ts.isParenthesizedExpression(parent)) current = parent;
    else if (ts.isPropertyAssignment(parent) && parent.initializer === current) current = parent;
    else return false;
  }
}
