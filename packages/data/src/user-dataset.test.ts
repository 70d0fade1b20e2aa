import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { encodeIdxUint8 } from './__fixtures__/encoders';
import { encodeNpy, encodeZip } from './__fixtures__/numpy-writers';
import { loadDataset } from './load-dataset';
import { describeUserDataset, loadUserDataset } from './user-dataset';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A fresh temporary directory holding `files`. */
function directoryWith(files: Record<string, Uint8Array>): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'neusemslice-user-data-'));
  for (const [name, bytes] of Object.entries(files))
    fs.writeFileSync(path.join(directory, name), bytes);
  return directory;
}

/** Five samples of 3 features (not image-shaped) with labels 0 … 3. */
const FEATURES = [0.5, -1, 2, 0, 0.25, 7, 1, 1, 1, -3, 4, 0.125, 9, 8, 7];
const LABELS = [0, 3, 1, 2, 3];

async function firstBatch(data: {
  batches(size: number): Iterable<{ x: tf.Tensor; labels: Int32Array }>;
}) {
  const [batch] = [...data.batches(100)];
  const values = Array.from(batch.x.dataSync());
  const shape = batch.x.shape;
  batch.x.dispose();
  return { values, shape, labels: Array.from(batch.labels) };
}

describe('users’ data sets', () => {
  it('loads x.npy + y.npy (float features, int64 labels) as both splits, with a note', async () => {
    const directory = directoryWith({
      'x.npy': encodeNpy('<f4', [5, 3], FEATURES),
      'y.npy': encodeNpy('<i8', [5], LABELS.map(BigInt)),
    });
    const notes: string[] = [];
    const train = await loadDataset(directory, 'train', { log: (line) => notes.push(line) });
    expect(train.name).toBe(`${path.basename(directory)}/train`);
    expect(train.inputShape).toEqual([3]);
    expect(train.numClasses).toBe(4);
    expect(train.storedValues).toBeInstanceOf(Float32Array);
    expect(await firstBatch(train)).toEqual({ values: FEATURES, shape: [5, 3], labels: LABELS });
    expect(notes.join('\n')).toMatch(/no train\/test split; both splits use all their samples/);
    expect((await loadDataset(directory, 'test')).size).toBe(5);
  });

  it('loads split .npy files and takes the class count from both splits', async () => {
    const directory = directoryWith({
      'train_x.npy': encodeNpy('|u1', [2, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4]),
      'train_y.npy': encodeNpy('<i4', [2, 1], [0, 1]),
      'test_x.npy': encodeNpy('|u1', [1, 2, 2], [5, 6, 7, 8]),
      'test_y.npy': encodeNpy('|u1', [1], [4]),
    });
    const train = loadUserDataset(directory, 'train');
    // Bytes stay bytes, images get a channel axis, and the test split's label 4 counts.
    expect(train.storedValues).toBeInstanceOf(Uint8Array);
    expect(train.inputShape).toEqual([2, 2, 1]);
    expect(train.numClasses).toBe(5);
    const { values } = await firstBatch(train);
    expect(values.slice(0, 4)).toEqual([0, 1, 51 / 255, 102 / 255].map(Math.fround));
  });

  it.each([
    ['x / y', { 'x.npy': 'x', 'y.npy': 'y' }],
    [
      'x_train … y_test',
      { 'x_train.npy': 'x', 'y_train.npy': 'y', 'x_test.npy': 'x', 'y_test.npy': 'y' },
    ],
  ])('loads an .npz archive with arrays %s, stored or deflated', async (_, names) => {
    const arrays: Record<string, Uint8Array> = {
      x: encodeNpy('<f8', [5, 3], FEATURES),
      y: encodeNpy('<i8', [5], LABELS.map(BigInt)),
    };
    const files = Object.fromEntries(
      Object.entries(names).map(([file, role]) => [file, arrays[role]]),
    );
    for (const deflate of [false, true]) {
      const directory = directoryWith({
        'mine.npz': encodeZip(files, { deflate, zip64: deflate }),
      });
      const test = await loadDataset(path.join(directory, 'mine.npz'), 'test');
      expect(test.name).toBe('mine/test');
      expect(await firstBatch(test)).toEqual({ values: FEATURES, shape: [5, 3], labels: LABELS });
    }
  });

  it('loads a directory of IDX files of any data set, gzipped or not, named as EMNIST or MNIST names them', async () => {
    const images = encodeIdxUint8(
      [4, 2, 3],
      Array.from({ length: 24 }, (_, index) => index * 10),
    );
    const labels = encodeIdxUint8([4], [0, 11, 5, 11]);
    const directory = directoryWith({
      'emnist-letters-train-images-idx3-ubyte.gz': zlib.gzipSync(images),
      'emnist-letters-train-labels-idx1-ubyte': labels,
      't10k-images-idx3-ubyte': encodeIdxUint8([1, 2, 3], [1, 2, 3, 4, 5, 6]),
      't10k-labels-idx1-ubyte.gz': zlib.gzipSync(encodeIdxUint8([1], [2])),
    });
    expect(describeUserDataset(directory).kind).toBe('idx-directory');
    const train = await loadDataset(directory, 'train');
    expect(train.storedValues).toBeInstanceOf(Uint8Array);
    expect(train.inputShape).toEqual([2, 3, 1]);
    expect(train.numClasses).toBe(12);
    expect(Array.from(train.labels())).toEqual([0, 11, 5, 11]);
    expect((await loadDataset(directory, 'test')).size).toBe(1);
  });

  it('checks files against SHA256SUMS beside them or a checksum file given, and names the mismatch', async () => {
    const x = encodeNpy('<f4', [5, 3], FEATURES);
    const y = encodeNpy('|u1', [5], LABELS);
    const good = `${sha256(x)}  x.npy\n${sha256(y)} *y.npy\n`;
    const directory = directoryWith({ 'x.npy': x, 'y.npy': y, SHA256SUMS: Buffer.from(good) });
    expect((await loadDataset(directory, 'train')).size).toBe(5);
    const bad = good.replace(sha256(y), sha256(x));
    fs.writeFileSync(path.join(directory, 'SHA256SUMS'), bad);
    await expect(loadDataset(directory, 'train')).rejects.toThrow(
      `y.npy: SHA-256 is ${sha256(y)}, but ${path.join(directory, 'SHA256SUMS')} expects ${sha256(x)}`,
    );
    expect((await loadDataset(directory, 'train', { verifyChecksums: false })).size).toBe(5);
    const listFile = path.join(directoryWith({}), 'sums.txt');
    fs.writeFileSync(listFile, `${sha256(x)}  x.npy\n`);
    await expect(loadDataset(directory, 'train', { checksumsFile: listFile })).rejects.toThrow(
      `y.npy is not listed in the checksum file ${listFile}`,
    );
    await expect(loadDataset('mnist', 'train', { checksumsFile: listFile })).rejects.toThrow(
      /applies to a data set given as a path; mnist is checked against its known digests/,
    );
  });

  it('says what it expects when the path, the files or the arrays do not fit', async () => {
    await expect(loadDataset('no-such-set', 'train')).rejects.toThrow(
      /unknown data set 'no-such-set': expected mnist \| fashion-mnist \| cifar10, or the path of a directory of IDX files/,
    );
    const onlyX = directoryWith({ 'features.npy': encodeNpy('<f4', [1, 2], [1, 2]) });
    expect(() => loadUserDataset(onlyX, 'train')).toThrow(
      /expected arrays x and y, or x_train, y_train, x_test, y_test .*; found features/,
    );
    const empty = directoryWith({ 'notes.txt': Buffer.from('hi') });
    expect(() => loadUserDataset(empty, 'train')).toThrow(
      /expected one IDX train images file .* found none; the directory holds no IDX or .npy files/,
    );
    const oneHot = directoryWith({
      'x.npy': encodeNpy('<f4', [2, 1], [1, 2]),
      'y.npy': encodeNpy('<f4', [2, 2], [1, 0, 0, 1]),
    });
    expect(() => loadUserDataset(oneHot, 'train')).toThrow(/np\.argmax\(y, axis=1\)/);
    const fractional = directoryWith({
      'x.npy': encodeNpy('<f4', [2, 1], [1, 2]),
      'y.npy': encodeNpy('<f4', [2], [0, 1.5]),
    });
    expect(() => loadUserDataset(fractional, 'train')).toThrow(
      /y\.npy: label 1 is 1\.5, expected a class index/,
    );
    const mismatched = directoryWith({
      'x.npy': encodeNpy('<f4', [3, 1], [1, 2, 3]),
      'y.npy': encodeNpy('|u1', [2], [0, 1]),
    });
    expect(() => loadUserDataset(mismatched, 'train')).toThrow(
      /expected 3 labels \(one per sample/,
    );
  });
});
