// Purity with reasons: classifies what collect() found, lets nested functions' effects reach the functions
// around them (up to where the binding they touch is declared), then spreads impurity along calls between genes.
import ts from 'typescript';
import {
  BUILTIN_RECEIVER_TYPES,
  COLLECTION_READ_METHODS,
  CONSTRUCTIBLE_GLOBALS,
  FRESH_RESULT_METHODS,
  IMPURE_GLOBALS,
  MUTATING_METHODS,
  MUTATING_STATICS,
  NAMESPACE_MEMBERS,
  NON_MUTATING_METHODS,
  PURE_GLOBAL_VALUES,
  THROWING_GLOBALS,
} from './builtins';
import { type Binding, type FileModel, type FunctionInfo, type Scope, type Write, isAssignmentOperator, isGeneNode, skipInnerWrappers, skipOuterWrappers } from './collect';
import { ReceiverModel, isWriteTarget } from './receiver';
import type { ImportOracle } from './module-summary';
import { type ConstantKind, ModuleConstants } from './module-constants';
import type { ReasonCode, ReasonTarget } from './types';

export interface Fact {
  code: ReasonCode;
  message: string;
  node: ts.Node;
  /** For `calls-impure`: the original reason down the call chain. */
  cause?: string;
  /** The function or constant of another file the fact is about. */
  target?: ReasonTarget;
  /** Only reads a field of its own object (`this.count`): for a getter, no more than reading a property of the object. */
  stateRead?: boolean;
  /** Part of a constructor initialising its new object (`this.x = value`): no effect if that is all it does. */
  initialization?: boolean;
}

export interface Dependency {
  target: FunctionInfo;
  node: ts.Node;
}

export interface PurityResult {
  /** Per function index: why it is impure (empty when pure). */
  impure: Fact[][];
  /** The gene a name or member path (`fib`, `Easing.Quadratic.In`) refers to. */
  geneAt: Map<ts.Node, FunctionInfo>;
  /** Per function index: conditions of a pure verdict (`calls-parameter`). */
  notes: Fact[][];
  /** Per function index: it reads readonly fields of `this` or calls its methods (pure only with respect to its receiver). */
  receiver: boolean[];
  mayThrow: boolean[];
  /** Per function index: the functions and constants of other files its pure verdict rests on (`imported-pure`). */
  links: Fact[][];
  /** Per function index: it uses bindings of an enclosing function (a closure: pure only together with them, `standalone: false`). */
  captures: boolean[];
  /** Per function index: it reads module `let`s that nothing reassigns, as constants. */
  moduleLets: boolean[];
  /** Per function index: a constructor that only initialises its object (pure, `initializesThis`). */
  initializes: boolean[];
  /** Per function index of a conditional function: the positions of the parameters it calls (undefined: not only its own parameters). */
  calledParameters: (number[] | undefined)[];
  bindingOf: Map<ts.Identifier, Binding | undefined>;
  isFresh(binding: Binding): boolean;
  constantKind(binding: Binding): ConstantKind;
  isPrimitive(expression: ts.Expression): boolean;
  /** Per function index: it constructs instances of value classes (`new Range(…)`), pure with `constructsValue`. */
  constructsValue: boolean[];
  /** A class whose instances are values: readonly fields only, and a construction that only initialises them (given the constructor's verdict). */
  valueClass(cls: ts.ClassLikeDeclaration, initializes: (ctor: ts.ConstructorDeclaration) => boolean): boolean;
}

/** `skipped` functions (syntax errors) count as impure for everything that calls or contains them. */
export function analyzePurity(model: FileModel, skipped: ReadonlySet<FunctionInfo>, imports?: ImportOracle): PurityResult {
  const count = model.functions.length;
  const links: Fact[][] = Array.from({ length: count }, () => []);
  const impure: Fact[][] = Array.from({ length: count }, () => []);
  const notes: Fact[][] = Array.from({ length: count }, () => []);
  const deps: Dependency[][] = Array.from({ length: count }, () => []);
  const throws: boolean[] = new Array<boolean>(count).fill(false);
  const receiver: boolean[] = new Array<boolean>(count).fill(false);
  const captures: boolean[] = new Array<boolean>(count).fill(false);
  const moduleLets: boolean[] = new Array<boolean>(count).fill(false);
  const initializes: boolean[] = new Array<boolean>(count).fill(false);
  const constructsValue: boolean[] = new Array<boolean>(count).fill(false);
  /** `new C(…)` of this file's classes, decided once their constructors are. */
  const constructions: { fn: FunctionInfo; cls: ts.ClassDeclaration; node: ts.NewExpression }[] = [];
  const called: (Set<number> | 'unknown' | undefined)[] = new Array<Set<number> | 'unknown' | undefined>(count).fill(undefined);
  /** Direct uses of genes of this file: a conditional one is only as pure as what it is handed. */
  const uses: { fn: FunctionInfo; stop: FunctionInfo | undefined; target: FunctionInfo; node: ts.Node; checked: boolean }[] = [];
  const bindingOf = new Map<ts.Identifier, Binding | undefined>();
  /** Methods called on a binding declared as a class of this file: decided as getter reads are. */
  const stateCalls: StateRead[] = [];
  const sf = model.sourceFile;

  const writes: (Write | undefined)[] = [];
  for (const ref of model.references) {
    const binding = resolve(ref.scope, ref.id.text);
    bindingOf.set(ref.id, binding);
    const write = writeOf(ref.id);
    writes.push(write);
    if (binding && write) binding.writes.push(write);
  }

  // Bindings whose object some code of the file changes in place (`o.x = 1`, `delete o.x`, `o.push(x)`).
  const mutated = new Set<Binding>();
  for (const { kind, node } of model.events) {
    let target: ts.Node | undefined;
    if (kind === 'property-write') target = (node as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression;
    else if (kind === 'delete') target = (node as ts.DeleteExpression).expression;
    else if (kind === 'call') {
      const callee = ts.isCallExpression(node) ? skipInnerWrappers(node.expression) : undefined;
      if (callee && ts.isPropertyAccessExpression(callee) && MUTATING_METHODS.has(callee.name.text)) target = callee.expression;
    }
    let root = target && skipInnerWrappers(target);
    while (root && (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root))) root = skipInnerWrappers(root.expression);
    const binding = root && ts.isIdentifier(root) ? bindingOf.get(root) : undefined;
    if (binding) mutated.add(binding);
  }

  const freshMemo = new Map<Binding, boolean>();
  const isFresh = (binding: Binding): boolean => freshBinding(binding, freshMemo, bindingOf);
  const fresh = (expression: ts.Node): boolean => freshExpression(expression, freshMemo, bindingOf);
  const constants = new ModuleConstants(sf, bindingOf, (expression) => isPrimitive(expression, bindingOf, 0));
  // Constructors that may only initialise their object (checked once every effect is known).
  const initializingCtors = new Set(model.functions.filter((fn) => ts.isConstructorDeclaration(fn.node) && ts.isClassDeclaration(fn.node.parent) && plainClass(fn.node.parent)));

  /** Records a fact on `from` and every function around it, stopping at the one that owns the binding involved. */
  const chain = (from: FunctionInfo, stop: FunctionInfo | undefined, code: ReasonCode, message: string, node: ts.Node) => {
    for (const fn of outward(from, stop)) impure[fn.index]!.push({ code, message, node });
  };
  const everywhere = (from: FunctionInfo, code: ReasonCode, message: string, node: ts.Node) => chain(from, undefined, code, message, node);
  const geneAt = new Map<ts.Node, FunctionInfo>();
  const depend = (from: FunctionInfo, stop: FunctionInfo | undefined, target: FunctionInfo, node: ts.Node) => {
    geneAt.set(node, target);
    if (target !== from) uses.push({ fn: from, stop, target, node, checked: false });
    for (const fn of outward(from, stop)) deps[fn.index]!.push({ target, node });
  };
  const mayThrowFrom = (from: FunctionInfo) => {
    for (const fn of outward(from)) throws[fn.index] = true;
  };

  // References: reads, writes and calls of names.
  model.references.forEach(({ id, fn }, index) => {
    if (fn) classifyReference(id, fn, writes[index]);
  });

  function classifyReference(id: ts.Identifier, fn: FunctionInfo, write: Write | undefined): void {
    const binding = bindingOf.get(id);
    const name = id.text;
    if (write) {
      if (!binding) everywhere(fn, 'writes-global', `assigns ${name}, a global`, id);
      else chain(fn, binding.scope.owner, 'writes-outer', `assigns ${name}, declared outside this function`, id);
      return;
    }
    const use = useOf(id);
    if (!binding) {
      classifyGlobal(id, use, fn);
      return;
    }
    const owner = binding.scope.owner;
    if (owner === fn && binding.kind !== 'param') return; // a local of this very function
    if (owner && owner !== fn) for (const f of outward(fn, owner)) captures[f.index] = true;
    switch (binding.kind) {
      case 'param':
        if (owner !== fn && binding.writes.length > 0) chain(fn, owner, 'reads-outer-mutable', `reads ${name}, a parameter of an enclosing function that is reassigned`, id);
        if (use === 'call') noteCalledParameter(id, binding, fn, undefined);
        break;
      case 'let':
        // Never reassigned: as good as a const (the issue's debatable case, flagged on the gene).
        if (binding.writes.length === 0) {
          if (!owner) for (const f of outward(fn)) moduleLets[f.index] = true;
          classifyConst(id, binding, use, fn);
          break;
        }
        chain(fn, owner, 'reads-outer-mutable', `reads ${name}, a let ${owner ? 'of an enclosing function' : 'of the module'} that can change`, id);
        break;
      case 'var':
      case 'catch':
        chain(fn, owner, 'reads-outer-mutable', `reads ${name}, a ${binding.kind === 'catch' ? 'catch variable' : binding.kind} ${owner ? 'of an enclosing function' : 'of the module'} that can change`, id);
        break;
      case 'function': {
        const target = model.functionByNode.get(binding.declaration);
        if (binding.writes.length > 0) chain(fn, owner, 'reads-outer-mutable', `uses ${name}, a function binding that is reassigned`, id);
        else if (target) depend(fn, owner, target, id);
        else chain(fn, owner, 'calls-unknown', `uses ${name}, whose body this analysis cannot see`, id);
        break;
      }
      case 'const':
        classifyConst(id, binding, use, fn);
        break;
      case 'class':
        classifyMember(id, binding, use, fn);
        break;
      case 'namespace':
        classifyMember(id, binding, use, fn);
        break;
      case 'enum':
        break;
      case 'import':
        classifyImport(id, binding, use, fn);
        break;
    }
  }

  /**
   * A call of parameter `id` (or, with `callee`, handing it to a function that calls it) makes `fn` conditional. A
   * callback's parameters are filled by the call it is passed to (`fns.reduce((acc, f) => f(acc), x)`): the function
   * making that call is as conditional as the callback.
   */
  function noteCalledParameter(id: ts.Identifier, binding: Binding, fn: FunctionInfo, callee: string | undefined): void {
    const owner = binding.scope.owner;
    const reach = callerOfCallback(owner);
    const declaration = binding.declaration;
    const position = owner && ts.isParameter(declaration) && ts.isIdentifier(declaration.name) && !declaration.dotDotDotToken ? owner.node.parameters.indexOf(declaration) : -1;
    let beyondOwner = false;
    for (let f: FunctionInfo | undefined = fn; f; f = f.parent) {
      const message = beyondOwner
        ? `passes on a callback that calls its parameter ${id.text}: pure only if the functions it is given are`
        : callee
          ? `passes parameter ${id.text} to ${callee}, which calls it: pure only if the function passed in is`
          : `calls parameter ${id.text}: pure only if the function passed in is`;
      notes[f.index]!.push({ code: 'calls-parameter', message, node: id });
      const known = called[f.index];
      if (f === owner && !beyondOwner && position >= 0 && known !== 'unknown') called[f.index] = (known ?? new Set<number>()).add(position);
      else called[f.index] = 'unknown';
      if (f === reach || returnedUncalled(f)) break;
      if (f === owner) beyondOwner = true;
    }
  }

  /**
   * A call of a conditional function that calls the parameters at `positions`: pure when each function handed there
   * is written inline (its own effects count here already) or is a name whose own verdict counts; conditional when
   * it is a parameter; otherwise impure.
   */
  function checkHandedFunctions(call: ts.CallExpression, positions: readonly number[], fn: FunctionInfo, stop: FunctionInfo | undefined, callee: string): void {
    for (const position of positions) {
      const spread = call.arguments.findIndex((argument) => ts.isSpreadElement(argument));
      const argument = call.arguments[position];
      if (spread >= 0 && spread <= position) {
        chain(fn, stop, 'calls-unknown', `spreads arguments into ${callee}, which calls the function at position ${position + 1}`, call);
        continue;
      }
      if (!argument) continue;
      const inner = skipInnerWrappers(argument);
      if (model.functionByNode.has(inner) || inner.kind === ts.SyntaxKind.NullKeyword) continue;
      if (ts.isIdentifier(inner)) {
        const binding = bindingOf.get(inner);
        if (binding?.kind === 'param') {
          noteCalledParameter(inner, binding, fn, callee);
          continue;
        }
        // A function of this file or an import: its own reference decides it (a conditional one as a value is impure).
        if (binding && (binding.kind === 'function' || binding.kind === 'import')) continue;
        if (binding?.kind === 'const' && binding.initializer && model.functionByNode.has(skipInnerWrappers(binding.initializer))) continue;
        if (!binding && inner.text === 'undefined') continue;
      }
      chain(fn, stop, 'calls-unknown', `hands ${short(inner, sf)} to ${callee}, which calls it: not known to be pure`, argument);
    }
  }

  /** A name imported from another file: decided by that file's summary, through the members read from it. */
  function classifyImport(id: ts.Identifier, binding: Binding, use: Use, fn: FunctionInfo): void {
    const owner = binding.scope.owner;
    const { path, top, topUse } = memberPath(id, use);
    if (!imports || binding.module === undefined || binding.imported === undefined) {
      chain(fn, owner, 'import', `uses ${id.text}, imported from '${binding.module ?? '?'}': other files are not analysed here`, id);
      return;
    }
    const meaning = imports.lookup(binding.module, binding.imported, path);
    if (meaning.kind === 'unknown') {
      chain(fn, owner, 'import', `uses ${[id.text, ...path].join('.')}, imported from '${binding.module}': ${meaning.message}`, id);
      return;
    }
    const { entry, consumed } = meaning;
    const text = [id.text, ...path].join('.');
    const target: ReasonTarget = { file: entry.file, line: entry.line, name: entry.name };
    const where = `${entry.name} (${entry.file}:${entry.line})`;
    const rest = path.length - consumed;
    const node = top;
    switch (entry.kind) {
      case 'function':
        if (rest > 0) {
          chain(fn, owner, 'calls-unknown', `uses ${short(top, sf)}, a property of ${where}`, node);
        } else if (entry.purity === 'pure' || (entry.purity === 'conditional' && entry.calls && topUse === 'call' && ts.isCallExpression(top.parent))) {
          if (entry.purity === 'conditional') checkHandedFunctions(top.parent as ts.CallExpression, entry.calls!, fn, owner, where);
          for (const f of outward(fn, owner)) links[f.index]!.push({ code: 'imported-pure', message: `${topUse === 'call' ? 'calls' : 'uses'} ${where}, pure`, node, target });
        } else {
          const cause = entry.purity === 'conditional' ? 'pure only if the function passed in is' : entry.cause ?? 'impure';
          for (const f of outward(fn, owner)) impure[f.index]!.push({ code: 'calls-impure', message: `uses ${where}, which is ${entry.purity === 'conditional' ? 'conditional' : 'impure'} (${cause})`, node, cause, target });
        }
        return;
      case 'constant':
      case 'enum':
        if (topUse === 'read' || (topUse === 'call' && rest >= 1 && entry.kind === 'constant' && constantMethod(entry.regex === true, path[path.length - 1]!))) {
          for (const f of outward(fn, owner)) links[f.index]!.push({ code: 'imported-pure', message: `reads ${where}, ${entry.kind === 'enum' ? 'an enum' : entry.moduleLet ? 'a let its module never reassigns' : 'a constant'}`, node, target });
          if (entry.kind === 'constant' && entry.moduleLet) for (const f of outward(fn, owner)) moduleLets[f.index] = true;
        } else chain(fn, owner, 'calls-unknown', `uses ${short(top, sf)} as a function: ${where} is a constant`, node);
        return;
      case 'container':
        // The class or namespace itself as a value (`x instanceof Range`); `new` is decided as a construction.
        if (rest === 0 && topUse !== 'call') return;
        chain(fn, owner, topUse === 'call' ? 'calls-unknown' : 'reads-outer-mutable', `uses ${short(top, sf)}, which is not a function or constant of ${where}`, node);
        return;
      case 'value':
        chain(fn, owner, 'reads-outer-mutable', `uses ${text}: ${where} is not a constant (a let, an object, a RegExp with g or y)`, node);
        return;
    }
  }

  function classifyGlobal(id: ts.Identifier, use: Use, fn: FunctionInfo): void {
    const name = id.text;
    const impureCode = IMPURE_GLOBALS.get(name);
    if (impureCode === 'date' && isInstanceofTarget(id)) return; // `x instanceof Date` reads no clock
    if (impureCode) {
      everywhere(fn, impureCode, globalMessage(name, impureCode), id);
      return;
    }
    const namespace = NAMESPACE_MEMBERS.get(name);
    const member = ts.isPropertyAccessExpression(id.parent) && id.parent.expression === id ? id.parent.name.text : undefined;
    if (namespace && member !== undefined) {
      const code = namespace.impure?.get(member);
      if (code) everywhere(fn, code, `uses ${name}.${member}, which is not deterministic`, id.parent);
      else if (namespace.allowed !== '*' && !namespace.allowed.has(member)) everywhere(fn, 'calls-unknown', `uses ${name}.${member}, which is not known to be pure`, id.parent);
      else if (THROWING_GLOBALS.has(`${name}.${member}`)) mayThrowFrom(fn);
      return;
    }
    if (PURE_GLOBAL_VALUES.has(name) && !(name === 'Symbol' && use === 'call')) {
      if (use === 'call' && THROWING_GLOBALS.has(name)) mayThrowFrom(fn);
      return;
    }
    everywhere(fn, 'unknown-global', `uses ${name}, a global this file does not declare`, id);
  }

  function classifyConst(id: ts.Identifier, binding: Binding, use: Use, fn: FunctionInfo): void {
    const owner = binding.scope.owner;
    if (!owner) {
      const constant = constants.kindOf(binding);
      if (constant === 'table' || constant === 'regex') return;
      if (constant === 'stateful-regex') {
        chain(fn, owner, 'reads-outer-mutable', `uses ${id.text}, a module-level RegExp with the g or y flag: its lastIndex is state shared between calls`, id);
        return;
      }
    }
    const init = binding.initializer && skipInnerWrappers(binding.initializer);
    if (init && !binding.destructured) {
      const target = isGeneNode(init) ? model.functionByNode.get(init) : undefined;
      if (target) {
        depend(fn, owner, target, id);
        return;
      }
      if (use !== 'call' && isPrimitive(init, bindingOf, 0)) return;
      if (ts.isObjectLiteralExpression(init) || ts.isClassExpression(init) || frozenObjectLiteral(init)) {
        classifyMember(id, binding, use, fn);
        return;
      }
    }
    if (use === 'call') chain(fn, owner, 'calls-unknown', `calls ${id.text}, whose value this analysis cannot see`, id);
    else if (!capturedUnchanged(binding, fn)) chain(fn, owner, 'reads-outer-mutable', `reads ${id.text}, an object declared outside this function that can change`, id);
  }

  /** A binding of an enclosing function that nothing reassigns and whose object no code of the file changes in place. */
  function capturedUnchanged(binding: Binding, fn: FunctionInfo): boolean {
    return binding.scope.owner !== undefined && binding.scope.owner !== fn && binding.writes.length === 0 && !mutated.has(binding);
  }

  /** `Easing.Quadratic.In(k)`, `Range.contains(r, p)`, `Util.helper()`: finds the gene a member path leads to. */
  function classifyMember(id: ts.Identifier, binding: Binding, use: Use, fn: FunctionInfo): void {
    const owner = binding.scope.owner;
    const { path, top, topUse } = memberPath(id, use);
    if (path.length === 0) {
      // The class or namespace itself as a value (`x instanceof Range`); an object literal is shared mutable state.
      if ((binding.kind === 'const' || binding.kind === 'let') && topUse !== 'new' && !capturedUnchanged(binding, fn)) chain(fn, owner, 'reads-outer-mutable', `reads ${id.text}, an object declared outside this function that can change`, id);
      return;
    }
    const target = memberFunction(binding, path);
    if (target) {
      depend(fn, owner, target, top);
      return;
    }
    const call = skipOuterWrappers(top).parent;
    if (binding.kind === 'class' && path.length === 1 && path[0] === 'prototype' && ts.isCallExpression(call) && initializingCtors.has(fn) && isPrototypeReset(call, fn)) return;
    if (binding.mergedEnum && !binding.members?.names.has(path[0]!) && binding.mergedEnum.members.some((m) => propertyName(m.name) === path[0]) && topUse === 'read') return; // an enum member
    const text = `${id.text}.${path.join('.')}`;
    if (topUse === 'call') chain(fn, owner, 'calls-unknown', `calls ${text}, which this analysis cannot resolve to a function of this file`, top);
    else if (!((binding.kind === 'const' || binding.kind === 'let') && capturedUnchanged(binding, fn))) chain(fn, owner, 'reads-outer-mutable', `reads ${text}, a property of an object declared outside this function that can change`, top);
  }

  function memberFunction(binding: Binding, path: string[]): FunctionInfo | undefined {
    let container: ts.Node | undefined = binding.kind === 'const' ? binding.initializer && unfrozen(skipInnerWrappers(binding.initializer)) : binding.declaration;
    let members: Scope | undefined = binding.members;
    for (const segment of path) {
      if (!container) return undefined;
      if (ts.isModuleDeclaration(container)) {
        const inner = members?.names.get(segment);
        if (!inner || inner.writes.length > 0) return undefined;
        if (inner.kind === 'function') container = inner.declaration;
        else if (inner.kind === 'const' && inner.initializer) container = skipInnerWrappers(inner.initializer);
        else return undefined;
        members = inner.members;
        continue;
      }
      if (ts.isClassLike(container)) {
        const method = container.members.find((m) => ts.isMethodDeclaration(m) && m.body && propertyName(m.name) === segment && ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static);
        container = method;
        continue;
      }
      if (ts.isObjectLiteralExpression(container)) {
        const property = container.properties.find((p) => p.name !== undefined && propertyName(p.name) === segment);
        if (!property) return undefined;
        container = ts.isPropertyAssignment(property) ? skipInnerWrappers(property.initializer) : ts.isMethodDeclaration(property) ? property : undefined;
        continue;
      }
      return undefined;
    }
    return container && isGeneNode(container) ? model.functionByNode.get(container) : undefined;
  }

  const receivers = new ReceiverModel((expression) => isPrimitive(expression, bindingOf, 0));
  for (const { kind, node, fn } of model.events) {
    switch (kind) {
      case 'this': {
        const init = initializingCtors.has(fn) ? (node.kind === ts.SyntaxKind.SuperKeyword ? superCall(node, fn) : constructorUse(node, fn)) : undefined;
        if (init) {
          impure[fn.index]!.push({ code: 'this', node, ...init });
          break;
        }
        let use = receivers.classify(node, fn);
        if (use.kind === 'argument' && !callsKnownFunction(use.call)) use = { kind: 'impure', message: 'uses this as a value' };
        if (use.kind === 'impure') {
          for (const f of around(fn)) impure[f.index]!.push({ code: 'this', message: use.message, node, ...(use.stateRead ? { stateRead: true } : {}) });
          break;
        }
        // The method owns its receiver: arrows inside it share it, functions around the class do not.
        for (const f of around(fn)) {
          receiver[f.index] = true;
          if (f === use.method) break;
        }
        if (use.kind === 'method') {
          const target = model.functionByNode.get(use.target);
          if (target) {
            geneAt.set(use.access, target);
            for (const f of around(fn, use.method.parent)) deps[f.index]!.push({ target, node: use.access });
          } else for (const f of around(fn)) impure[f.index]!.push({ code: 'this', message: `calls this.${use.target.name?.getText(sf) ?? '?'}, whose body this analysis cannot see`, node });
        }
        break;
      }
      case 'await':
        everywhere(fn, 'await', 'awaits a promise', node);
        break;
      case 'yield':
        everywhere(fn, 'generator', 'yields (a generator)', node);
        break;
      case 'throw':
        mayThrowFrom(fn);
        break;
      case 'with':
        everywhere(fn, 'with', 'uses a with statement', node);
        break;
      case 'jsx':
        everywhere(fn, 'jsx', 'creates JSX elements through a factory this analysis cannot see', node);
        break;
      case 'meta':
        everywhere(fn, 'meta-property', `uses ${node.getText(sf)}`, node);
        break;
      case 'call':
        classifyCall(node as ts.CallExpression | ts.TaggedTemplateExpression, fn);
        break;
      case 'new':
        classifyNew(node as ts.NewExpression, fn);
        break;
      case 'delete': {
        const operand = skipInnerWrappers((node as ts.DeleteExpression).expression);
        if (ts.isPropertyAccessExpression(operand) || ts.isElementAccessExpression(operand)) classifyPropertyWrite(operand, fn, true);
        else everywhere(fn, 'delete-non-local', `deletes ${operand.getText()}`, node);
        break;
      }
      case 'property-write':
        classifyPropertyWrite(node as ts.PropertyAccessExpression | ts.ElementAccessExpression, fn, false);
        break;
    }
  }

  /**
   * A call whose callee is a name (or a member path) of this file's functions, classes and namespaces, or an import:
   * its reference decides whether that function is pure, so a receiver handed to it is only read (or the call is impure).
   */
  function callsKnownFunction(call: ts.CallExpression): boolean {
    const callee = skipInnerWrappers(call.expression);
    const root = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? rootIdentifier(callee) : undefined;
    const binding = root && bindingOf.get(root);
    if (!binding) return false;
    if (binding.kind === 'function' || binding.kind === 'import') return true;
    if ((binding.kind === 'class' || binding.kind === 'namespace') && callee !== root) return true;
    return binding.kind === 'const' && callee === root && binding.initializer !== undefined && model.functionByNode.has(skipInnerWrappers(binding.initializer));
  }

  function rootIdentifier(expression: ts.Node): ts.Identifier | undefined {
    let current = skipInnerWrappers(expression);
    while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = skipInnerWrappers(current.expression);
    return ts.isIdentifier(current) ? current : undefined;
  }

  function classifyPropertyWrite(target: ts.PropertyAccessExpression | ts.ElementAccessExpression, fn: FunctionInfo, isDelete: boolean): void {
    const receiver = skipInnerWrappers(target.expression);
    if (receiver.kind === ts.SyntaxKind.ThisKeyword || receiver.kind === ts.SyntaxKind.SuperKeyword) return; // already impure through `this`
    const verb = isDelete ? 'deletes' : 'changes';
    const text = short(target, sf);
    if (ts.isIdentifier(receiver)) {
      const binding = bindingOf.get(receiver);
      if (!binding) everywhere(fn, isDelete ? 'delete-non-local' : 'writes-global', `${verb} ${text}, a property of a global`, target);
      else if (isFresh(binding)) chain(fn, binding.scope.owner, isDelete ? 'delete-non-local' : 'writes-outer-property', `${verb} ${text}, an object created outside this function`, target);
      else if (binding.kind === 'param') everywhere(fn, isDelete ? 'delete-non-local' : 'mutates-parameter', `${verb} ${text}, a property of parameter ${binding.name}`, target);
      else everywhere(fn, isDelete ? 'delete-non-local' : 'writes-outer-property', `${verb} ${text}, a property of an object this function did not create`, target);
      return;
    }
    if (fresh(receiver)) return;
    const root = rootIdentifier(receiver);
    const param = root && bindingOf.get(root)?.kind === 'param';
    everywhere(fn, isDelete ? 'delete-non-local' : param ? 'mutates-parameter' : 'writes-outer-property', `${verb} ${text}, a property of an object this function did not create`, target);
  }

  function classifyCall(node: ts.CallExpression | ts.TaggedTemplateExpression, fn: FunctionInfo): void {
    const callee = skipInnerWrappers(ts.isCallExpression(node) ? node.expression : node.tag);
    if (ts.isIdentifier(callee) || isGeneNode(callee) || callee.kind === ts.SyntaxKind.SuperKeyword) return; // names are classified as references; IIFE bodies are nested genes
    if (callee.kind === ts.SyntaxKind.ImportKeyword) {
      everywhere(fn, 'io', 'loads a module with import()', node);
      return;
    }
    if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) {
      everywhere(fn, 'calls-unknown', `calls ${short(callee, sf)}, the result of an expression`, node);
      return;
    }
    const receiver = skipInnerWrappers(callee.expression);
    if (receiver.kind === ts.SyntaxKind.ThisKeyword || receiver.kind === ts.SyntaxKind.SuperKeyword) return;
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isStringLiteralLike(callee.argumentExpression) ? callee.argumentExpression.text : undefined;
    const root = rootIdentifier(receiver);
    const rootBinding = root && bindingOf.get(root);
    if (root && !rootBinding && bindingOf.has(root)) {
      // A global namespace (Math.max): its members were checked as references; some mutate their first argument.
      if (receiver === root && ts.isCallExpression(node) && MUTATING_STATICS.has(`${root.text}.${method}`)) {
        const first = node.arguments[0];
        if (first && initializingCtors.has(fn) && isPrototypeReset(node, fn)) return; // decided as the constructor's `this`
        if (!first || !isFreshValue(first)) everywhere(fn, 'writes-outer-property', `calls ${root.text}.${method}() on an object this function did not create`, node);
      }
      return;
    }
    if (rootBinding && (rootBinding.kind === 'class' || rootBinding.kind === 'namespace' || rootBinding.kind === 'enum' || rootBinding.kind === 'import' || rootBinding.kind === 'function')) return;
    if (rootBinding && rootBinding.kind === 'const' && rootBinding.scope.owner !== fn && rootBinding.initializer && ts.isObjectLiteralExpression(unfrozen(skipInnerWrappers(rootBinding.initializer)))) return;
    if (rootBinding && !rootBinding.scope.owner && rootBinding.kind === 'const' && constants.kindOf(rootBinding) !== 'none') return; // its reference already decided
    const text = short(callee, sf);
    if (method === undefined) {
      everywhere(fn, 'calls-unknown', `calls ${text}, a computed method`, node);
      return;
    }
    if (MUTATING_METHODS.has(method)) {
      if (ts.isIdentifier(receiver) && rootBinding && isFresh(rootBinding)) {
        chain(fn, rootBinding.scope.owner, 'writes-outer-property', `calls ${text}(), which changes an object created outside this function`, node);
      } else if (!ts.isIdentifier(receiver) && fresh(receiver)) {
        // e.g. xs.slice().sort(): the receiver is a new array
      } else {
        const param = rootBinding?.kind === 'param';
        everywhere(fn, param ? 'mutates-parameter' : 'writes-outer-property', `calls ${text}(), which changes ${param ? `parameter ${rootBinding!.name}` : 'an object this function did not create'}`, node);
      }
      return;
    }
    if ((method === 'exec' || method === 'test') && !isOwnRegExp(receiver, fn)) {
      // With the g or y flag both read and move lastIndex: state of an object this call did not make.
      const why = `calls ${text}(), which moves the lastIndex of a RegExp this function did not create when it has the g or y flag`;
      if (rootBinding?.kind === 'param') everywhere(fn, 'mutates-parameter', why, node);
      else if (rootBinding && receiver === root && rootBinding.scope.owner !== fn) chain(fn, rootBinding.scope.owner, 'writes-outer-property', why, node);
      else everywhere(fn, 'writes-outer-property', why, node);
      return;
    }
    if (ts.isIdentifier(receiver) && rootBinding && typedMethodCall(receiver, rootBinding, method, fn, callee)) return;
    if (NON_MUTATING_METHODS.has(method) && !declaredAsForeignType(receiver)) return;
    if (COLLECTION_READ_METHODS.has(method) && (isFreshValue(receiver) || declaredAsBuiltin(receiver))) return;
    everywhere(fn, 'calls-unknown', `calls ${text}(), which is not known to be pure`, node);
  }

  /** The class a binding is declared as (`range: OffsetRange`): of this file, or imported. */
  function declaredClass(binding: Binding): Binding | undefined {
    const type = binding.typeNode;
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName) || type.typeArguments) return undefined;
    // Types are not walked for references: the name is looked up from where the binding is declared.
    const declared = resolve(binding.scope, type.typeName.text);
    return declared && (declared.kind === 'class' || declared.kind === 'import') ? declared : undefined;
  }

  /**
   * `range.contains(x)` on a binding declared as a class (read as final, as for receivers): the class's method decides,
   * as a getter does for a read: one that only reads its object's fields reads the input.
   */
  function typedMethodCall(receiver: ts.Identifier, binding: Binding, method: string, fn: FunctionInfo, callee: ts.Node): boolean {
    const declared = declaredClass(binding);
    if (!declared) return false;
    if (declared.kind === 'class') {
      const members = (declared.declaration as ts.ClassLikeDeclaration).members.filter((m) => m.name !== undefined && propertyName(m.name) === method && !(ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static));
      const bodies = members.filter((m) => (ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) && m.body !== undefined);
      if (bodies.length !== 1 || !ts.isMethodDeclaration(bodies[0]!) || members.some((m) => !ts.isMethodDeclaration(m))) return false;
      const target = model.functionByNode.get(bodies[0] as ts.MethodDeclaration);
      if (!target || notes[target.index]!.length > 0) return false;
      stateCalls.push({ fn, target, node: callee });
      return true;
    }
    return importedInstanceMember(receiver, declared, method, fn, callee, 'call');
  }

  /** A method called, or a getter read, on a binding declared as an imported class: decided by that class's summary. */
  function importedInstanceMember(receiver: ts.Identifier, declared: Binding, member: string, fn: FunctionInfo, node: ts.Node, use: 'call' | 'read'): boolean {
    if (!imports || declared.module === undefined || declared.imported === undefined) return false;
    const meaning = imports.lookup(declared.module, declared.imported, []);
    if (meaning.kind !== 'export' || meaning.entry.kind !== 'container' || meaning.consumed !== 0) return false;
    const entry = meaning.entry.instance?.[member];
    if (!entry || entry.kind !== 'function' || (use === 'read' && !entry.accessor)) return false;
    const target: ReasonTarget = { file: meaning.entry.file, line: entry.line, name: entry.name };
    const where = `${entry.name} (${meaning.entry.file}:${entry.line})`;
    const verb = use === 'call' ? 'calls' : 'reads';
    if (entry.purity === 'pure') {
      for (const f of outward(fn)) links[f.index]!.push({ code: 'imported-pure', message: `${verb} ${receiver.text}.${member}: ${where}, pure`, node, target });
    } else {
      const cause = entry.purity === 'conditional' ? 'pure only if the function passed in is' : entry.cause ?? 'impure';
      for (const f of outward(fn)) impure[f.index]!.push({ code: 'calls-impure', message: `${verb} ${receiver.text}.${member}: ${where}, which is ${entry.purity} (${cause})`, node, cause, target });
    }
    return true;
  }

  /** A RegExp whose lastIndex nobody else sees: made in this call, or one without g and y in a binding nobody reassigns. */
  function isOwnRegExp(receiver: ts.Node, fn: FunctionInfo): boolean {
    if (isRegExpValue(receiver, false)) return true;
    if (!ts.isIdentifier(receiver)) return false;
    const binding = bindingOf.get(receiver);
    if (!binding || binding.destructured || !binding.initializer || !['const', 'let', 'var'].includes(binding.kind)) return false;
    const values = [binding.initializer, ...binding.writes.map((write) => (write.operator === ts.SyntaxKind.EqualsToken ? write.value : undefined))];
    const local = binding.scope.owner === fn;
    return values.every((value) => value !== undefined && isRegExpValue(value, !local));
  }

  /** A regex literal or `new RegExp(…)`; with `flagless`, only a literal without the g and y flags. */
  function isRegExpValue(expression: ts.Node, flagless: boolean): boolean {
    const inner = skipInnerWrappers(expression);
    if (ts.isRegularExpressionLiteral(inner)) return !flagless || !/[gy]/.test(inner.text.slice(inner.text.lastIndexOf('/') + 1));
    if (flagless || !(ts.isNewExpression(inner) || ts.isCallExpression(inner))) return false;
    return ts.isIdentifier(inner.expression) && inner.expression.text === 'RegExp' && bindingOf.has(inner.expression) && !bindingOf.get(inner.expression);
  }

  function isFreshValue(expression: ts.Node): boolean {
    const inner = skipInnerWrappers(expression);
    if (ts.isIdentifier(inner)) {
      const binding = bindingOf.get(inner);
      return binding !== undefined && isFresh(binding);
    }
    return fresh(inner);
  }

  /** A parameter declared with a type of this codebase: its `map` or `find` is not Array's. */
  function declaredAsForeignType(receiver: ts.Node): boolean {
    const type = declaredType(receiver);
    if (!type) return false;
    return ts.isTypeReferenceNode(type) && !BUILTIN_RECEIVER_TYPES.has(type.typeName.getText());
  }

  function declaredAsBuiltin(receiver: ts.Node): boolean {
    const type = declaredType(receiver);
    return type !== undefined && ts.isTypeReferenceNode(type) && BUILTIN_RECEIVER_TYPES.has(type.typeName.getText());
  }

  function declaredType(receiver: ts.Node): ts.TypeNode | undefined {
    if (!ts.isIdentifier(receiver)) return undefined;
    return bindingOf.get(receiver)?.typeNode;
  }

  function classifyNew(node: ts.NewExpression, fn: FunctionInfo): void {
    const callee = skipInnerWrappers(node.expression);
    if (ts.isIdentifier(callee) && !bindingOf.get(callee)) {
      if (CONSTRUCTIBLE_GLOBALS.has(callee.text)) return;
      if (bindingOf.has(callee)) return; // an unknown or impure global: its reference already says so
    }
    const binding = ts.isIdentifier(callee) ? bindingOf.get(callee) : undefined;
    if (binding?.kind === 'class' && binding.writes.length === 0 && ts.isClassDeclaration(binding.declaration)) {
      constructions.push({ fn, cls: binding.declaration, node });
      return;
    }
    if (importedValueClass(callee, fn, node)) return;
    everywhere(fn, 'new', `constructs ${short(callee, sf)}: only collections, errors and value classes are known to be pure`, node);
  }

  /** `new Range(…)`, `new types.Range(…)` of an imported class whose summary says its instances are values. */
  function importedValueClass(callee: ts.Node, fn: FunctionInfo, node: ts.NewExpression): boolean {
    const path: string[] = [];
    let root = callee;
    while (ts.isPropertyAccessExpression(root)) {
      path.unshift(root.name.text);
      root = skipInnerWrappers(root.expression);
    }
    const binding = ts.isIdentifier(root) ? bindingOf.get(root) : undefined;
    if (!imports || binding?.kind !== 'import' || binding.module === undefined || binding.imported === undefined) return false;
    const meaning = imports.lookup(binding.module, binding.imported, path);
    if (meaning.kind !== 'export' || meaning.consumed !== path.length || meaning.entry.kind !== 'container' || !meaning.entry.value) return false;
    const target: ReasonTarget = { file: meaning.entry.file, line: meaning.entry.line, name: meaning.entry.name };
    for (const f of outward(fn)) {
      links[f.index]!.push({ code: 'imported-pure', message: `constructs ${meaning.entry.name} (${meaning.entry.file}:${meaning.entry.line}), a value class`, node, target });
      constructsValue[f.index] = true;
    }
    return true;
  }

  /** Readonly fields only, no base class but an error class or another value class, and a construction that only initialises. */
  function valueClass(cls: ts.ClassLikeDeclaration, initializesCtor: (ctor: ts.ConstructorDeclaration) => boolean, depth = 0): boolean {
    if (depth > 8) return false;
    for (const member of cls.members) {
      if (ts.isPropertyDeclaration(member) && !(ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) && !(ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Readonly)) return false;
      if (ts.isConstructorDeclaration(member) && member.parameters.some((p) => ts.isParameterPropertyDeclaration(p, member) && !(ts.getCombinedModifierFlags(p) & ts.ModifierFlags.Readonly))) return false;
    }
    const ctor = cls.members.find((member): member is ts.ConstructorDeclaration => ts.isConstructorDeclaration(member) && member.body !== undefined);
    if (ctor ? !initializesCtor(ctor) : !plainClass(cls)) return false;
    const base = baseClassOf(cls);
    if (!cls.heritageClauses?.some((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)) return true;
    if (!base) return false;
    const binding = bindingOf.get(base);
    if (!binding) return bindingOf.has(base) && ERROR_CLASSES.has(base.text);
    if (binding.kind === 'class' && ts.isClassLike(binding.declaration)) return valueClass(binding.declaration, initializesCtor, depth + 1);
    if (binding.kind === 'import' && imports && binding.module !== undefined && binding.imported !== undefined) {
      const meaning = imports.lookup(binding.module, binding.imported, []);
      return meaning.kind === 'export' && meaning.consumed === 0 && meaning.entry.kind === 'container' && meaning.entry.value === true;
    }
    return false;
  }

  /** `Object.setPrototypeOf(this, C.prototype)` in C's constructor (error subclasses do it): part of initialising. */
  function isPrototypeReset(call: ts.CallExpression, fn: FunctionInfo): boolean {
    const callee = skipInnerWrappers(call.expression);
    const [first, second] = call.arguments;
    const cls = fn.node.parent;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'setPrototypeOf' || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Object' || bindingOf.get(callee.expression)) return false;
    if (call.arguments.length !== 2 || !first || !second || skipInnerWrappers(first).kind !== ts.SyntaxKind.ThisKeyword || !ts.isClassDeclaration(cls) || !cls.name) return false;
    const proto = skipInnerWrappers(second);
    return ts.isPropertyAccessExpression(proto) && proto.name.text === 'prototype' && ts.isIdentifier(proto.expression) && proto.expression.text === cls.name.text;
  }

  /** `this.x = value` (initialising) or a read of a field, directly in a constructor; undefined for anything else. */
  function constructorUse(node: ts.Node, fn: FunctionInfo): Pick<Fact, 'message' | 'stateRead' | 'initialization'> | undefined {
    const self = skipOuterWrappers(node);
    const access = self.parent;
    if (ts.isCallExpression(access) && isPrototypeReset(access, fn)) return { message: 'sets its prototype', initialization: true };
    if (node.kind !== ts.SyntaxKind.ThisKeyword || !ts.isPropertyAccessExpression(access) || access.expression !== self) return undefined;
    const outer = skipOuterWrappers(access);
    const parent = outer.parent;
    if (ts.isBinaryExpression(parent) && parent.left === outer && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return { message: `initialises this.${access.name.text}`, initialization: true };
    if (isWriteTarget(outer) || (ts.isCallExpression(parent) && parent.expression === outer)) return undefined;
    // Only a field of this class: an inherited one may be a getter of the base.
    const cls = node.parent && enclosingClass(access);
    return cls && declaresField(cls, access.name.text) ? { message: `reads this.${access.name.text}`, stateRead: true } : undefined;
  }

  /**
   * `super(…)` in a constructor that may only initialise: the base class's construction must only initialise too —
   * an error class, a class of this file (its constructor decides, or it is plain itself), or an imported class whose
   * summary says so.
   */
  function superCall(node: ts.Node, fn: FunctionInfo): Pick<Fact, 'message' | 'initialization'> | undefined {
    const self = skipOuterWrappers(node);
    if (!ts.isCallExpression(self.parent) || self.parent.expression !== self) return undefined;
    const base = baseClassOf(fn.node.parent as ts.ClassDeclaration);
    if (!base) return undefined;
    const message = `calls super(…) of ${base.text}`;
    const binding = bindingOf.get(base);
    if (!binding) return bindingOf.has(base) && ERROR_CLASSES.has(base.text) ? { message, initialization: true } : undefined;
    if (binding.kind === 'class' && ts.isClassDeclaration(binding.declaration) && binding.writes.length === 0) {
      const ctor = binding.declaration.members.find((member) => ts.isConstructorDeclaration(member) && member.body !== undefined);
      const target = ctor && model.functionByNode.get(ctor);
      if (target) {
        deps[fn.index]!.push({ target, node }); // its effects, if any, are this constructor's
        return { message, initialization: true };
      }
      return !ctor && plainClass(binding.declaration, 1) ? { message, initialization: true } : undefined;
    }
    if (binding.kind === 'import' && imports && binding.module !== undefined && binding.imported !== undefined) {
      const meaning = imports.lookup(binding.module, binding.imported, []);
      if (meaning.kind === 'export' && meaning.consumed === 0 && meaning.entry.kind === 'container' && meaning.entry.initializes) return { message, initialization: true };
    }
    return undefined;
  }

  /** A class whose construction runs only its constructor and its base's: instance field initialisers that do nothing. */
  function plainClass(cls: ts.ClassLikeDeclaration, depth = 0): boolean {
    const extended = cls.heritageClauses?.some((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword);
    // A base class is decided by the constructor's super(…) call; without a constructor, only a plain base of this file.
    if (extended && !cls.members.some((member) => ts.isConstructorDeclaration(member) && member.body !== undefined)) {
      const base = baseClassOf(cls);
      const binding = base && bindingOf.get(base);
      if (!binding || binding.kind !== 'class' || depth > 8 || !ts.isClassDeclaration(binding.declaration) || binding.declaration.members.some(ts.isConstructorDeclaration) || !plainClass(binding.declaration, depth + 1)) return false;
    }
    return cls.members.every((member) => !ts.isPropertyDeclaration(member) || !member.initializer || ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static || inertValue(member.initializer));
  }

  /** A value whose evaluation does nothing: primitives, functions (made, not run), literals and collections of such. */
  function inertValue(expression: ts.Expression): boolean {
    const inner = skipInnerWrappers(expression) as ts.Expression;
    if (model.functionByNode.has(inner) || isPrimitive(inner, bindingOf, 0)) return true;
    if (ts.isArrayLiteralExpression(inner)) return inner.elements.every((element) => !ts.isSpreadElement(element) && inertValue(element));
    if (ts.isObjectLiteralExpression(inner)) return inner.properties.every((property) => ts.isPropertyAssignment(property) && !ts.isComputedPropertyName(property.name) && inertValue(property.initializer));
    if (ts.isNewExpression(inner) && ts.isIdentifier(inner.expression) && bindingOf.has(inner.expression) && !bindingOf.get(inner.expression) && CONSTRUCTIBLE_GLOBALS.has(inner.expression.text)) return (inner.arguments ?? []).every(inertValue);
    return false;
  }

  for (const fn of model.functions) {
    const node = fn.node;
    if (ts.isConstructorDeclaration(node)) impure[fn.index]!.push({ code: 'this', message: 'initialises a new object through this (a constructor)', node, ...(initializingCtors.has(fn) ? { initialization: true } : {}) });
    if (node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) impure[fn.index]!.push({ code: 'async', message: 'is async', node });
    if (node.asteriskToken) impure[fn.index]!.push({ code: 'generator', message: 'is a generator', node });
  }

  // Conditional genes of this file used by others: what they are handed decides (new conditions can reveal more).
  for (let changed = true; changed;) {
    changed = false;
    for (const use of uses) {
      if (use.checked || notes[use.target.index]!.length === 0) continue;
      use.checked = true;
      changed = true;
      const positions = called[use.target.index];
      const call = skipOuterWrappers(use.node).parent;
      const name = use.target.name;
      if (ts.isCallExpression(call) && skipOuterWrappers(use.node) === skipOuterWrappers(call.expression) && positions instanceof Set) checkHandedFunctions(call, [...positions], use.fn, use.stop, name);
      else chain(use.fn, use.stop, 'calls-unknown', `uses ${name}, which is pure only if the functions it is given are, in a way this analysis cannot follow`, use.node);
    }
  }

  // Getters of imported classes, read on a binding declared as one.
  if (imports) {
    for (const { name, fn } of model.memberReads) {
      const access = name.parent;
      if (!ts.isPropertyAccessExpression(access) || useOf(access) === 'call') continue;
      const receiver = skipInnerWrappers(access.expression);
      const binding = ts.isIdentifier(receiver) ? bindingOf.get(receiver) : undefined;
      const declared = binding && declaredClass(binding);
      if (declared?.kind === 'import') importedInstanceMember(receiver as ts.Identifier, declared, name.text, fn, access, 'read');
    }
  }

  // `new C(…)` of this file's classes: pure for a value class. Its constructor is decided with the other state
  // effects below: the construction rests on it (an edge), so a constructor that does more makes the caller impure.
  const mayInitialize = (ctor: ts.ConstructorDeclaration) => {
    const gene = model.functionByNode.get(ctor);
    return gene !== undefined && initializingCtors.has(gene);
  };
  for (const { fn, cls, node } of constructions) {
    if (!valueClass(cls, mayInitialize)) {
      everywhere(fn, 'new', `constructs ${cls.name?.text ?? 'a class'}: only collections, errors and value classes (readonly fields, a constructor that only initialises) are known to be pure`, node);
      continue;
    }
    const ctor = cls.members.find((member) => ts.isConstructorDeclaration(member) && member.body !== undefined);
    const target = ctor && model.functionByNode.get(ctor);
    for (const f of outward(fn)) {
      constructsValue[f.index] = true;
      if (target && f !== target) deps[f.index]!.push({ target, node });
    }
  }
  settleStateEffects(model, impure, deps, skipped, stateCalls, initializes);
  spread(model, impure, deps, throws, skipped);
  const calledParameters = called.map((positions) => (positions instanceof Set ? [...positions].sort((x, y) => x - y) : undefined));
  return { impure, notes, receiver, mayThrow: throws, links, calledParameters, captures, moduleLets, initializes, constructsValue, valueClass: (cls, initializesCtor) => valueClass(cls, initializesCtor), bindingOf, isFresh, geneAt, constantKind: (binding) => constants.kindOf(binding), isPrimitive: (expression) => isPrimitive(expression, bindingOf, 0) };
}

interface StateRead {
  fn: FunctionInfo;
  /** The getter read, or the method called. */
  target: FunctionInfo;
  node: ts.Node;
}

/**
 * What only reads or initialises an object's own state, decided once every other effect is known:
 * - a property read runs a getter when the object has one of that name; without types, any getter of this file with
 *   that name may be the one. A getter (or a method called on a binding declared as a class) that only reads fields
 *   of its own object is no more than reading a property (the object is the input); one with any other effect,
 *   itself or down its calls, makes every such read rest on it;
 * - a constructor of a class without a base class and with inert field initialisers, that only assigns `this.x` and
 *   reads its fields, is pure (`initializes`); `new C(…)` stays impure (it hands out a new object with state).
 */
function settleStateEffects(model: FileModel, impure: Fact[][], deps: Dependency[][], skipped: ReadonlySet<FunctionInfo>, calls: readonly StateRead[], initializes: boolean[]): void {
  const getters = new Map<string, FunctionInfo[]>();
  for (const fn of model.functions) {
    if (fn.kind !== 'getter' || !ts.isGetAccessorDeclaration(fn.node)) continue;
    const name = propertyName(fn.node.name);
    if (name !== undefined) getters.set(name, [...(getters.get(name) ?? []), fn]);
  }
  const reads: StateRead[] = [...calls];
  if (getters.size > 0) {
    for (const { name, fn } of model.memberReads) {
      const access = name.parent;
      if (ts.isPropertyAccessExpression(access) && isReceiverKeyword(skipInnerWrappers(access.expression))) continue; // decided by the receiver model
      for (const getter of getters.get(name.text) ?? []) if (getter !== fn) reads.push({ fn, target: getter, node: name });
    }
  }
  const constructors = model.functions.filter((fn) => ts.isConstructorDeclaration(fn.node) && impure[fn.index]!.some((fact) => fact.initialization));
  if (reads.length === 0 && constructors.length === 0) return;
  // Effects other than reading the own object's fields and initialising a new one, spread along calls and these uses.
  const effectful = model.functions.map((fn) => skipped.has(fn) || impure[fn.index]!.some((fact) => !fact.stateRead && !fact.initialization));
  const callers: FunctionInfo[][] = model.functions.map(() => []);
  model.functions.forEach((fn, index) => {
    for (const dep of deps[index]!) callers[dep.target.index]!.push(fn);
  });
  for (const { fn, target } of reads) for (const f of outward(fn)) callers[target.index]!.push(f);
  const queue = model.functions.filter((fn) => effectful[fn.index]);
  for (let i = 0; i < queue.length; i++) {
    for (const caller of callers[queue[i]!.index]!) {
      if (effectful[caller.index]) continue;
      effectful[caller.index] = true;
      queue.push(caller);
    }
  }
  for (const { fn, target, node } of reads) {
    if (!effectful[target.index]) continue;
    for (const f of outward(fn)) deps[f.index]!.push({ target, node });
  }
  for (const fn of constructors) {
    if (effectful[fn.index]) continue;
    initializes[fn.index] = true;
    impure[fn.index] = [];
  }
}

/** Impurity and mayThrow travel from callee to caller; recursion among pure genes stays pure. */
function spread(model: FileModel, impure: Fact[][], deps: Dependency[][], throws: boolean[], skipped: ReadonlySet<FunctionInfo>): void {
  const callers: Dependency[][] = model.functions.map(() => []);
  model.functions.forEach((fn, index) => {
    for (const dep of deps[index]!) callers[dep.target.index]!.push({ target: fn, node: dep.node });
  });
  const queue: FunctionInfo[] = [];
  for (const fn of model.functions) {
    if (skipped.has(fn)) {
      impure[fn.index]!.push({ code: 'syntax-error', message: 'has syntax errors', node: fn.node });
      for (let outer = fn.parent; outer; outer = outer.parent) impure[outer.index]!.push({ code: 'syntax-error', message: `contains ${fn.name}, which has syntax errors`, node: fn.node });
    }
  }
  for (const fn of model.functions) if (impure[fn.index]!.length > 0) queue.push(fn);
  const done = new Set<FunctionInfo>(queue);
  for (let i = 0; i < queue.length; i++) {
    const callee = queue[i]!;
    // The effect to name is one beyond reading its own object's fields.
    const first = impure[callee.index]!.find((fact) => !fact.stateRead) ?? impure[callee.index]![0]!;
    const cause = first.cause ?? first.message;
    for (const { target: caller, node } of callers[callee.index]!) {
      if (caller === callee) continue;
      impure[caller.index]!.push({ code: 'calls-impure', message: `uses ${callee.name}, which is impure (${cause})`, node, cause });
      if (!done.has(caller)) {
        done.add(caller);
        queue.push(caller);
      }
    }
  }
  const throwing = model.functions.filter((fn) => throws[fn.index]);
  for (let i = 0; i < throwing.length; i++) {
    for (const { target: caller } of callers[throwing[i]!.index]!) {
      if (!throws[caller.index]) {
        throws[caller.index] = true;
        throwing.push(caller);
      }
    }
  }
}

/**
 * `from` and the functions around it, up to (not including) `stop`, that run its body when they run: a function
 * returned without being called (`return (a, b) => cmp(a, b)`, a method of a returned object literal) runs later,
 * so what it does is not done by the function returning it.
 */
function outward(from: FunctionInfo, stop?: FunctionInfo): FunctionInfo[] {
  const result: FunctionInfo[] = [];
  for (let fn: FunctionInfo | undefined = from; fn && fn !== stop; fn = fn.parent) {
    result.push(fn);
    if (returnedUncalled(fn)) break;
  }
  return result;
}

/** `from` and every function around it up to `stop`: a closure over the receiver that is handed out hands out the receiver. */
function around(from: FunctionInfo, stop?: FunctionInfo): FunctionInfo[] {
  const result: FunctionInfo[] = [];
  for (let fn: FunctionInfo | undefined = from; fn && fn !== stop; fn = fn.parent) result.push(fn);
  return result;
}

/** A function expression, arrow or object-literal member that its enclosing function returns as a value, uncalled. */
function returnedUncalled(fn: FunctionInfo): boolean {
  const parent = fn.parent;
  if (!parent) return false;
  let value: ts.Node = fn.node;
  if (ts.isMethodDeclaration(value) || ts.isGetAccessorDeclaration(value) || ts.isSetAccessorDeclaration(value)) {
    if (!ts.isObjectLiteralExpression(value.parent)) return false;
    value = value.parent;
  } else if (!ts.isArrowFunction(value) && !ts.isFunctionExpression(value)) return false;
  for (;;) {
    const outer = skipOuterWrappers(value);
    const holder = outer.parent;
    if (ts.isConditionalExpression(holder) && holder.condition !== outer) value = holder;
    else if (ts.isPropertyAssignment(holder) && holder.initializer === outer && ts.isObjectLiteralExpression(holder.parent)) value = holder.parent;
    else if (ts.isReturnStatement(holder)) return enclosingFunction(holder) === parent.node;
    else return ts.isArrowFunction(holder) && holder.body === outer && holder === parent.node;
  }
}

function enclosingFunction(node: ts.Node): ts.Node | undefined {
  let current = node.parent;
  while (current && !ts.isFunctionLike(current)) current = current.parent;
  return current;
}

/** The outermost function that calls `fn` by passing it, directly or through callbacks, as an argument. */
function callerOfCallback(fn: FunctionInfo | undefined): FunctionInfo | undefined {
  let reach = fn;
  while (reach?.parent && isCallArgument(reach.node)) reach = reach.parent;
  return reach;
}

function isCallArgument(node: ts.Node): boolean {
  const outer = skipOuterWrappers(node);
  const parent = outer.parent;
  return (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments !== undefined && parent.arguments.some((argument) => argument === outer);
}

type Use = 'read' | 'call' | 'new';

/** The members read from a name (`Easing.Quadratic.In` → `['Quadratic', 'In']`), the outermost access, and how that is used. */
function memberPath(id: ts.Identifier, use: Use): { path: string[]; top: ts.Node; topUse: Use } {
  const path: string[] = [];
  let top: ts.Node = id;
  while (ts.isPropertyAccessExpression(top.parent) && top.parent.expression === top) {
    path.push(top.parent.name.text);
    top = top.parent;
  }
  return { path, top, topUse: path.length === 0 ? use : useOf(top) };
}

/** A method that only reads an imported constant: a table's non-mutating ones, a RegExp's test and exec (without g or y). */
function constantMethod(regex: boolean, method: string): boolean {
  return regex ? method === 'test' || method === 'exec' : NON_MUTATING_METHODS.has(method) && !MUTATING_METHODS.has(method);
}

function useOf(node: ts.Node): Use {
  const outer = skipOuterWrappers(node);
  const parent = outer.parent;
  if (ts.isCallExpression(parent) && parent.expression === outer) return 'call';
  if (ts.isTaggedTemplateExpression(parent) && parent.tag === outer) return 'call';
  if (ts.isNewExpression(parent) && parent.expression === outer) return 'new';
  return 'read';
}

/** The assignment an identifier is the target of, if any, through parentheses and destructuring patterns. */
function writeOf(id: ts.Identifier): Write | undefined {
  let current: ts.Node = skipOuterWrappers(id);
  let direct = true;
  // One switch on the parent's kind: this runs for every reference, and most parents are none of these.
  for (;;) {
    const parent = current.parent;
    switch (parent.kind) {
      case ts.SyntaxKind.BinaryExpression: {
        const binary = parent as ts.BinaryExpression;
        if (binary.left === current && isAssignmentOperator(binary.operatorToken.kind)) return { operator: binary.operatorToken.kind, value: direct ? binary.right : undefined };
        return undefined;
      }
      case ts.SyntaxKind.PrefixUnaryExpression:
      case ts.SyntaxKind.PostfixUnaryExpression: {
        const operator = (parent as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression).operator;
        return operator === ts.SyntaxKind.PlusPlusToken || operator === ts.SyntaxKind.MinusMinusToken ? { operator, value: undefined } : undefined;
      }
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.ForInStatement:
        return (parent as ts.ForOfStatement | ts.ForInStatement).initializer === current ? { operator: parent.kind, value: undefined } : undefined;
      case ts.SyntaxKind.ShorthandPropertyAssignment:
        current = parent.parent;
        break;
      case ts.SyntaxKind.PropertyAssignment:
        if ((parent as ts.PropertyAssignment).initializer !== current) return undefined;
        current = parent.parent;
        break;
      case ts.SyntaxKind.ArrayLiteralExpression:
      case ts.SyntaxKind.SpreadElement:
      case ts.SyntaxKind.SpreadAssignment:
      case ts.SyntaxKind.ObjectLiteralExpression:
        current = parent;
        break;
      default:
        return undefined;
    }
    direct = false;
  }
}

function resolve(scope: Scope | undefined, name: string): Binding | undefined {
  for (let current = scope; current; current = current.parent) {
    const binding = current.names.get(name);
    if (binding) return binding;
  }
  return undefined;
}

/** `Object.freeze({ … })` (of an object literal): the literal, whose members cannot be replaced. */
function frozenObjectLiteral(node: ts.Node): ts.ObjectLiteralExpression | undefined {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Object' || callee.name.text !== 'freeze') return undefined;
  const argument = skipInnerWrappers(node.arguments[0]!);
  return ts.isObjectLiteralExpression(argument) ? argument : undefined;
}

function unfrozen(node: ts.Node): ts.Node {
  return frozenObjectLiteral(node) ?? node;
}

function isInstanceofTarget(node: ts.Node): boolean {
  const outer = skipOuterWrappers(node);
  return ts.isBinaryExpression(outer.parent) && outer.parent.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword && outer.parent.right === outer;
}

const ERROR_CLASSES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError']);

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  let current: ts.Node | undefined = node;
  while (current && !ts.isClassLike(current)) current = current.parent;
  return current;
}

/** A property declaration or constructor parameter property of the class named `name`. */
function declaresField(cls: ts.ClassLikeDeclaration, name: string): boolean {
  return cls.members.some((member) =>
    (ts.isPropertyDeclaration(member) && member.name !== undefined && propertyName(member.name) === name) ||
    (ts.isConstructorDeclaration(member) && member.parameters.some((p) => ts.isParameterPropertyDeclaration(p, member) && ts.isIdentifier(p.name) && p.name.text === name)),
  );
}

/** The class named in `extends Base` (a plain name), if any. */
function baseClassOf(cls: ts.ClassLikeDeclaration): ts.Identifier | undefined {
  const clause = cls.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword);
  const expression = clause?.types[0]?.expression;
  return expression && ts.isIdentifier(expression) ? expression : undefined;
}

function isReceiverKeyword(node: ts.Node): boolean {
  return node.kind === ts.SyntaxKind.ThisKeyword || node.kind === ts.SyntaxKind.SuperKeyword;
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

function short(node: ts.Node, sourceFile: ts.SourceFile): string {
  const text = node.getText(sourceFile).replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function globalMessage(name: string, code: ReasonCode): string {
  switch (code) {
    case 'date':
      return 'uses Date, which reads the clock';
    case 'timer':
      return `uses ${name}, a timer`;
    case 'console':
      return 'writes to the console';
    case 'eval':
      return `uses ${name}, which runs code this analysis cannot see`;
    case 'arguments':
      return 'uses arguments';
    default:
      return `uses ${name}, which reaches outside the function`;
  }
}

/** A local whose every value is an object or array made here: changing it touches nothing outside. */
function freshBinding(binding: Binding, memo: Map<Binding, boolean>, bindingOf: Map<ts.Identifier, Binding | undefined>): boolean {
  const known = memo.get(binding);
  if (known !== undefined) return known;
  memo.set(binding, false); // cycles through aliases are not fresh
  let result = false;
  if ((binding.kind === 'const' || binding.kind === 'let' || binding.kind === 'var') && !binding.destructured) {
    const values: (ts.Expression | undefined)[] = binding.initializer ? [binding.initializer] : [];
    for (const write of binding.writes) values.push(write.operator === ts.SyntaxKind.EqualsToken ? write.value : undefined);
    result = values.length > 0 && values.every((value) => value !== undefined && freshExpression(value, memo, bindingOf));
  }
  memo.set(binding, result);
  return result;
}

function freshExpression(expression: ts.Node, memo: Map<Binding, boolean>, bindingOf: Map<ts.Identifier, Binding | undefined>): boolean {
  const pending: ts.Node[] = [expression];
  while (pending.length > 0) {
    const node = skipInnerWrappers(pending.pop()!);
    if (ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node) || ts.isRegularExpressionLiteral(node)) continue;
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && !bindingOf.get(node.expression) && CONSTRUCTIBLE_GLOBALS.has(node.expression.text)) continue;
    if (ts.isConditionalExpression(node)) {
      pending.push(node.whenTrue, node.whenFalse);
      continue;
    }
    if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.BarBarToken || node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
      pending.push(node.left, node.right);
      continue;
    }
    if (ts.isIdentifier(node)) {
      const binding = bindingOf.get(node);
      if (binding && freshBinding(binding, memo, bindingOf)) continue;
      return false;
    }
    if (ts.isCallExpression(node)) {
      const callee = skipInnerWrappers(node.expression);
      if (ts.isIdentifier(callee) && (callee.text === 'Array' || callee.text === 'Object')) continue;
      if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        const owner = ts.isIdentifier(callee.expression) ? callee.expression.text : undefined;
        if (owner === 'Array' && (method === 'from' || method === 'of')) continue;
        if (owner === 'Object' && ['keys', 'values', 'entries', 'fromEntries', 'create', 'getOwnPropertyNames'].includes(method)) continue;
        if (owner === 'Object' && method === 'assign' && node.arguments[0] && ts.isObjectLiteralExpression(skipInnerWrappers(node.arguments[0]))) continue;
        if (owner !== 'Object' && owner !== 'Array' && FRESH_RESULT_METHODS.has(method)) continue;
      }
    }
    return false;
  }
  return true;
}

function onlyPrimitives(binding: Binding, bindingOf: Map<ts.Identifier, Binding | undefined>, depth: number): boolean {
  if (binding.initializer && !isPrimitive(binding.initializer, bindingOf, depth)) return false;
  return binding.writes.every((write) => {
    if (write.operator === ts.SyntaxKind.PlusPlusToken || write.operator === ts.SyntaxKind.MinusMinusToken) return true;
    if (write.value === undefined) return false; // a destructuring or loop target
    const logical = write.operator === ts.SyntaxKind.BarBarEqualsToken || write.operator === ts.SyntaxKind.AmpersandAmpersandEqualsToken || write.operator === ts.SyntaxKind.QuestionQuestionEqualsToken || write.operator === ts.SyntaxKind.EqualsToken;
    // Compound arithmetic and string assignments always produce primitives; `=` and logical ones keep the value.
    return !logical || isPrimitive(write.value, bindingOf, depth);
  });
}

/** An expression whose value is always a primitive (number, string, boolean, …), so a const holding it never changes. */
export function isPrimitive(expression: ts.Node, bindingOf: Map<ts.Identifier, Binding | undefined>, depth: number): boolean {
  const pending: ts.Node[] = [expression];
  while (pending.length > 0) {
    const node = skipInnerWrappers(pending.pop()!);
    switch (node.kind) {
      case ts.SyntaxKind.NumericLiteral:
      case ts.SyntaxKind.BigIntLiteral:
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TemplateExpression:
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
      case ts.SyntaxKind.NullKeyword:
      case ts.SyntaxKind.TypeOfExpression:
      case ts.SyntaxKind.VoidExpression:
        continue;
      case ts.SyntaxKind.PrefixUnaryExpression:
        continue; // -x, +x, ~x, !x always produce primitives
      case ts.SyntaxKind.BinaryExpression: {
        const binary = node as ts.BinaryExpression;
        const op = binary.operatorToken.kind;
        if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.CommaToken) {
          pending.push(binary.right);
          if (op !== ts.SyntaxKind.CommaToken) pending.push(binary.left);
          continue;
        }
        if (isAssignmentOperator(op)) return false;
        continue; // arithmetic, comparison, in, instanceof: primitives
      }
      case ts.SyntaxKind.ConditionalExpression:
        pending.push((node as ts.ConditionalExpression).whenTrue, (node as ts.ConditionalExpression).whenFalse);
        continue;
      case ts.SyntaxKind.Identifier: {
        const id = node as ts.Identifier;
        const binding = bindingOf.has(id) ? bindingOf.get(id) : undefined;
        if (!binding) {
          if (id.text === 'undefined' || id.text === 'NaN' || id.text === 'Infinity') continue;
          return false;
        }
        if (binding.kind === 'const' && binding.initializer && !binding.destructured && depth < 16 && isPrimitive(binding.initializer, bindingOf, depth + 1)) continue;
        // A let or var that only ever holds primitives (`let _isWindows = false; … _isWindows = ua.indexOf('Windows') >= 0`):
        // its value now is a primitive, so a const taking it (`const isWindows = _isWindows`) never changes.
        if ((binding.kind === 'let' || binding.kind === 'var') && !binding.destructured && depth < 16 && onlyPrimitives(binding, bindingOf, depth + 1)) continue;
        return false;
      }
      case ts.SyntaxKind.PropertyAccessExpression: {
        const access = node as ts.PropertyAccessExpression;
        if (ts.isIdentifier(access.expression) && ['Math', 'Number'].includes(access.expression.text) && bindingOf.has(access.expression) && !bindingOf.get(access.expression)) continue;
        if (ts.isIdentifier(access.expression) && bindingOf.get(access.expression)?.kind === 'enum') continue;
        return false;
      }
      case ts.SyntaxKind.CallExpression: {
        const callee = (node as ts.CallExpression).expression;
        if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math' && bindingOf.has(callee.expression) && !bindingOf.get(callee.expression)) continue;
        if (ts.isIdentifier(callee) && ['Number', 'String', 'Boolean', 'parseInt', 'parseFloat', 'isNaN', 'isFinite'].includes(callee.text) && bindingOf.has(callee) && !bindingOf.get(callee)) continue;
        return false;
      }
      default:
        return false;
    }
  }
  return true;
}
