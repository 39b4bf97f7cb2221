/** One table or memory type as it will run: `max` is the declared maximum or the bound the sandbox adds. */
export interface BoundedLimits {
  /** The table's reference type byte; absent for memories. */
  refType?: number;
  /** 0x01 (min and max) or 0x03 (shared memory); a missing maximum is always written as 0x01. */
  flags: 0x01 | 0x03;
  min: number;
  max: number;
}

/** A table (4) or memory (5) section whose entries the sandbox re-encodes with their bounded maxima. */
export interface BoundedSection {
  id: 4 | 5;
  /** Byte range of the whole section in the original module, id byte included. */
  start: number;
  end: number;
  entries: BoundedLimits[];
}

/**
 * Rewrites table and memory sections so every maximum is within the sandbox's limits: a `grow` past them then fails
 * in the guest (returns -1) instead of taking memory, and a module that never grows runs exactly as declared.
 */
export function withBoundedLimits(bytes: Uint8Array, sections: readonly BoundedSection[]): Uint8Array {
  if (sections.length === 0) return bytes;
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const section of sections) {
    parts.push(bytes.subarray(at, section.start));
    const body = [...uleb(section.entries.length), ...section.entries.flatMap((e) => [...(e.refType === undefined ? [] : [e.refType]), e.flags, ...uleb(e.min), ...uleb(e.max)])];
    parts.push(Uint8Array.from([section.id, ...uleb(body.length), ...body]));
    at = section.end;
  }
  parts.push(bytes.subarray(at));
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}
