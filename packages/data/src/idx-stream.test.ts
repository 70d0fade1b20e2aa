import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import type { LabeledDataset } from '@neusemslice/core';
import { encodeIdxUint8, makeIdxPair } from './__fixtures__/encoders';
import { clearChecksumCache, sha256Hex } from './checksums';
import { perClassIndices, samplePerClass } from './class-subsets';
import { readIdxSelection } from './idx-stream';
import { loadDataset } from './load-dataset';

function batchValues(data: LabeledDataset): { values: Float32Array; labels: number[] } {
  const [batch] = [...data.batches(data.size)];
  const values = batch.x.dataSync() as Float32Array;
  batch.x.dispose();
  return { values, labels: Array.from(batch.labels) };
}

describe('reading only some samples of an IDX file', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'idx-stream-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([false, true])('copies the kept samples exactly (gzipped: %s)', async (gzip) => {
    const { images, pixelValues } = makeIdxPair(9, 5, 3);
    const file = path.join(root, `images-${gzip}`);
    fs.writeFileSync(file, gzip ? zlib.gzipSync(images) : images);
    const keep = Int32Array.from([0, 4, 8]);
    const { idx, decodedSha256 } = await readIdxSelection(file, keep, 'img');
    expect(idx.dims).toEqual([3, 5, 3]);
    const expected = [0, 4, 8].flatMap((sample) =>
      Array.from(pixelValues.subarray(sample * 15, (sample + 1) * 15)),
    );
    expect(Array.from(idx.values)).toEqual(expected);
    expect(decodedSha256).toBe(sha256Hex(images));
  });

  it('copies samples that straddle reads of a raw file, whatever the read size', async () => {
    const { images, pixelValues } = makeIdxPair(9, 5, 3);
    const file = path.join(root, 'images-straddling');
    fs.writeFileSync(file, images);
    const keep = Int32Array.from([1, 2, 7]);
    const expected = [1, 2, 7].flatMap((sample) =>
      Array.from(pixelValues.subarray(sample * 15, (sample + 1) * 15)),
    );
    // 1: one byte a read; 7: reads that end inside the header and inside samples; 4096: one read.
    for (const chunkBytes of [1, 7, 4096]) {
      const { idx, decodedSha256 } = await readIdxSelection(file, keep, 'img', chunkBytes);
      expect(idx.dims).toEqual([3, 5, 3]);
      expect(Array.from(idx.values)).toEqual(expected);
      expect(decodedSha256).toBe(sha256Hex(images));
    }
  });

  it('refuses truncated and padded files, bad indices and non-uint8 files', async () => {
    const { images, labels } = makeIdxPair(4, 2, 2);
    const write = (name: string, bytes: Uint8Array): string => {
      fs.writeFileSync(path.join(root, name), bytes);
      return path.join(root, name);
    };
    const keep = Int32Array.from([1]);
    await expect(
      readIdxSelection(write('short', images.subarray(0, images.length - 1)), keep, 'short'),
    ).rejects.toThrow('short: truncated IDX file (15 of 16 value bytes)');
    const padded = zlib.gzipSync(Buffer.concat([images, Buffer.alloc(1000)]));
    await expect(readIdxSelection(write('padded.gz', padded), keep, 'padded')).rejects.toThrow(
      /padded: decodes to more than the 16 value bytes its IDX header promises/,
    );
    await expect(
      readIdxSelection(write('ok', images), Int32Array.from([2, 1]), 'ok'),
    ).rejects.toThrow('ok: sample indices to keep must be ascending and distinct');
    await expect(readIdxSelection(write('ok', images), Int32Array.from([4]), 'ok')).rejects.toThrow(
      'ok: sample index 4 to keep is out of range, expected 0 … 3',
    );
    await expect(readIdxSelection(write('labels', labels), keep, 'labels')).rejects.toThrow(
      /labels: expected a uint8 IDX file of samples/,
    );
    const gzipped = zlib.gzipSync(encodeIdxUint8([4, 2, 2], new Array(16).fill(1)));
    const cut = write('cut.gz', gzipped.subarray(0, gzipped.length - 12));
    await expect(readIdxSelection(cut, keep, 'cut')).rejects.toThrow(
      /cut: corrupt or truncated data \(unexpected end of file\)/,
    );
  });

  it('loads the per-class slicing sample of real MNIST bit-identical to sampling the whole split, checksums verified', async () => {
    clearChecksumCache();
    const options = { env: {}, cacheDir: path.join(root, 'no-cache') };
    const whole = await loadDataset('mnist', 'test', options);
    const expected = samplePerClass(whole, 30, 7);
    const sampled = await loadDataset('mnist', 'test', {
      ...options,
      keepSamples: (labels, numClasses) => perClassIndices(labels, numClasses, 30, 7, 'mnist/test'),
    });
    expect(sampled.size).toBe(300);
    expect(sampled.storedBytes).toBe(300 * 784);
    expect(sampled.storedValues).toBeInstanceOf(Uint8Array);
    const before = tf.memory().numTensors;
    expect(batchValues(sampled)).toEqual(batchValues(expected));
    expect(tf.memory().numTensors).toBe(before);
  });
});
