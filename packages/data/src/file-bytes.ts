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
  const limit = decodedSizeLimit(bytes);
  try {
    // Decompression stops at the limit: a gzip bomb is refused after `limit` bytes, not 1.5 GB.
    // When the size is known, one output buffer of that size: zlib's default 16 KiB chunks are
    // joined at the end, which briefly holds the decoded data twice (≈ 90 MB for MNIST's images).
    const decoded = zlib.gunzipSync(bytes, {
      maxOutputLength: limit.bytes + 1,
      ...(limit.promised ? { chunkSize: Math.max(64, limit.bytes + 1) } : {}),
    });
    if (decoded.byteLength > limit.bytes) throw new RangeError('too large');
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  } catch (error) {
    if (
      error instanceof RangeError ||
      (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
    ) {
      throw new UsageError(
        `${fileName}: gzip data decompresses to more than ${limit.bytes} bytes, ${limit.reason}; refusing it (a corrupt file or a gzip bomb)`,
      );
    }
    throw new UsageError(
      `${fileName}: corrupt or truncated gzip data (${(error as Error).message}); delete the file and fetch it again`,
    );
  }
}

/** The most any gzipped data file may decompress to when its content does not say (1 GiB). */
export const MAX_DECODED_BYTES = 2 ** 30;

/** IDX data types by their header byte, with bytes per value. */
const IDX_VALUE_BYTES: Record<number, number> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };

/**
 * How many bytes gzipped data may decompress to: for an IDX file exactly what its header
 * promises (read from the first decompressed bytes), else MAX_DECODED_BYTES.
 */
function decodedSizeLimit(bytes: Uint8Array): { bytes: number; reason: string; promised?: true } {
  let head: Buffer;
  try {
    // Z_SYNC_FLUSH: return what the first compressed bytes decode to, without needing the end.
    // 512 compressed bytes hold the header (and any file name gzip stores) and inflate to at
    // most ~530 KB (deflate's ratio is at most ~1032:1), under the 1 MiB allowed here.
    head = zlib.gunzipSync(bytes.subarray(0, 512), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      maxOutputLength: 1 << 20,
    });
  } catch {
    return { bytes: MAX_DECODED_BYTES, reason: 'the most allowed for a data file' };
  }
  const valueBytes = IDX_VALUE_BYTES[head[2]];
  const rank = head[3];
  if (
    head.length < 4 ||
    head[0] !== 0 ||
    head[1] !== 0 ||
    !valueBytes ||
    rank < 1 ||
    head.length < 4 + 4 * rank
  ) {
    return { bytes: MAX_DECODED_BYTES, reason: 'the most allowed for a data file' };
  }
  let count = 1;
  for (let axis = 0; axis < rank; axis++) count *= head.readUInt32BE(4 + 4 * axis);
  const promised = 4 + 4 * rank + count * valueBytes;
  return promised <= MAX_DECODED_BYTES
    ? { bytes: promised, reason: 'the size its IDX header promises', promised: true }
    : { bytes: MAX_DECODED_BYTES, reason: 'the most allowed for a data file' };
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
