import type { ProgressEvent } from '@neusemslice/core';
import { type LocalServer, startLocalServer } from './__fixtures__/local-http-server';
import { downloadBytes } from './http-download';

describe('downloadBytes', () => {
  const payload = Uint8Array.from({ length: 300_000 }, (_, index) => (index * 13) % 256);
  // Each test its own server on a free port, closed after it: no test can see another's sockets.
  let server: LocalServer;
  beforeEach(async () => {
    server = await startLocalServer({
      '/file.bin': { body: payload },
      '/moved.bin': { redirectTo: '/file.bin' },
      '/loop': { redirectTo: '/loop' },
      '/cut.bin': { body: payload, cutAfter: 1000 },
      '/error': { status: 500, body: Uint8Array.from([1]) },
      '/flaky-reset.bin': { body: payload, failFirst: { times: 2, with: 'reset' } },
      '/flaky-503.bin': { body: payload, failFirst: { times: 1, with: 503 } },
    });
  });
  afterEach(() => server.close());
  /** Retries without waiting, so tests stay fast. */
  const quickRetries = { retryDelaysMs: [1, 1, 1] };

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
    await expect(
      downloadBytes(`${server.baseUrl}/error`, { task: 't', ...quickRetries }),
    ).rejects.toThrow(/HTTP 500 .*\(after 4 attempts\)/);
    await expect(
      downloadBytes(`${server.baseUrl}/cut.bin`, { task: 't', ...quickRetries }),
    ).rejects.toThrow(/cut\.bin: /);
    await expect(downloadBytes('http://127.0.0.1:1/x', { task: 't' })).rejects.toThrow(
      /127\.0\.0\.1:1\/x: .*ECONNREFUSED/,
    );
    await expect(downloadBytes('not a url', { task: 't' })).rejects.toThrow(
      "invalid URL 'not a url'",
    );
  });

  it('retries reset connections and 5xx answers, and gets the bytes', async () => {
    for (const file of ['flaky-reset.bin', 'flaky-503.bin']) {
      const bytes = await downloadBytes(`${server.baseUrl}/${file}`, {
        task: 't',
        ...quickRetries,
      });
      expect(Buffer.from(bytes).equals(Buffer.from(payload))).toBe(true);
    }
    expect(server.requests.filter((request) => request === '/flaky-reset.bin')).toHaveLength(3);
    expect(server.requests.filter((request) => request === '/flaky-503.bin')).toHaveLength(2);
  });

  it('does not retry what another try cannot fix (404, refused connection)', async () => {
    await expect(
      downloadBytes(`${server.baseUrl}/missing`, { task: 't', ...quickRetries }),
    ).rejects.toThrow(/HTTP 404 Not Found$/);
    expect(server.requests).toEqual(['/missing']);
    await expect(
      downloadBytes(`${server.baseUrl}/flaky-reset.bin`, { task: 't', retryDelaysMs: [1] }),
    ).rejects.toThrow(/after 2 attempts/);
  });
});
