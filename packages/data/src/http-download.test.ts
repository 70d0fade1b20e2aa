import type { ProgressEvent } from '@neusemslice/core';
import { type LocalServer, startLocalServer } from './__fixtures__/local-http-server';
import { downloadBytes } from './http-download';

describe('downloadBytes', () => {
  const payload = Uint8Array.from({ length: 300_000 }, (_, index) => (index * 13) % 256);
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer({
      '/file.bin': { body: payload },
      '/moved.bin': { redirectTo: '/file.bin' },
      '/loop': { redirectTo: '/loop' },
      '/cut.bin': { body: payload, cutAfter: 1000 },
      '/error': { status: 500, body: Uint8Array.from([1]) },
    });
  });
  afterAll(() => server.close());

  it('downloads the bytes and reports progress in bytes up to the total', async () => {
    const events: ProgressEvent[] = [];
    const bytes = await downloadBytes(`${server.baseUrl}/file.bin`, {
      task: 'download file.bin',
      onProgress: (event) => events.push(event),
    });
    expect(Buffer.from(bytes).equals(Buffer.from(payload))).toBe(true);
    const last = events[events.length - 1];
    expect(last).toMatchObject({
      task: 'download file.bin',
      done: payload.length,
      total: payload.length,
    });
  });

  it('follows redirects, but not forever', async () => {
    const bytes = await downloadBytes(`${server.baseUrl}/moved.bin`, { task: 't' });
    expect(bytes.length).toBe(payload.length);
    await expect(
      downloadBytes(`${server.baseUrl}/loop`, { task: 't', maxRedirects: 3 }),
    ).rejects.toThrow(/too many redirects/);
  });

  it('rejects HTTP errors, cut connections and refused connections with the URL', async () => {
    await expect(downloadBytes(`${server.baseUrl}/missing`, { task: 't' })).rejects.toThrow(
      `${server.baseUrl}/missing: HTTP 404`,
    );
    await expect(downloadBytes(`${server.baseUrl}/error`, { task: 't' })).rejects.toThrow(
      /HTTP 500/,
    );
    await expect(downloadBytes(`${server.baseUrl}/cut.bin`, { task: 't' })).rejects.toThrow(
      /cut\.bin: /,
    );
    await expect(downloadBytes('http://127.0.0.1:1/x', { task: 't' })).rejects.toThrow(
      /127\.0\.0\.1:1\/x: .*ECONNREFUSED/,
    );
    await expect(downloadBytes('not a url', { task: 't' })).rejects.toThrow(
      "invalid URL 'not a url'",
    );
  });
});
