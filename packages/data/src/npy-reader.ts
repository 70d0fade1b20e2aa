import { UsageError } from '@neusemslice/core';
import type { NumericValues } from './user-arrays';

/** The NumPy dtypes this reader takes (little-endian; one byte needs no byte order). */
export type NpyDataType = 'uint8' | 'int32' | 'int64' | 'float32' | 'float64';

/** An array read from a NumPy `.npy` file. */
export interface NpyArray {
  dataType: NpyDataType;
  /** Size of each dimension, outermost first; [] for a scalar. */
  shape: number[];
  /** The values in row-major (C) order. */
  values: NumericValues;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The `descr` strings read, by NumPy's spelling, with bytes per value. */
const DESCRS: Record<string, { dataType: NpyDataType; bytesPerValue: number }> = {
  '|u1': { dataType: 'uint8', bytesPerValue: 1 },
  '<u1': { dataType: 'uint8', bytesPerValue: 1 },
  '<i4': { dataType: 'int32', bytesPerValue: 4 },
  '<i8': { dataType: 'int64', bytesPerValue: 8 },
  '<f4': { dataType: 'float32', bytesPerValue: 4 },
  '<f8': { dataType: 'float64', bytesPerValue: 8 },
};
const SUPPORTED = 'u1, i4, i8, f4, f8 (little-endian)';

/**
 * Parses the bytes of a `.npy` file (format versions 1, 2 and 3): the magic string, a header
 * dict `{'descr': '<f4', 'fortran_order': False, 'shape': (n, 28, 28), }`, then the values.
 * Only C-order arrays of the dtypes above are read; Fortran order, object arrays (pickles),
 * big-endian and other dtypes are refused with a UsageError naming `source`.
 */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || NPY_MAGIC.some((byte, index) => bytes[index] !== byte)) {
    throw new UsageError(`${source}: not a NumPy .npy file (it does not start with \\x93NUMPY)`);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) {
    throw new UsageError(
      `${source}: .npy format version ${major} is not known (expected 1, 2 or 3)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLengthBytes = major === 1 ? 2 : 4;
  const headerLength =
    major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : -1;
  const headerStart = 8 + headerLengthBytes;
  if (headerLength < 0 || headerStart + headerLength > bytes.length) {
    throw new UsageError(`${source}: truncated .npy header`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  );
  const { descr, fortranOrder, shape } = parseHeader(header, source);
  const typeInfo = DESCRS[descr];
  if (!typeInfo) {
    const why = descr.includes('O')
      ? 'an object array (a pickle), which is never loaded'
      : descr.startsWith('>')
        ? 'big-endian'
        : 'not a supported dtype';
    throw new UsageError(
      `${source}: dtype '${descr}' is ${why}; supported: ${SUPPORTED}; convert with x.astype('<f4') or np.ascontiguousarray`,
    );
  }
  if (fortranOrder && shape.length > 1) {
    throw new UsageError(
      `${source}: the array is in Fortran order; only C order is read (save np.ascontiguousarray(x))`,
    );
  }
  const count = shape.reduce((product, size) => product * size, 1);
  const dataStart = headerStart + headerLength;
  const expectedLength = dataStart + count * typeInfo.bytesPerValue;
  if (bytes.length !== expectedLength) {
    throw new UsageError(
      `${source}: expected ${expectedLength} bytes for ${descr} of shape (${shape.join(', ')}), got ${bytes.length}`,
    );
  }
  return {
    dataType: typeInfo.dataType,
    shape,
    values: decodeValues(bytes.subarray(dataStart), count, typeInfo.dataType),
  };
}

function parseHeader(
  header: string,
  source: string,
): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr) {
    // A structured dtype is a list, not a string.
    throw new UsageError(
      `${source}: the .npy header has no simple 'descr' (structured arrays are not supported; supported: ${SUPPORTED})`,
    );
  }
  if (!fortran || !shape) {
    throw new UsageError(`${source}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  const sizes = shape[1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => (/^\d+L?$/.test(part) ? Number.parseInt(part, 10) : Number.NaN));
  if (sizes.some((size) => !Number.isSafeInteger(size))) {
    throw new UsageError(`${source}: malformed shape (${shape[1]}) in the .npy header`);
  }
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: sizes };
}

function decodeValues(data: Uint8Array, count: number, dataType: NpyDataType): NumericValues {
  if (dataType === 'uint8') return data.subarray(0, count);
  // Copy to a fresh, aligned buffer: the data's offset in the file need not be a multiple of 8.
  const copy = data.slice(0, data.length).buffer;
  switch (dataType) {
    case 'int32':
      return new Int32Array(copy, 0, count);
    case 'int64':
      return new BigInt64Array(copy, 0, count);
    case 'float32':
      return new Float32Array(copy, 0, count);
    case 'float64':
      return new Float64Array(copy, 0, count);
  }
}
