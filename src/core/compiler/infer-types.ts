/**
 * The compiler's side of type inference (genes/type-inference.ts): an unannotated parameter gets its JSDoc or
 * inferred type, or is refused with why; a module whose entry has such parameters says it is a specialisation.
 */
import ts from 'typescript';
import { type ScalarType, inferParameterType, jsDocReturnType, returnTypeFromExpressions, specialisationNote } from '../genes/type-inference';
import { Refusal } from './function-compiler';
import type { GeneType, Specialisation } from './types';

export interface InferredParameter {
  name: string;
  type: ScalarType;
  from: 'jsdoc' | 'use';
}

/** The type an unannotated parameter without a default is compiled for; a Refusal when there is none. */
export function inferredParameter(parameter: ts.ParameterDeclaration, name: string): InferredParameter {
  const inferred = inferParameterType(parameter);
  if (inferred && 'documented' in inferred) throw new Refusal(parameter, 'parameter type', `'${name}' is documented as {${inferred.documented}}, not number or boolean`);
  if (!inferred) throw new Refusal(parameter, 'untyped parameter', `'${name}' has no type, no JSDoc type and no default, and not every use of it is numeric`);
  return { name, type: inferred.type, from: inferred.from };
}

/** The result type of a function without a return annotation: its JSDoc `@returns`, else what a return surely yields. */
export function unannotatedReturnType(node: ts.FunctionLikeDeclaration): GeneType | undefined {
  const documented = jsDocReturnType(node);
  if (documented !== undefined && typeof documented !== 'string') throw new Refusal(node, 'return type', `documented as returning {${documented.documented}}, not number or boolean`);
  return documented ?? returnTypeFromExpressions(node);
}

/** `{ specialisation }` when the entry's parameters include inferred ones, else nothing. */
export function specialisationOf(entry: ts.FunctionLikeDeclaration, inferred: ReadonlyMap<ts.ParameterDeclaration, InferredParameter>): { specialisation?: Specialisation } {
  const own = entry.parameters.flatMap((parameter) => inferred.get(parameter) ?? []);
  if (own.length === 0) return {};
  return { specialisation: { note: specialisationNote(own.map((p) => p.type)), inferred: own } };
}
