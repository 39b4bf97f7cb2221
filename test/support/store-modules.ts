// Real WebAssembly modules for the store tests: `() -> f64` returning a constant, emitted byte by byte.

/** A valid module exporting `gene: () => value`; different values give different bytes, so different CIDs. */
export function constantModule(value: number, exportName = 'gene'): Uint8Array {
  const name = [...Buffer.from(exportName, 'utf8')];
  const constant = [...new Uint8Array(new Float64Array([value]).buffer)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    ...section(0x01, [0x01, 0x60, 0x00, 0x01, 0x7c]), // one type: () -> f64
    ...section(0x03, [0x01, 0x00]), // one function of type 0
    ...section(0x07, [0x01, name.length, ...name, 0x00, 0x00]), // export it
    ...section(0x0a, [0x01, 0x0b, 0x00, 0x44, ...constant, 0x0b]), // body: f64.const value; end
  ]);
}

/** Calls the module's export, proving the bytes are a working module and not just a blob. */
export async function callConstant(bytes: Uint8Array, exportName = 'gene'): Promise<number> {
  const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes)); // a copy typed over ArrayBuffer, as BufferSource wants
  return (instance.exports[exportName] as () => number)();
}
