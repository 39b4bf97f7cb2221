import ts from 'typescript';

/** A named function found in a file, for commands that run before or without gene extraction. */
export interface NamedFunction {
  /** Qualified as in `chimera genes`: `Class.method`, `outer.inner`, `object.key`. */
  name: string;
  /** 1-based line of the function's first token. */
  line: number;
  node: ts.FunctionLikeDeclaration;
  /** The name a recursive call uses, when the function is bound to one. */
  selfName: string | undefined;
}

function isFunctionValue(node: ts.Node | undefined): node is ts.ArrowFunction | ts.FunctionExpression {
  return !!node && (ts.isArrowFunction(node) || ts.isFunctionExpression(node));
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name) ? name.text : undefined;
}

/** Every named function, method and function-valued binding or property, in source order (iterative walk). */
export function listFunctions(sourceFile: ts.SourceFile): NamedFunction[] {
  const found: NamedFunction[] = [];
  const stack: { node: ts.Node; prefix: string }[] = [{ node: sourceFile, prefix: '' }];
  const add = (name: string, node: ts.FunctionLikeDeclaration, selfName: string | undefined) => {
    const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
    found.push({ name, line, node, selfName });
  };
  while (stack.length > 0) {
    const { node, prefix } = stack.pop()!;
    let inner = prefix;
    if (ts.isFunctionDeclaration(node) && node.name && node.body) {
      inner = `${prefix}${node.name.text}`;
      add(inner, node, node.name.text);
    } else if ((ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) && node.body) {
      const key = propertyNameText(node.name);
      if (key !== undefined) {
        inner = `${prefix}${key}`;
        add(inner, node, undefined);
      }
    } else if (ts.isConstructorDeclaration(node) && node.body) {
      inner = `${prefix}constructor`;
      add(inner, node, undefined);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      inner = `${prefix}${node.name.text}`;
      if (isFunctionValue(node.initializer)) add(inner, node.initializer, node.name.text);
    } else if ((ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node)) && propertyNameText(node.name) !== undefined) {
      inner = `${prefix}${propertyNameText(node.name)}`;
      if (isFunctionValue(node.initializer)) add(inner, node.initializer, undefined);
    } else if (ts.isClassLike(node) && node.name) {
      inner = `${prefix}${node.name.text}`;
    }
    const children: ts.Node[] = [];
    ts.forEachChild(node, (child) => {
      children.push(child);
    });
    const childPrefix = inner === prefix ? prefix : `${inner}.`;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, prefix: childPrefix });
  }
  return found;
}
