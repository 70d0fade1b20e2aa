import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodeCifarRecords } from './__fixtures__/encoders';
import { CIFAR10_CLASS_NAMES, cifar10FromBatches, readCifar10Files } from './cifar10-reader';

/** A pixel value that tells image, channel, row and column apart. */
const pixelOf = (image: number, channel: number, row: number, col: number): number =>
  (image * 50 + channel * 80 + row * 3 + col) % 256;

describe('CIFAR-10 binary reader', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cifar-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('reads batch files in order, channel-first records to channel-last images in [0, 1]', () => {
    const tensorsBefore = tf.memory().numTensors;
    fs.writeFileSync(
      path.join(directory, 'data_batch_1.bin'),
      encodeCifarRecords([3, 9], (i, c, r, k) => pixelOf(i, c, r, k)),
    );
    fs.writeFileSync(
      path.join(directory, 'data_batch_2.bin'),
      encodeCifarRecords([0], (i, c, r, k) => pixelOf(i + 2, c, r, k)),
    );
    const data = readCifar10Files('cifar10/train', [
      path.join(directory, 'data_batch_1.bin'),
      path.join(directory, 'data_batch_2.bin'),
    ]);
    expect(data.size).toBe(3);
    expect(data.inputShape).toEqual([32, 32, 3]);
    expect(data.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(Array.from(data.labels())).toEqual([3, 9, 0]);

    const [batch] = [...data.batches(3)];
    const images = batch.x.arraySync() as number[][][][];
    batch.x.dispose();
    for (const [image, row, col, channel] of [
      [0, 0, 0, 0],
      [1, 5, 7, 2],
      [2, 31, 30, 1],
      [0, 10, 0, 1],
    ]) {
      expect(images[image][row][col][channel]).toBeCloseTo(
        pixelOf(image, channel, row, col) / 255,
        6,
      );
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses a file that is not whole records, and labels above 9', () => {
    const record = encodeCifarRecords([1], () => 0);
    expect(() =>
      cifar10FromBatches('x', [{ fileName: 'test_batch.bin', bytes: record.subarray(0, 3000) }]),
    ).toThrow(
      'test_batch.bin: expected a positive multiple of 3073 bytes (1 label byte + 3072 pixel bytes per image), got 3000',
    );
    expect(() =>
      cifar10FromBatches('x', [{ fileName: 'e.bin', bytes: new Uint8Array(0) }]),
    ).toThrow(/e\.bin: expected a positive multiple/);
    const badLabel = encodeCifarRecords([2, 10], () => 0);
    expect(() => cifar10FromBatches('x', [{ fileName: 'b.bin', bytes: badLabel }])).toThrow(
      'b.bin: label of record 1 is 10, expected 0 … 9',
    );
  });
});
