// Whether control can fall off the end of a statement: shared by the numeric mark and the compiler, so both agree.
import ts from 'typescript';

/**
 * Whether control can reach the end of a statement (conservatively: `true` when unsure), so a function
 * that might return undefined is refused.
 */
export function canCompleteNormally(node: ts.Statement): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.ReturnStatement:
    case ts.SyntaxKind.BreakStatement:
    case ts.SyntaxKind.ContinueStatement:
    case ts.SyntaxKind.ThrowStatement:
      return false;
    case ts.SyntaxKind.Block:
      return (node as ts.Block).statements.every(canCompleteNormally);
    case ts.SyntaxKind.IfStatement: {
      const statement = node as ts.IfStatement;
      return !statement.elseStatement || canCompleteNormally(statement.thenStatement) || canCompleteNormally(statement.elseStatement);
    }
    case ts.SyntaxKind.LabeledStatement: {
      const statement = node as ts.LabeledStatement;
      return canCompleteNormally(statement.statement) || breaksTo(statement.statement, statement.label.text, false);
    }
    case ts.SyntaxKind.SwitchStatement: {
      const clauses = (node as ts.SwitchStatement).caseBlock.clauses;
      // Without default, or with a break out of it, or falling off its last clause, it completes.
      if (!clauses.some(ts.isDefaultClause)) return true;
      if (clauses.some((clause) => clause.statements.some((statement) => breaksTo(statement, undefined, true)))) return true;
      return clauses[clauses.length - 1]!.statements.every(canCompleteNormally);
    }
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.DoStatement: {
      const loop = node as ts.WhileStatement | ts.ForStatement | ts.DoStatement;
      const test = ts.isForStatement(loop) ? loop.condition : loop.expression;
      const forever = test === undefined || test.kind === ts.SyntaxKind.TrueKeyword;
      return !forever || breaksTo(loop.statement, undefined, true);
    }
    default:
      return true;
  }
}

/** Whether `body` contains a break that leaves the enclosing statement (unlabelled at loop depth 0, or `label`). */
function breaksTo(body: ts.Node, label: string | undefined, unlabelled: boolean): boolean {
  const stack: { node: ts.Node; loopDepth: number }[] = [{ node: body, loopDepth: 0 }];
  while (stack.length > 0) {
    const { node, loopDepth } = stack.pop()!;
    if (ts.isBreakStatement(node)) {
      if (node.label ? node.label.text === label : unlabelled && loopDepth === 0) return true;
      continue;
    }
    if (ts.isFunctionLike(node)) continue;
    const inner = ts.isIterationStatement(node, false) || ts.isSwitchStatement(node) ? loopDepth + 1 : loopDepth;
    ts.forEachChild(node, (child) => {
      stack.push({ node: child, loopDepth: inner });
    });
  }
  return false;
}
