import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { UsageError } from '@neusemslice/core';
import type { IdxArray } from './idx-reader';

/**
 * Reads only the samples at `keep` (ascending sample indices) of a uint8 IDX file, raw or
 * gzipped, streaming it: the whole decoded file (47 MB for MNIST's training images) is never in
 * memory at once. Returns the kept samples as an IDX array [keep.length, ...sample dims] and the
 * SHA-256 of the whole decoded file, for the checksum check. `source` labels the errors;
 * `chunkBytes` is how much of a raw file is read at a time (into one reused buffer).
 */
export async function readIdxSelection(
  filePath: string,
  keep: Int32Array,
  source: string,
  chunkBytes: number = RAW_CHUNK_BYTES,
): Promise<{ idx: IdxArray; decodedSha256: string }> {
  for (let position = 1; position < keep.length; position++) {
    if (keep[position] <= keep[position - 1]) {
      throw new UsageError(`${source}: sample indices to keep must be ascending and distinct`);
    }
  }
  const hash = createHash('sha256');
  let header: Buffer = Buffer.alloc(0);
  let layout: { dims: number[]; sampleSize: number; valueBytes: number } | undefined;
  let selected: Uint8Array = new Uint8Array(0);
  let valuesSeen = 0;
  let keepPosition = 0;
  const copySelected = (values: Buffer): void => {
    if (!layout) return;
    const { sampleSize, valueBytes } = layout;
    if (valuesSeen + values.length > valueBytes) {
      throw new UsageError(
        `${source}: decodes to more than the ${valueBytes} value bytes its IDX header promises; refusing it (a corrupt file or a gzip bomb)`,
      );
    }
    const chunkStart = valuesSeen;
    const chunkEnd = valuesSeen + values.length;
    while (keepPosition < keep.length) {
      const sampleStart = keep[keepPosition] * sampleSize;
      const sampleEnd = sampleStart + sampleSize;
      if (sampleStart >= chunkEnd) break;
      const from = Math.max(sampleStart, chunkStart);
      const to = Math.min(sampleEnd, chunkEnd);
      selected.set(
        values.subarray(from - chunkStart, to - chunkStart),
        keepPosition * sampleSize + (from - sampleStart),
      );
      if (sampleEnd > chunkEnd) break;
      keepPosition++;
    }
    valuesSeen = chunkEnd;
  };
  try {
    // Each chunk is hashed and its kept samples copied before the next one is read: a raw
    // file's chunks all share one buffer.
    for await (const chunk of decodedChunks(filePath, chunkBytes)) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      if (layout) {
        copySelected(bytes);
        continue;
      }
      header = Buffer.concat([header, bytes]);
      layout = parseHeader(header, source);
      if (layout) {
        const count = layout.dims[0];
        const outside = keep.findIndex((index) => index < 0 || index >= count);
        if (outside >= 0) {
          throw new UsageError(
            `${source}: sample index ${keep[outside]} to keep is out of range, expected 0 … ${count - 1}`,
          );
        }
        selected = new Uint8Array(keep.length * layout.sampleSize);
        copySelected(header.subarray(4 + 4 * layout.dims.length));
        header = Buffer.alloc(0);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${source}: corrupt or truncated data (${(error as Error).message}); delete the file and fetch it again`,
    );
  }
  if (!layout || valuesSeen !== layout.valueBytes) {
    throw new UsageError(
      `${source}: truncated IDX file (${layout ? `${valuesSeen} of ${layout.valueBytes} value bytes` : 'incomplete header'})`,
    );
  }
  return {
    idx: { dataType: 'uint8', dims: [keep.length, ...layout.dims.slice(1)], values: selected },
    decodedSha256: hash.digest('hex'),
  };
}

/**
 * Bytes read at a time from a raw (not gzipped) file, into one buffer reused for every read.
 * Stream chunks would be fresh buffers that live until the next garbage collection: reading
 * MNIST's 47 MB of training images that way left ~25 MiB more resident in `slice` than this.
 */
const RAW_CHUNK_BYTES = 1 << 20;

/**
 * A gzipped file's compressed bytes are read, and decompressed, in small chunks: each one is a
 * new buffer (zlib's stream allocates them), and small ones are reused by the allocator once
 * collected, so about half as many MiB stay resident as with 1 MiB chunks (MNIST's training
 * images gzipped), for ≈ 0.2 s more.
 */
const GZIP_READ_BYTES = 1 << 16;
const GZIP_CHUNK_BYTES = 1 << 14;

/**
 * The decoded bytes of a file, chunk by chunk: gunzipped (streamed) when it starts with the gzip
 * magic, else read synchronously into one buffer of `chunkBytes` that every chunk reuses, so a
 * chunk is valid only until the next one is asked for.
 */
async function* decodedChunks(filePath: string, chunkBytes: number): AsyncGenerator<Buffer> {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch (error) {
    throw new UsageError(`cannot read ${filePath}: ${(error as Error).message}`);
  }
  try {
    const head = Buffer.alloc(2);
    const gzipped = fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
    if (!gzipped) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      for (;;) {
        const bytesRead = fs.readSync(fd, buffer, 0, chunkBytes, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  const raw = fs.createReadStream(filePath, { highWaterMark: GZIP_READ_BYTES });
  const gunzip = zlib.createGunzip({ chunkSize: GZIP_CHUNK_BYTES });
  raw.on('error', (error) => gunzip.destroy(error));
  // A consumer that stops early (a refused file) destroys gunzip; the file is closed with it.
  gunzip.on('close', () => raw.destroy());
  for await (const chunk of raw.pipe(gunzip)) yield chunk as Buffer;
}

/** The layout of a uint8 IDX header once enough bytes are there; undefined until then. */
function parseHeader(
  bytes: Buffer,
  source: string,
): { dims: number[]; sampleSize: number; valueBytes: number } | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || bytes[3] < 2) {
    throw new UsageError(
      `${source}: expected a uint8 IDX file of samples ([count, …], header 0x00 0x00 0x08 ≥0x02), got header ${Array.from(
        bytes.subarray(0, 4),
        (byte) => `0x${byte.toString(16).padStart(2, '0')}`,
      ).join(' ')}`,
    );
  }
  const rank = bytes[3];
  if (bytes.length < 4 + 4 * rank) return undefined;
  const dims = Array.from({ length: rank }, (_, axis) => bytes.readUInt32BE(4 + 4 * axis));
  const sampleSize = dims.slice(1).reduce((product, size) => product * size, 1);
  return { dims, sampleSize, valueBytes: dims[0] * sampleSize };
}
