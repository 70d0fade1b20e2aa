import * as zlib from 'node:zlib';
import { UsageError } from '@neusemslice/core';

/** One file of a zip archive, not yet decompressed. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate: the only methods read. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local header in the archive. */
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const ZIP64_EXTRA_ID = 0x0001;
const MAX_UINT32 = 0xffffffff;
const MAX_UINT16 = 0xffff;

/**
 * Lists the files of a zip archive from its central directory (ZIP64 included, as NumPy writes
 * `.npz` files with it). `source` labels the errors.
 */
export function listZipEntries(archive: Uint8Array, source: string): ZipEntry[] {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const end = findEndOfCentralDirectory(view, source);
  let entryCount = view.getUint16(end + 10, true);
  let directoryOffset = view.getUint32(end + 16, true);
  if (
    (entryCount === MAX_UINT16 || directoryOffset === MAX_UINT32) &&
    end >= 20 &&
    view.getUint32(end - 20, true) === ZIP64_END_LOCATOR
  ) {
    const zip64End = Number(view.getBigUint64(end - 20 + 8, true));
    if (zip64End + 56 > archive.length || view.getUint32(zip64End, true) !== ZIP64_END) {
      throw new UsageError(`${source}: corrupt zip archive (bad ZIP64 end record)`);
    }
    entryCount = Number(view.getBigUint64(zip64End + 32, true));
    directoryOffset = Number(view.getBigUint64(zip64End + 48, true));
  }
  const entries: ZipEntry[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < entryCount; index++) {
    if (offset + 46 > archive.length || view.getUint32(offset, true) !== CENTRAL_FILE_HEADER) {
      throw new UsageError(`${source}: corrupt zip archive (entry ${index} of the directory)`);
    }
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const name = new TextDecoder().decode(archive.subarray(offset + 46, offset + 46 + nameLength));
    const entry: ZipEntry = {
      name,
      method: view.getUint16(offset + 10, true),
      compressedSize: view.getUint32(offset + 20, true),
      uncompressedSize: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
    };
    readZip64Extra(view, offset + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Replaces the 32-bit fields that say "see ZIP64" (0xffffffff) by the extra field's values. */
function readZip64Extra(view: DataView, start: number, length: number, entry: ZipEntry): void {
  let offset = start;
  while (offset + 4 <= start + length) {
    const id = view.getUint16(offset, true);
    const size = view.getUint16(offset + 2, true);
    if (id === ZIP64_EXTRA_ID) {
      let field = offset + 4;
      const next = (): number => {
        const value = Number(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      // The fields appear in this order, each only when its 32-bit counterpart is 0xffffffff.
      if (entry.uncompressedSize === MAX_UINT32) entry.uncompressedSize = next();
      if (entry.compressedSize === MAX_UINT32) entry.compressedSize = next();
      if (entry.localHeaderOffset === MAX_UINT32) entry.localHeaderOffset = next();
    }
    offset += 4 + size;
  }
}

function findEndOfCentralDirectory(view: DataView, source: string): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const lowest = Math.max(0, view.byteLength - 22 - MAX_UINT16);
  for (let offset = view.byteLength - 22; offset >= lowest; offset--) {
    if (view.getUint32(offset, true) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new UsageError(`${source}: not a zip archive (no end-of-central-directory record)`);
}

/**
 * The decompressed bytes of one entry (stored or deflate), checked against the size the
 * directory records. `source` labels the errors.
 */
export function readZipEntry(archive: Uint8Array, entry: ZipEntry, source: string): Uint8Array {
  const label = `${source}: ${entry.name}`;
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const header = entry.localHeaderOffset;
  if (header + 30 > archive.length || view.getUint32(header, true) !== LOCAL_FILE_HEADER) {
    throw new UsageError(`${label}: corrupt zip archive (bad local header)`);
  }
  const dataStart =
    header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > archive.length) {
    throw new UsageError(`${label}: truncated zip archive`);
  }
  const compressed = archive.subarray(dataStart, dataEnd);
  let bytes: Uint8Array;
  if (entry.method === 0) {
    bytes = compressed;
  } else if (entry.method === 8) {
    try {
      const inflated = zlib.inflateRawSync(compressed, {
        maxOutputLength: Math.max(1, entry.uncompressedSize),
      });
      bytes = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
    } catch (error) {
      throw new UsageError(`${label}: corrupt deflate data (${(error as Error).message})`);
    }
  } else {
    throw new UsageError(
      `${label}: compression method ${entry.method} is not supported (expected 0 stored or 8 deflate)`,
    );
  }
  if (bytes.length !== entry.uncompressedSize) {
    throw new UsageError(
      `${label}: expected ${entry.uncompressedSize} bytes after decompression, got ${bytes.length}`,
    );
  }
  return bytes;
}
