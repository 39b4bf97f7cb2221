/**
 * Enum members as compile-time constants: an enum declared in the gene's file or imported (by a relative path) from
 * another TypeScript file of the workspace, with members whose values are literals, auto-increments or constant
 * arithmetic on earlier members, evaluated with JavaScript's own operators. Anything else is not a constant here.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

export type EnumValue = number | string;

export interface EnumConstants {
  name: string;
  /** Members with a constant value; a member missing here is not a compile-time constant. */
  members: ReadonlyMap<string, EnumValue>;
}

const BINARY: Partial<Record<ts.SyntaxKind, (a: number, b: number) => number>> = {
  [ts.SyntaxKind.LessThanLessThanToken]: (a, b) => a << b,
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: (a, b) => a >> b,
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: (a, b) => a >>> b,
  [ts.SyntaxKind.BarToken]: (a, b) => a | b,
  [ts.SyntaxKind.AmpersandToken]: (a, b) => a & b,
  [ts.SyntaxKind.CaretToken]: (a, b) => a ^ b,
  [ts.SyntaxKind.PlusToken]: (a, b) => a + b,
  [ts.SyntaxKind.MinusToken]: (a, b) => a - b,
  [ts.SyntaxKind.AsteriskToken]: (a, b) => a * b,
};

function memberName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** The constant members of one enum declaration, in order (an auto-increment follows the previous number). */
export function enumConstants(declaration: ts.EnumDeclaration): EnumConstants {
  const members = new Map<string, EnumValue>();
  const enumName = declaration.name.text;
  const evaluate = (node: ts.Expression): EnumValue | undefined => {
    if (ts.isParenthesizedExpression(node)) return evaluate(node.expression);
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isIdentifier(node)) return members.get(node.text);
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === enumName) return members.get(node.name.text);
    if (ts.isPrefixUnaryExpression(node)) {
      const operand = evaluate(node.operand);
      if (typeof operand !== 'number') return undefined;
      if (node.operator === ts.SyntaxKind.MinusToken) return -operand;
      if (node.operator === ts.SyntaxKind.PlusToken) return operand;
      if (node.operator === ts.SyntaxKind.TildeToken) return ~operand;
      return undefined;
    }
    if (ts.isBinaryExpression(node)) {
      const op = BINARY[node.operatorToken.kind];
      const left = evaluate(node.left);
      const right = evaluate(node.right);
      return op && typeof left === 'number' && typeof right === 'number' ? op(left, right) : undefined;
    }
    return undefined;
  };
  let previous: EnumValue | undefined = -1;
  for (const member of declaration.members) {
    const name = memberName(member.name);
    const value: EnumValue | undefined = member.initializer ? evaluate(member.initializer) : typeof previous === 'number' ? previous + 1 : undefined;
    // Only values JSON can carry to the rebuilt JavaScript (no NaN, infinities or -0).
    if (name !== undefined && value !== undefined && (typeof value === 'string' || (Number.isFinite(value) && !Object.is(value, -0)))) members.set(name, value);
    previous = value;
  }
  return { name: enumName, members };
}

/** The enum `name` declared at the top level of `statements`, when it is declared exactly once. */
export function topLevelEnum(statements: readonly ts.Statement[], name: string, exported: boolean): ts.EnumDeclaration | undefined {
  const found = statements.filter((s): s is ts.EnumDeclaration => ts.isEnumDeclaration(s) && s.name.text === name);
  if (found.length !== 1 || found[0]!.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return undefined;
  if (exported && !found[0]!.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return undefined;
  return found[0];
}

/** Files read for their enums, kept while their size and modification time stay the same. */
const files = new Map<string, { size: number; mtimeMs: number; sourceFile: ts.SourceFile; enums: Map<string, EnumConstants | undefined> }>();
const MAX_FILES = 200;

function candidatePaths(from: string, specifier: string): string[] {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(js|mjs|cjs|ts)$/, '');
  return [`${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`];
}

/** The exported enum `importedName` of the file a relative import names, or undefined. */
export function importedEnum(fromFile: string, specifier: string, importedName: string): EnumConstants | undefined {
  if (!specifier.startsWith('.')) return undefined;
  for (const path of candidatePaths(fromFile, specifier)) {
    let info: ReturnType<typeof statSync>;
    try {
      info = statSync(path);
    } catch {
      continue;
    }
    if (!info.isFile()) continue;
    let held = files.get(path);
    if (!held || held.size !== info.size || held.mtimeMs !== info.mtimeMs) {
      const text = readFileSync(path, 'utf8');
      held = { size: info.size, mtimeMs: info.mtimeMs, sourceFile: ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, false), enums: new Map() };
      if (files.size >= MAX_FILES) files.delete(files.keys().next().value!);
      files.set(path, held);
    }
    if (!held.enums.has(importedName)) {
      const declaration = topLevelEnum(held.sourceFile.statements, importedName, true);
      held.enums.set(importedName, declaration ? enumConstants(declaration) : undefined);
    }
    return held.enums.get(importedName);
  }
  return undefined;
}

/** The JavaScript that stands for the enum when verification rebuilds the gene: its constant members. */
export function enumSource(constants: EnumConstants): string {
  return `const ${constants.name} = Object.freeze(${JSON.stringify(Object.fromEntries(constants.members))});`;
}
