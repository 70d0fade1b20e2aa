import * as path from 'node:path';
import { UsageError } from '@neusemslice/core';
import { readDecodedFile } from './file-bytes';

export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxValues =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An n-dimensional array read from an IDX file (the format of MNIST and Fashion-MNIST). */
export interface IdxArray {
  dataType: IdxDataType;
  /** Size of each dimension, outermost first, e.g. [10000, 28, 28]. */
  dims: number[];
  /** The values in row-major order; for uint8 a view of the file's bytes, not a copy. */
  values: IdxValues;
}

/** The data-type byte of the IDX header and what it means. */
const DATA_TYPES: Record<number, { dataType: IdxDataType; bytesPerValue: number }> = {
  0x08: { dataType: 'uint8', bytesPerValue: 1 },
  0x09: { dataType: 'int8', bytesPerValue: 1 },
  0x0b: { dataType: 'int16', bytesPerValue: 2 },
  0x0c: { dataType: 'int32', bytesPerValue: 4 },
  0x0d: { dataType: 'float32', bytesPerValue: 4 },
  0x0e: { dataType: 'float64', bytesPerValue: 8 },
};

const hex = (value: number): string => `0x${value.toString(16).padStart(2, '0')}`;

/**
 * Parses IDX bytes: a big-endian header `0x00 0x00 <dtype> <ndims>`, then ndims uint32 sizes,
 * then the values, big-endian. The length must match the sizes exactly, so a truncated or
 * padded file is refused. `fileName` labels the errors.
 */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxArray {
  if (bytes.length < 4) {
    throw new UsageError(
      `${fileName}: expected at least a 4-byte IDX header, got ${bytes.length} bytes`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UsageError(
      `${fileName}: not an IDX file: expected the magic number to start with 0x00 0x00, got ${hex(bytes[0])} ${hex(bytes[1])}`,
    );
  }
  const typeInfo = DATA_TYPES[bytes[2]];
  if (!typeInfo) {
    const known = Object.keys(DATA_TYPES)
      .map((code) => hex(Number(code)))
      .join(', ');
    throw new UsageError(
      `${fileName}: unknown IDX data type ${hex(bytes[2])}, expected one of ${known}`,
    );
  }
  const rank = bytes[3];
  if (rank === 0)
    throw new UsageError(`${fileName}: IDX header declares 0 dimensions, expected at least 1`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new UsageError(
      `${fileName}: expected a ${headerLength}-byte IDX header for ${rank} dimensions, got ${bytes.length} bytes`,
    );
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, headerLength);
  const dims = Array.from({ length: rank }, (_, axis) => header.getUint32(4 + 4 * axis, false));
  const count = dims.reduce((product, size) => product * size, 1);
  const expectedLength = headerLength + count * typeInfo.bytesPerValue;
  if (bytes.length !== expectedLength) {
    throw new UsageError(
      `${fileName}: expected ${expectedLength} bytes for ${dims.join('x')}, got ${bytes.length}`,
    );
  }
  return {
    dataType: typeInfo.dataType,
    dims,
    values: decodeValues(bytes, headerLength, count, typeInfo.dataType),
  };
}

function decodeValues(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dataType: IdxDataType,
): IdxValues {
  if (dataType === 'uint8') return bytes.subarray(offset, offset + count);
  if (dataType === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
  // Multi-byte values are big-endian; read them one by one (rare in practice, so no fast path).
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  switch (dataType) {
    case 'int16':
      return Int16Array.from({ length: count }, (_, index) => view.getInt16(2 * index, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, index) => view.getInt32(4 * index, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, index) => view.getFloat32(4 * index, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, index) => view.getFloat64(8 * index, false));
  }
}

/** Reads an IDX file, raw or gzipped (recognised by its magic bytes). */
export function readIdxFile(filePath: string): IdxArray {
  const { bytes, gzipped } = readDecodedFile(filePath);
  const label = `${path.basename(filePath)}${gzipped ? ' (after gunzip)' : ''}`;
  return parseIdx(bytes, label);
}
