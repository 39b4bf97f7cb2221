import type { SandboxResult, TrapKind } from './verdict';

const TRAP_MESSAGES: [RegExp, TrapKind][] = [
  [/unreachable/i, 'unreachable'],
  [/(divide|remainder) by zero/i, 'divide-by-zero'],
  [/integer overflow|divide result unrepresentable/i, 'integer-overflow'],
  [/unrepresentable/i, 'invalid-conversion'],
  [/table index is out of bounds|table .*out of bounds/i, 'table-out-of-bounds'],
  [/out of bounds/i, 'out-of-bounds'],
  [/signature mismatch|null function/i, 'indirect-call'],
];

/** Turns what V8 threw while compiling, instantiating or calling a module into a verdict. */
export function classifyError(error: unknown, ms: number): SandboxResult {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && /call stack/i.test(message)) return { verdict: 'stack-overflow', message: 'stack overflow (unbounded recursion)', ms };
  if (error instanceof WebAssembly.CompileError) return { verdict: 'invalid-module', message: `invalid module: ${message}`, ms };
  if (error instanceof WebAssembly.LinkError) return { verdict: 'invalid-module', message: `link error: ${message}`, ms };
  if (/allocate|out of memory|Memory\(\)/i.test(message) && error instanceof RangeError) return { verdict: 'memory-limit', message: `memory allocation failed: ${message}`, ms };
  if (error instanceof WebAssembly.RuntimeError) {
    const kind = TRAP_MESSAGES.find(([pattern]) => pattern.test(message))?.[1] ?? 'other';
    return { verdict: 'trap', trap: kind, message, ms };
  }
  return { verdict: 'trap', trap: 'host-error', message: `${error instanceof Error ? error.name : 'error'}: ${message}`, ms };
}
