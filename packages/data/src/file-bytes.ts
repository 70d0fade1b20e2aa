import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { UsageError } from '@neusemslice/core';

/** True when the bytes start with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The content of a file whatever its compression: gzip is recognised by its magic bytes, not
 * by the name, so `foo.gz` that was already unpacked and `foo` that is gzipped both work.
 * `fileName` only labels errors.
 */
export function decodeBytes(bytes: Uint8Array, fileName: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const decoded = zlib.gunzipSync(bytes);
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  } catch (error) {
    throw new UsageError(
      `${fileName}: corrupt or truncated gzip data (${(error as Error).message}); delete the file and fetch it again`,
    );
  }
}

/** Reads a file and returns its decoded (decompressed) bytes and whether it was gzipped. */
export function readDecodedFile(filePath: string): { bytes: Uint8Array; gzipped: boolean } {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(filePath);
  } catch (error) {
    throw new UsageError(`cannot read ${filePath}: ${(error as Error).message}`);
  }
  const view = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return { bytes: decodeBytes(view, path.basename(filePath)), gzipped: isGzip(view) };
}
