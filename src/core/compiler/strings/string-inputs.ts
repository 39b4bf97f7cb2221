/**
 * String inputs for differential verification: the edge strings where JavaScript's string semantics are easiest to
 * get wrong (empty, whitespace of every kind, astral characters, lone surrogates, long), the gene's own literals,
 * and seeded random strings of each kind.
 */

/** Every character JavaScript's trim removes: WhiteSpace and LineTerminator. */
export const JS_WHITESPACE = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

export const EDGE_STRINGS: readonly string[] = [
  '', 'a', ' ', 'abc', 'Abc', 'ABC', '0', '-1', '1.5', 'NaN', 'undefined', 'true', 'a b', '  padded  ', 'x'.repeat(2),
  JS_WHITESPACE, `${JS_WHITESPACE}a${JS_WHITESPACE}`, '\u180e', '\u200b', 'ß', 'İ', 'ﬀ', 'Σ', 'ǅ', 'é', 'e\u0301',
  '😀', 'a😀b', '\ud800', '\udc00', 'a\ud800', '\udc00\ud800', '\ud83d\ude00\ud83d', '\u0000', '\uffff', '/', '\\', 'a/b/c', 'a.b.c',
  'ab'.repeat(3000),
];

const ASCII = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

function randomUnit(random: () => number, kind: number): string {
  switch (kind) {
    case 0:
      return ASCII[Math.floor(random() * ASCII.length)]!;
    case 1:
      // Any code unit, lone surrogates included.
      return String.fromCharCode(Math.floor(random() * 0x10000));
    case 2:
      return String.fromCodePoint(0x10000 + Math.floor(random() * 0x100000));
    case 3:
      return JS_WHITESPACE[Math.floor(random() * JS_WHITESPACE.length)]!;
    default:
      return String.fromCharCode(0xd800 + Math.floor(random() * 0x800));
  }
}

/** A random string: mostly short, of a few kinds mixed, sometimes built around the gene's literals, sometimes long. */
export function randomString(random: () => number, literals: readonly string[]): string {
  const shape = random();
  const length = shape < 0.05 ? 500 + Math.floor(random() * 2000) : Math.floor(random() * 12);
  let text = '';
  const kindBias = Math.floor(random() * 6);
  for (let i = 0; i < length; i++) {
    if (literals.length > 0 && random() < 0.25) text += literals[Math.floor(random() * literals.length)]!;
    else text += randomUnit(random, kindBias === 5 ? Math.floor(random() * 5) : random() < 0.7 ? kindBias : 0);
  }
  return text;
}

/** The literals of a gene and simple strings made from them (each doubled, each padded): inputs that hit its branches. */
export function literalStrings(literals: readonly string[]): string[] {
  const out: string[] = [];
  for (const literal of literals.slice(0, 20)) out.push(literal, `${literal}${literal}`, ` ${literal}x`, `x${literal}`);
  return out;
}
