/** A bounded reader over untrusted WebAssembly bytes: every read checks the end, every length is checked before use. */
export class MalformedModule extends Error {}

export class WasmReader {
  constructor(
    private readonly bytes: Uint8Array,
    public offset = 0,
    public readonly end = bytes.length,
  ) {}

  get atEnd(): boolean {
    return this.offset >= this.end;
  }

  byte(): number {
    if (this.offset >= this.end) throw new MalformedModule(`unexpected end of section at byte ${this.offset}`);
    return this.bytes[this.offset++]!;
  }

  skip(count: number): void {
    if (count < 0 || count > this.end - this.offset) throw new MalformedModule(`length ${count} at byte ${this.offset} runs past the end`);
    this.offset += count;
  }

  /** Unsigned LEB128 of at most 32 bits (5 bytes). */
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      if (shift === 28 && b > 0x0f) throw new MalformedModule(`u32 overflows at byte ${this.offset - 1}`);
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new MalformedModule(`u32 too long at byte ${this.offset}`);
  }

  /** Skips a signed LEB128 of at most `bits` bits. */
  skipSigned(bits: 32 | 64): void {
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; i < maxBytes; i++) if ((this.byte() & 0x80) === 0) return;
    throw new MalformedModule(`signed integer too long at byte ${this.offset}`);
  }

  /** A count that is also checked against the bytes left: every element takes at least one byte. */
  count(cap: number, what: string): number {
    const n = this.u32();
    if (n > cap) throw new MalformedModule(`${n} ${what} exceed the cap of ${cap}`);
    if (n > this.end - this.offset) throw new MalformedModule(`${n} ${what} cannot fit in the ${this.end - this.offset} bytes left`);
    return n;
  }

  name(): string {
    const length = this.u32();
    const start = this.offset;
    this.skip(length);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(start, start + length));
    } catch {
      throw new MalformedModule(`name at byte ${start} is not UTF-8`);
    }
  }
}
