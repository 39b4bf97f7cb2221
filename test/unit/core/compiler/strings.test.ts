import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import ts from 'typescript';
import { type CompiledGene, type GeneValue, type UnsupportedGene, compileGene, createInProcessExecutor, loadJavaScriptGene, verifyCompiledGene } from '../../../../src/core/compiler';
import { HEAP_BASE_GLOBAL, MEMORY_EXPORT } from '../../../../src/core/wasm-string-abi';

const parse = (text: string) => ts.createSourceFile('gene.ts', text, ts.ScriptTarget.ES2022, true);

function compileFirst(text: string): { sourceFile: ts.SourceFile; result: ReturnType<typeof compileGene> } {
  const sourceFile = parse(text);
  const fn = sourceFile.statements.find(ts.isFunctionDeclaration)!;
  return { sourceFile, result: compileGene(sourceFile, fn) };
}

function compiled(text: string): { sourceFile: ts.SourceFile; gene: CompiledGene } {
  const { sourceFile, result } = compileFirst(text);
  assert.equal(result.verdict, 'ok', JSON.stringify(result));
  return { sourceFile, gene: result as CompiledGene };
}

async function run(gene: CompiledGene, args: GeneValue[], fuel = 1_000_000) {
  const [outcome] = await createInProcessExecutor().runBatch(gene, [args], { fuel });
  return outcome!;
}

const GENES: Record<string, string> = {
  separator: `function isSeparator(c: string): boolean { return c === '/' || c === '\\\\'; }`,
  lastChar: `function lastChar(s: string): string { return s[s.length - 1] ?? ''; }`,
  firstCode: `function firstCode(s: string): number { return s.charCodeAt(0) + s.length * 65536; }`,
  join: `function join(a: string, b: string): string { return a + '/' + b + \`[\${a < b}|\${a >= b}|\${a <= b}|\${a > b}]\`; }`,
  compare: `function compare(a: string, b: string): number { if (a < b) return -1; if (a > b) return 1; return a === b ? 0 : 2; }`,
  countA: `function countA(s: string): number { let n = 0; for (let i = 0; i < s.length; i++) { if (s[i] === 'a') n++; } return n; }`,
  kind: `function kind(s: string): number { switch (s) { case 'a': return 1; case '': return 2; default: return 0; } }`,
  chars: `function chars(n: number): string { return String.fromCharCode(n, n + 1, 0xd800 + n); }`,
  truthy: `function truthy(s: string): boolean { return !!s && s.length > 2 ? true : Boolean(s[3]); }`,
  reverse: `function reverse(s: string): string { let r = ''; for (let i = s.length - 1; i >= 0; i--) r += s[i]; return r; }`,
  undefinedText: `function undefinedText(s: string): string { return s[1] + String(s[2]) + \`\${s[3]}\`; }`,
  slices: `function slices(s: string, i: number, j: number): string { return s.slice(i, j) + '|' + s.slice(i) + '|' + s.substring(j, i) + '|' + s.substring(i); }`,
  search: `function search(s: string, t: string, i: number): number { return s.indexOf(t) + 10 * s.indexOf(t, i) + (s.includes(t, i) ? 100 : 0) + (s.startsWith(t, i) ? 1000 : 0) + (s.endsWith(t) ? 1e4 : 0) + (s.endsWith(t, i) ? 1e5 : 0) + (s.startsWith(t) ? 1e6 : 0); }`,
  ext: `function ext(path: string): string { const dot = path.indexOf('.'); return dot < 0 ? '' : path.slice(dot + 1); }`,
  charAt: `function charAt(s: string, i: number): string { return s.charAt(i) + '|' + s.charAt() + '|' + s.charAt(s.length - 1); }`,
  lastIndexOf: `function lastIndexOf(s: string, t: string, i: number): number { return s.lastIndexOf(t) + 100 * s.lastIndexOf(t, i) + 1e4 * s.lastIndexOf('') + 1e6 * s.lastIndexOf(t, -i); }`,
  trims: `function trims(s: string): string { return '[' + s.trim() + '|' + s.trimStart() + '|' + s.trimEnd() + ']'; }`,
  oneUnits: `function oneUnits(s: string, i: number): string { return s.charAt(i) + s[i] + String.fromCharCode(i * 37) + s.slice(i, i + 1) + s.substring(i + 1, i) + s.split('')[i] + s.split('')[0] + (s.charAt(i) === s[i]); }`,
  codePoints: `function codePoints(s: string, i: number): number { let sum = 0; for (let k = 0; k < s.length; k++) sum = (sum * 31) % 1000003 + s.codePointAt(k)!; return sum + (s.length > 0 ? s.codePointAt(s.length - 1)! + s.codePointAt(0.9)! : -1) + (i >= 0 && i < s.length ? s.codePointAt(i)! : -2); }`,
  repeats: `function repeats(s: string, n: number): string { return s.repeat(n % 5 > 0 ? n % 5 : 0) + '|' + s.repeat(2) + '|' + 'ab'.repeat(NaN) + s.repeat(0.9) + s.repeat(-0.5) + '|' + s.slice(1, 2).repeat(3); }`,
  pads: `function pads(s: string, t: string, n: number): string { return s.padStart(n % 20, t) + '|' + s.padEnd(n % 20, t) + '|' + s.padStart(8) + '|' + s.padEnd(n % 9, t[0]) + '|' + s.padEnd(7, ''); }`,
  substrs: `function substrs(s: string, i: number, j: number): string { return s.substr(i, j) + '|' + s.substr(i) + '|' + s.substr(-i, j) + '|' + s.substr(j) + '|' + s.substr(); }`,
  ladder: `function ladder(s: string, t: string): boolean { return s !== t && (s == t) === false && s[0] !== t[0]; }`,
};

for (const [name, source] of Object.entries(GENES)) {
  test(`string gene ${name} compiles and matches JavaScript on edge, literal and random strings`, async () => {
    const { sourceFile, gene } = compiled(source);
    const report = await verifyCompiledGene(sourceFile, gene, { seed: 3, randomInputs: 400 });
    assert.equal(report.verdict, 'ok', JSON.stringify(report.mismatches.slice(0, 3)));
    assert.ok(report.compared > 400, `only ${report.compared} compared`);
  });
}

test('a string gene exports its memory, a numeric gene has none', () => {
  assert.ok(compiled(GENES.separator!).gene.exports.includes(MEMORY_EXPORT));
  assert.ok(!compiled('function f(x: number): number { return x + 1; }').gene.exports.includes(MEMORY_EXPORT));
  // A string that only passes through still needs the memory to cross the boundary.
  assert.ok(compiled('function id(s: string): string { return s; }').gene.exports.includes(MEMORY_EXPORT));
});

test('strings of any code units round-trip across the boundary and compare as JavaScript does (fast-check)', async () => {
  const genes = ['join', 'compare', 'reverse', 'lastChar', 'ladder'].map((name) => {
    const { sourceFile, gene } = compiled(GENES[name]!);
    return { gene, js: loadJavaScriptGene(sourceFile, gene, { timeoutMs: 5000 }) };
  });
  const executor = createInProcessExecutor();
  const strings = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('a', 'b', '\ud800', '\udc00', '😀') }), fc.constant(''));
  await fc.assert(
    fc.asyncProperty(strings, strings, async (a, b) => {
      for (const { gene, js } of genes) {
        const args = gene.signature.params.length === 1 ? [a] : [a, b];
        const [outcome] = await executor.runBatch(gene, [args], { fuel: 1_000_000 });
        const expected = js.call(args);
        assert.equal(outcome!.verdict, 'ok');
        assert.ok(expected.verdict === 'ok');
        assert.ok(Object.is(outcome!.verdict === 'ok' ? outcome!.value : 'no value', expected.value), `${gene.name}(${JSON.stringify(args)})`);
      }
    }),
    { numRuns: 150, seed: 11 },
  );
});

test('the arena is bounded by the memory maximum: growing past it is the memory-limit verdict', async () => {
  const { gene } = compiled('function grow(s: string, n: number): string { let r = s; for (let i = 0; i < n; i++) r = r + r; return r; }');
  const small = await run(gene, ['ab', 4]);
  assert.deepEqual(small.verdict === 'ok' && small.value, 'ab'.repeat(16));
  const huge = await run(gene, ['ab', 40], 1e12);
  assert.equal(huge.verdict, 'memory-limit');
  // Each call starts with an empty arena: the next call runs as if the first never happened.
  const again = await run(gene, ['x', 1]);
  assert.deepEqual(again.verdict === 'ok' && again.value, 'xx');
});

test('work over long strings costs fuel: comparing two long strings runs out of a small budget', async () => {
  const { gene } = compiled('function same(a: string, b: string): boolean { return a === b; }');
  const long = 'x'.repeat(100_000);
  assert.equal((await run(gene, [long, long], 1000)).verdict, 'out-of-fuel');
  const ok = await run(gene, [long, long], 1_000_000);
  assert.ok(ok.verdict === 'ok' && ok.value === true && ok.fuelUsed >= 100_000);
});

test('reading a property of undefined traps, as JavaScript throws a TypeError, and verification counts both as agreeing', async () => {
  const { sourceFile, gene } = compiled('function tail(s: string): number { return s[5].length; }');
  const outcome = await run(gene, ['abc']);
  assert.equal(outcome.verdict, 'trap');
  const report = await verifyCompiledGene(sourceFile, gene, { randomInputs: 50 });
  assert.equal(report.verdict, 'ok', JSON.stringify(report.mismatches.slice(0, 2)));
});

test('what stays outside the string subset is refused with the construct and its position', () => {
  const cases: [string, string, number, number][] = [
    ['function f(a: string, b: string): number {\n  return a.localeCompare(b);\n}', 'string.localeCompare()', 2, 10],
    ['function f(a: string): boolean {\n  return /x/.test(a);\n}', 'regular expression literal', 2, 10],
    ['function f(a: string): number {\n  return +a;\n}', 'string to number', 2, 11],
    ['function f(a: string): boolean {\n  return a < 1;\n}', 'mixed comparison', 2, 10],
    ['function f(a: string): string {\n  return a.padStart(3, 0);\n}', 'padStart with a number filler', 2, 24],
  ];
  for (const [source, construct, line, column] of cases) {
    const { result } = compileFirst(source);
    assert.equal(result.verdict, 'unsupported', source);
    const refusal = result as UnsupportedGene;
    assert.deepEqual([refusal.construct, refusal.line, refusal.column], [construct, line, column], source);
  }
});

test('trim removes exactly the code units JavaScript counts as whitespace, over all 65,536', async () => {
  const { gene } = compiled(GENES.trims!);
  const inputs = Array.from({ length: 0x10000 }, (_, unit) => [`${String.fromCharCode(unit)}a${String.fromCharCode(unit)}`]);
  const outcomes = await createInProcessExecutor().runBatch(gene, inputs, { fuel: 1_000_000 });
  outcomes.forEach((outcome, unit) => {
    const s = inputs[unit]![0]!;
    const expected = `[${s.trim()}|${s.trimStart()}|${s.trimEnd()}]`;
    assert.ok(outcome.verdict === 'ok' && outcome.value === expected, `U+${unit.toString(16)}`);
  });
});

test('numbers become text exactly for NaN, infinities, zeros and safe integers; other numbers stop the run as unrepresentable', async () => {
  const { sourceFile, gene } = compiled('function show(n: number): string { return `${n}|` + String(n) + (\'\' + n); }');
  const executor = createInProcessExecutor();
  const values = [0, -0, 7, -42, 1000, 2 ** 53, -(2 ** 53), NaN, Infinity, -Infinity, 123456789012345];
  const outcomes = await executor.runBatch(gene, values.map((n) => [n]), { fuel: 100_000 });
  assert.deepEqual(outcomes.map((o) => (o.verdict === 'ok' ? o.value : o.verdict)), values.map((n) => `${n}|${n}${n}`));
  const [fraction, huge] = await executor.runBatch(gene, [[0.5], [2 ** 60]], { fuel: 100_000 });
  assert.equal(fraction!.verdict, 'unsupported');
  assert.equal(huge!.verdict, 'unsupported');
  const report = await verifyCompiledGene(sourceFile, gene, { randomInputs: 400 });
  assert.equal(report.verdict, 'ok', JSON.stringify(report.mismatches.slice(0, 2)));
  assert.ok(report.compared > 20 && report.inconclusive > 0);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), async (n) => {
      const [outcome] = await executor.runBatch(gene, [[n]], { fuel: 100_000 });
      assert.deepEqual(outcome!.verdict === 'ok' && outcome!.value, `${n}|${n}${n}`);
    }),
    { numRuns: 300, seed: 29 },
  );
});

test('one-unit strings of a loop come from the module data: a million charAt comparisons fill no arena and run out of fuel, not memory', async () => {
  const source = `function countEol(content: string, eol: string, n: number): number {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const at = i % content.length;
      if (content.charAt(at) === eol.charAt(eol.length - 1) || content[at] === String.fromCharCode(0x7f) || content.substring(at, at + 1) === 'é') count++;
    }
    return count;
  }`;
  const { sourceFile, gene } = compiled(source);
  const js = loadJavaScriptGene(sourceFile, gene, { timeoutMs: 20_000 });
  // Four one-unit strings an iteration: allocated, they would fill the 16 MiB arena long before a million iterations.
  const args = ['a\r\nb\x7fé\ud800\n', '\r\n', 1_000_000];
  const full = await run(gene, args, 1e12);
  const expected = js.call(args);
  assert.ok(full.verdict === 'ok' && expected.verdict === 'ok', JSON.stringify(full));
  assert.equal(full.value, expected.value);
  const short = await run(gene, args, Math.floor(full.fuelUsed / 2));
  assert.equal(short.verdict, 'out-of-fuel');
});

test('the table of one-unit strings is in the data of a module only when a gene takes single units', () => {
  const heapBase = (gene: CompiledGene) => (new WebAssembly.Instance(new WebAssembly.Module(gene.bytes as Uint8Array<ArrayBuffer>), {}).exports[HEAP_BASE_GLOBAL] as WebAssembly.Global).value as number;
  assert.ok(heapBase(compiled('function f(s: string): number { return s.length; }').gene) < 64);
  assert.ok(heapBase(compiled('function f(s: string): string { return s.charAt(1); }').gene) >= 128 * 8);
});

test('codePointAt off the string, repeat with a negative or infinite count, and strings past the limit stop the run, never a wrong value', async () => {
  const { gene: codePoint } = compiled('function f(s: string, i: number): number { return s.codePointAt(i)!; }');
  const points = await createInProcessExecutor().runBatch(codePoint, [['a\ud83d\ude00', 1], ['a\ud83d\ude00', 2], ['\ud83d', 0], ['\ude00\ud83d', 0], ['ab', 2], ['ab', -1], ['', 0]], { fuel: 1000 });
  assert.deepEqual(points.map((o) => (o.verdict === 'ok' ? o.value : o.verdict)), [0x1f600, 0xde00, 0xd83d, 0xde00, 'unsupported', 'unsupported', 'unsupported']);
  const { gene: repeat } = compiled('function f(s: string, n: number): string { return s.repeat(n); }');
  const repeats = await createInProcessExecutor().runBatch(repeat, [['ab', -1], ['', Infinity], ['ab', 2 ** 29], ['', 2 ** 40], ['ab', 3]], { fuel: 1e12 });
  assert.deepEqual(repeats.map((o) => (o.verdict === 'ok' ? o.value : o.verdict)), ['unsupported', 'unsupported', 'memory-limit', '', 'ababab']);
  const { gene: pad } = compiled("function f(s: string, n: number): string { return s.padStart(n, 'xy'); }");
  const pads = await createInProcessExecutor().runBatch(pad, [['ab', 1e9], ['ab', Infinity], ['ab', -Infinity], ['ab', 5.9]], { fuel: 1e12 });
  assert.deepEqual(pads.map((o) => (o.verdict === 'ok' ? o.value : o.verdict)), ['memory-limit', 'memory-limit', 'ab', 'xyxab']);
});

test('codePointAt, repeat, padStart/padEnd, substr and one-unit strings match JavaScript on any code units and small integers (fast-check)', async () => {
  const genes = ['codePoints', 'repeats', 'pads', 'substrs', 'oneUnits'].map((name) => {
    const { sourceFile, gene } = compiled(GENES[name]!);
    return { gene, js: loadJavaScriptGene(sourceFile, gene, { timeoutMs: 5000 }) };
  });
  const executor = createInProcessExecutor();
  const strings = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('a', '\ud800', '\udc00', '😀', '\x7f', '\x80') }), fc.constant(''));
  const integers = fc.oneof(fc.integer({ min: -12, max: 12 }), fc.constantFrom(-0, 0.5, -0.5, NaN, Infinity, -Infinity));
  await fc.assert(
    fc.asyncProperty(strings, strings, integers, integers, async (a, b, i, j) => {
      for (const { gene, js } of genes) {
        // Strings in order from (a, b), numbers in order from (i, j).
        const [texts, numbers] = [[a, b], [i, j]];
        const args: GeneValue[] = gene.signature.params.map((p) => (p.type === 'string' ? texts.shift()! : numbers.shift()!));
        const [outcome] = await executor.runBatch(gene, [args], { fuel: 1_000_000 });
        const expected = js.call(args);
        if (outcome!.verdict === 'unsupported') continue; // a RangeError or an undefined code point in JavaScript
        assert.ok(outcome!.verdict === 'ok' && expected.verdict === 'ok', `${gene.name}(${JSON.stringify(args)}): ${JSON.stringify(outcome)}`);
        assert.ok(Object.is(outcome!.value, expected.value), `${gene.name}(${JSON.stringify(args)})`);
      }
    }),
    { numRuns: 200, seed: 17 },
  );
});
