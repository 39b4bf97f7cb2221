// What the analysis knows about JavaScript's globals: which are deterministic, which reach the outside world.
import type { ReasonCode } from './types';

/** Globals whose mere use makes a function impure, with the reason code. */
export const IMPURE_GLOBALS: ReadonlyMap<string, ReasonCode> = new Map<string, ReasonCode>([
  ['Date', 'date'],
  ['performance', 'performance'],
  ['crypto', 'crypto'],
  ['console', 'console'],
  ['process', 'process'],
  ['Intl', 'locale'],
  ['eval', 'eval'],
  ['Function', 'eval'],
  ['arguments', 'arguments'],
  ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback'].map(
    (name) => [name, 'timer'] as [string, ReasonCode],
  ),
  ...[
    'fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'require', 'module', 'exports', 'document', 'window', 'globalThis', 'global', 'self', 'localStorage',
    'sessionStorage', 'navigator', 'location', 'history', 'indexedDB', 'alert', 'confirm', 'prompt', 'postMessage', 'importScripts', 'Worker', 'Buffer', '__dirname', '__filename',
  ].map((name) => [name, 'io'] as [string, ReasonCode]),
]);

/** Global values that are deterministic to read (their members are checked separately). */
export const PURE_GLOBAL_VALUES: ReadonlySet<string> = new Set([
  'undefined', 'NaN', 'Infinity', 'Math', 'Number', 'String', 'Boolean', 'BigInt', 'Array', 'Object', 'JSON', 'Symbol',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'ArrayBuffer', 'DataView',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  'isNaN', 'isFinite', 'parseInt', 'parseFloat', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI',
]);

/** Globals that `new` may construct without leaving the function: collections, buffers and errors. */
export const CONSTRUCTIBLE_GLOBALS: ReadonlySet<string> = new Set([
  'Map', 'Set', 'WeakMap', 'WeakSet', 'Array', 'Object', 'RegExp', 'ArrayBuffer', 'DataView', 'String', 'Number', 'Boolean',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);

/** Global functions that may throw on some inputs (deterministically). */
export const THROWING_GLOBALS: ReadonlySet<string> = new Set(['decodeURIComponent', 'decodeURI', 'BigInt', 'JSON.parse', 'String.fromCodePoint']);

/** Object statics that mutate their first argument: allowed only on objects the function created. */
const OBJECT_MUTATORS = ['assign', 'freeze', 'seal', 'preventExtensions', 'defineProperty', 'defineProperties', 'setPrototypeOf'];

/** Members of the global namespaces that are deterministic; `*` allows every member but the listed exceptions. */
export const NAMESPACE_MEMBERS: ReadonlyMap<string, { allowed: ReadonlySet<string> | '*'; impure?: ReadonlyMap<string, ReasonCode> }> = new Map([
  ['Math', { allowed: '*' as const, impure: new Map<string, ReasonCode>([['random', 'random']]) }],
  ['Number', { allowed: '*' as const }],
  ['JSON', { allowed: new Set(['stringify', 'parse']) }],
  ['Array', { allowed: new Set(['isArray', 'from', 'of']) }],
  ['String', { allowed: new Set(['fromCharCode', 'fromCodePoint', 'raw']) }],
  ['BigInt', { allowed: new Set(['asIntN', 'asUintN']) }],
  ['Symbol', { allowed: new Set(['iterator', 'asyncIterator', 'hasInstance', 'toPrimitive', 'toStringTag', 'for', 'keyFor']) }],
  ['Object', { allowed: new Set(['keys', 'values', 'entries', 'fromEntries', 'is', 'hasOwn', 'getPrototypeOf', 'getOwnPropertyNames', 'isFrozen', 'isSealed', 'isExtensible', 'create', ...OBJECT_MUTATORS]) }],
]);

export const MUTATING_STATICS: ReadonlySet<string> = new Set(OBJECT_MUTATORS.map((name) => `Object.${name}`));

/** Methods of strings, numbers and arrays that leave their receiver unchanged and depend on nothing else. */
export const NON_MUTATING_METHODS: ReadonlySet<string> = new Set([
  // String
  'at', 'charAt', 'charCodeAt', 'codePointAt', 'concat', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'match', 'matchAll', 'normalize', 'padEnd', 'padStart',
  'repeat', 'replace', 'replaceAll', 'search', 'slice', 'split', 'startsWith', 'substring', 'substr', 'toLowerCase', 'toUpperCase', 'trim', 'trimStart', 'trimEnd',
  'trimLeft', 'trimRight', 'isWellFormed', 'toWellFormed',
  // Number
  'toFixed', 'toPrecision', 'toExponential',
  // Array (callbacks are analysed where they are written)
  'every', 'some', 'filter', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flat', 'flatMap', 'forEach', 'join', 'keys', 'values', 'entries', 'map', 'reduce',
  'reduceRight', 'toReversed', 'toSorted', 'toSpliced', 'with',
  // Object.prototype and RegExp
  'hasOwnProperty', 'test', 'exec', 'toString', 'valueOf',
]);

/** Methods that return a new array or object, so mutating their result touches nothing outside. */
export const FRESH_RESULT_METHODS: ReadonlySet<string> = new Set([
  'slice', 'map', 'filter', 'concat', 'split', 'flat', 'flatMap', 'toReversed', 'toSorted', 'toSpliced', 'with', 'match',
]);

/** Methods that change their receiver: fine on collections the function created, impure on anything else. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear',
]);

/** Reads of Map and Set: deterministic, but only known to be that when the receiver is a collection. */
export const COLLECTION_READ_METHODS: ReadonlySet<string> = new Set(['get', 'has', 'forEach', 'keys', 'values', 'entries']);

/** Declared types under which the built-in method tables apply to a parameter. */
export const BUILTIN_RECEIVER_TYPES: ReadonlySet<string> = new Set(['Array', 'ReadonlyArray', 'Map', 'ReadonlyMap', 'Set', 'ReadonlySet', 'String', 'Number', 'RegExp']);

/** Global functions that return number or boolean, for the numeric inference. */
export const NUMBER_FUNCTIONS: ReadonlySet<string> = new Set(['Number', 'parseInt', 'parseFloat', 'Number.parseInt', 'Number.parseFloat']);
export const BOOLEAN_FUNCTIONS: ReadonlySet<string> = new Set(['isNaN', 'isFinite', 'Boolean', 'Number.isNaN', 'Number.isFinite', 'Number.isInteger', 'Number.isSafeInteger']);
