import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { UsageError } from '@neusemslice/core';
import type { IdxArray } from './idx-reader';

/**
 * Reads only the samples at `keep` (ascending sample indices) of a uint8 IDX file, raw or
 * gzipped, streaming it: the whole decoded file (47 MB for MNIST's training images) is never in
 * memory at once. Returns the kept samples as an IDX array [keep.length, ...sample dims] and the
 * SHA-256 of the whole decoded file, for the checksum check. `source` labels the errors.
 */
export async function readIdxSelection(
  filePath: string,
  keep: Int32Array,
  source: string,
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
    for await (const chunk of openDecodedStream(filePath)) {
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

/** The decoded bytes of a file as a stream: gunzipped when it starts with the gzip magic. */
function openDecodedStream(filePath: string): AsyncIterable<unknown> {
  const head = Buffer.alloc(2);
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch (error) {
    throw new UsageError(`cannot read ${filePath}: ${(error as Error).message}`);
  }
  try {
    fs.readSync(fd, head, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  const raw = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  if (head[0] !== 0x1f || head[1] !== 0x8b) return raw;
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
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
