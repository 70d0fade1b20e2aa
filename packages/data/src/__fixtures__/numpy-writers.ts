// Writers of NumPy .npy files and zip archives (.npz), to test the readers on generated files.
import * as zlib from 'node:zlib';

/** The bytes of a .npy file (format 1.0) holding `values` with NumPy dtype `descr`. */
export function encodeNpy(
  descr: string,
  shape: readonly number[],
  values: ArrayLike<number> | ArrayLike<bigint>,
  options: { fortranOrder?: boolean; version?: 1 | 2 } = {},
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${options.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const version = options.version ?? 1;
  const prefixLength = version === 1 ? 10 : 12;
  // NumPy pads the header with spaces and a newline so the data starts on a 64-byte boundary.
  const padded =
    dict.padEnd(Math.ceil((prefixLength + dict.length + 1) / 64) * 64 - prefixLength - 1) + '\n';
  const header = new Uint8Array(prefixLength + padded.length);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(header.buffer);
  if (version === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  header.set(Buffer.from(padded, 'latin1'), prefixLength);
  return concat([header, valueBytes(descr, values)]);
}

function valueBytes(descr: string, values: ArrayLike<number> | ArrayLike<bigint>): Uint8Array {
  const type = descr.slice(1);
  const count = values.length;
  const width = Number(type.slice(1));
  const view = new DataView(new ArrayBuffer(count * width));
  for (let index = 0; index < count; index++) {
    const value = values[index];
    const little = descr[0] !== '>';
    const offset = index * width;
    if (type === 'u1') view.setUint8(offset, Number(value));
    else if (type === 'i4') view.setInt32(offset, Number(value), little);
    else if (type === 'i8') view.setBigInt64(offset, BigInt(value), little);
    else if (type === 'f4') view.setFloat32(offset, Number(value), little);
    else if (type === 'f8') view.setFloat64(offset, Number(value), little);
    else if (type === 'i2') view.setInt16(offset, Number(value), little);
    else throw new Error(`encodeNpy: no writer for ${descr}`);
  }
  return new Uint8Array(view.buffer);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, byte) => {
  let crc = byte;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  return crc >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A zip archive of the given files, stored or deflated, as np.savez / np.savez_compressed write
 * them; `zip64` adds ZIP64 extra fields to the local headers the way NumPy does (sizes in the
 * central directory stay 32-bit for small files).
 */
export function encodeZip(
  files: Record<string, Uint8Array>,
  options: { deflate?: boolean; zip64?: boolean } = {},
): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = options.deflate ? new Uint8Array(zlib.deflateRawSync(content)) : content;
    const method = options.deflate ? 8 : 0;
    const crc = crc32(content);
    const extra = new Uint8Array(options.zip64 ? 20 : 0);
    if (options.zip64) {
      const extraView = new DataView(extra.buffer);
      extraView.setUint16(0, 1, true);
      extraView.setUint16(2, 16, true);
      extraView.setBigUint64(4, BigInt(content.length), true);
      extraView.setBigUint64(12, BigInt(data.length), true);
    }
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, options.zip64 ? 45 : 20, true);
    local.setUint16(8, method, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, options.zip64 ? 0xffffffff : data.length, true);
    local.setUint32(22, options.zip64 ? 0xffffffff : content.length, true);
    local.setUint16(26, nameBytes.length, true);
    local.setUint16(28, extra.length, true);
    const localBytes = concat([new Uint8Array(local.buffer), nameBytes, extra, data]);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(10, method, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, data.length, true);
    central.setUint32(24, content.length, true);
    central.setUint16(28, nameBytes.length, true);
    central.setUint32(42, offset, true);
    centrals.push(concat([new Uint8Array(central.buffer), nameBytes]));
    locals.push(localBytes);
    offset += localBytes.length;
  }
  const directory = concat(centrals);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, centrals.length, true);
  end.setUint16(10, centrals.length, true);
  end.setUint32(12, directory.length, true);
  end.setUint32(16, offset, true);
  return concat([...locals, directory, new Uint8Array(end.buffer)]);
}
