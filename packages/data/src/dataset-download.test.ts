import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { type ProgressEvent, isUsageError } from '@neusemslice/core';
import { encodeCifarRecords, encodeUstar, makeIdxPair } from './__fixtures__/encoders';
import { type LocalServer, startLocalServer } from './__fixtures__/local-http-server';
import { MNIST_DATA_DIRECTORY } from './__fixtures__/real-files';
import { clearChecksumCache } from './checksums';
import { loadDataset } from './load-dataset';

/** Options that keep installed copies, the user's variables and cache out of the test. */
function offlineOptions(
  cacheDir: string,
  baseUrl: string,
): {
  env: Record<string, string>;
  cacheDir: string;
  useInstalledPackages: false;
  download: true;
  downloadBaseUrls: string[];
} {
  return {
    env: {},
    cacheDir,
    useInstalledPackages: false,
    download: true,
    downloadBaseUrls: [baseUrl],
  };
}

describe('downloading into the cache (against a local server)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'download-'));
  const realTestImages = zlib.gzipSync(
    fs.readFileSync(path.join(MNIST_DATA_DIRECTORY, 't10k-images-idx3-ubyte')),
    { level: 1 },
  );
  const realTestLabels = zlib.gzipSync(
    fs.readFileSync(path.join(MNIST_DATA_DIRECTORY, 't10k-labels-idx1-ubyte')),
  );
  const fake = makeIdxPair(4, 28, 28);
  const cifarTest = encodeCifarRecords([5, 6], (image, channel) => image * 10 + channel);
  const cifarTrain = [1, 2, 3, 4, 5].map((batch) =>
    encodeCifarRecords([batch, batch], () => batch),
  );
  const cifarArchive = zlib.gzipSync(
    encodeUstar([
      { name: 'cifar-10-batches-bin/', content: new Uint8Array(0), type: '5' },
      {
        name: 'cifar-10-batches-bin/batches.meta.txt',
        content: Uint8Array.from(Buffer.from('airplane\n')),
      },
      ...cifarTrain.map((content, index) => ({
        name: `cifar-10-batches-bin/data_batch_${index + 1}.bin`,
        content,
      })),
      { name: 'cifar-10-batches-bin/test_batch.bin', content: cifarTest },
    ]),
  );
  // Each test its own server on a free port, closed after it (no socket outlives its test).
  let server: LocalServer;
  beforeEach(async () => {
    server = await startLocalServer({
      '/mnist/t10k-images-idx3-ubyte.gz': { body: realTestImages },
      '/mnist/t10k-labels-idx1-ubyte.gz': { body: realTestLabels },
      '/fake/t10k-images-idx3-ubyte.gz': { body: zlib.gzipSync(fake.images) },
      '/fake/t10k-labels-idx1-ubyte.gz': { body: zlib.gzipSync(fake.labels) },
      '/cifar/cifar-10-binary.tar.gz': { body: cifarArchive },
    });
  });
  afterEach(() => server.close());
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(clearChecksumCache);

  it('downloads MNIST, checks it, caches it, and later loads from the cache without the network', async () => {
    const cacheDir = path.join(root, 'cache-mnist');
    const events: ProgressEvent[] = [];
    const options = offlineOptions(cacheDir, `${server.baseUrl}/mnist/`);
    const data = await loadDataset('mnist', 'test', {
      ...options,
      onProgress: (event) => events.push(event),
    });
    expect(data.size).toBe(10000);
    expect(fs.readdirSync(path.join(cacheDir, 'mnist')).sort()).toEqual([
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    const imageEvents = events.filter(
      (event) => event.task === 'download mnist/t10k-images-idx3-ubyte.gz',
    );
    expect(imageEvents[imageEvents.length - 1]).toMatchObject({
      done: realTestImages.length,
      total: realTestImages.length,
    });
    expect(events[events.length - 1].task).toMatch(/^load mnist\/test from download/);

    const requestsBefore = server.requests.length;
    const again = await loadDataset('mnist', 'test', { ...options, download: false });
    expect(again.labels()).toEqual(data.labels());
    expect(server.requests.length).toBe(requestsBefore);
  });

  it('tries the next mirror when one fails, and leaves nothing in the cache when all fail', async () => {
    const cacheDir = path.join(root, 'cache-mirrors');
    const options = offlineOptions(cacheDir, `${server.baseUrl}/absent/`);
    const data = await loadDataset('mnist', 'test', {
      ...options,
      downloadBaseUrls: [`${server.baseUrl}/absent`, `${server.baseUrl}/mnist`],
    });
    expect(data.size).toBe(10000);

    const badCache = path.join(root, 'cache-bad');
    let caught: unknown;
    try {
      await loadDataset('mnist', 'test', offlineOptions(badCache, `${server.baseUrl}/fake/`));
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
    const message = (caught as Error).message;
    expect(message).toContain('download: downloading mnist/test failed:');
    expect(message).toMatch(
      /fake\/t10k-images-idx3-ubyte\.gz: SHA-256 of the decoded mnist file t10k-images-idx3-ubyte is [0-9a-f]{64}, expected 0fa7898d/,
    );
    expect(message).toContain(
      'To fix: check the network or pass downloadBaseUrls with a reachable mirror',
    );
    expect(
      fs.existsSync(path.join(badCache, 'mnist'))
        ? fs.readdirSync(path.join(badCache, 'mnist'))
        : [],
    ).toEqual([]);
  });

  it('stores files it cannot verify only when checksums are switched off', async () => {
    const cacheDir = path.join(root, 'cache-unverified');
    const data = await loadDataset('mnist', 'test', {
      ...offlineOptions(cacheDir, `${server.baseUrl}/fake/`),
      verifyChecksums: false,
    });
    expect(Array.from(data.labels())).toEqual(Array.from(fake.labelValues));
  });

  it('downloads the CIFAR-10 archive once, unpacks both splits, and loads them', async () => {
    const cacheDir = path.join(root, 'cache-cifar');
    const options = offlineOptions(cacheDir, `${server.baseUrl}/cifar/`);
    const test = await loadDataset('cifar10', 'test', options);
    expect(Array.from(test.labels())).toEqual([5, 6]);
    expect(test.sample(1).pixels[2]).toBeCloseTo(12 / 255, 6); // image 1, channel 2
    const requestsAfterTest = server.requests.length;
    const train = await loadDataset('cifar10', 'train', options);
    expect(Array.from(train.labels())).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(server.requests.length).toBe(requestsAfterTest);
    expect(fs.readdirSync(path.join(cacheDir, 'cifar10')).sort()).toEqual([
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
      'test_batch.bin',
    ]);
  });

  it('says which URL failed and why when the server cannot be reached', async () => {
    const cacheDir = path.join(root, 'cache-unreachable');
    await expect(
      loadDataset('cifar10', 'test', offlineOptions(cacheDir, 'http://127.0.0.1:1/')),
    ).rejects.toThrow(
      /download: downloading cifar10\/test failed:\n {4}http:\/\/127\.0\.0\.1:1\/cifar-10-binary\.tar\.gz: .*ECONNREFUSED/,
    );
  });
});
