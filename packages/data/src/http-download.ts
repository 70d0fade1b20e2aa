import * as http from 'node:http';
import * as https from 'node:https';
import type { ProgressListener } from '@neusemslice/core';

export interface DownloadOptions {
  /** Names the download in progress events, e.g. `download mnist/t10k-labels-idx1-ubyte.gz`. */
  task: string;
  onProgress?: ProgressListener;
  /** Give up when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /**
   * Waits before each retry of a transient failure (connection reset, timeout, cut transfer,
   * HTTP 5xx); its length is the number of retries. Default [500, 2000, 5000] ms.
   */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [500, 2000, 5000];

/** Connection errors worth another try: the network or the server hiccuped. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** A failed download; `transient` when trying again may succeed. */
class DownloadError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/** Milliseconds between two progress events of one download. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Downloads a URL (http or https, following redirects) into memory, reporting progress in
 * bytes. Rejects with an Error saying what went wrong (status, timeout, connection error).
 */
export async function downloadBytes(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchFollowingRedirects(url, options, options.maxRedirects ?? 5);
    } catch (error) {
      const transient = error instanceof DownloadError && error.transient;
      if (!transient || attempt >= delays.length) {
        if (attempt === 0) throw error;
        throw new Error(`${(error as Error).message} (after ${attempt + 1} attempts)`);
      }
      // Back off before trying again: a busy mirror resets connections under load.
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}

function fetchFollowingRedirects(
  url: string,
  options: DownloadOptions,
  redirectsLeft: number,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let client: typeof http | typeof https;
    try {
      client = new URL(url).protocol === 'https:' ? https : http;
    } catch {
      reject(new Error(`invalid URL '${url}'`));
      return;
    }
    // agent: false: a fresh connection per request, never a kept-alive socket the server may
    // be closing at that very moment (which reads as ECONNRESET).
    const request = client.get(url, { agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (redirectsLeft <= 0) {
          reject(new Error(`${url}: too many redirects`));
          return;
        }
        const next = new URL(location, url).toString();
        fetchFollowingRedirects(next, options, redirectsLeft - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(
          new DownloadError(
            `${url}: HTTP ${status} ${response.statusMessage ?? ''}`.trim(),
            status >= 500,
          ),
        );
        return;
      }
      const totalBytes = Number(response.headers['content-length'] ?? 0);
      const chunks: Buffer[] = [];
      let receivedBytes = 0;
      const startedAt = Date.now();
      let reportedAt = 0;
      const report = (final: boolean): void => {
        const now = Date.now();
        if (!options.onProgress || (!final && now - reportedAt < PROGRESS_INTERVAL_MS)) return;
        reportedAt = now;
        const seconds = (now - startedAt) / 1000;
        const rate = seconds > 0 ? receivedBytes / seconds : 0;
        options.onProgress({
          task: options.task,
          done: receivedBytes,
          total: totalBytes > 0 ? totalBytes : receivedBytes,
          figures: { bytesPerSecond: Math.round(rate) },
          etaSeconds: rate > 0 && totalBytes > 0 ? (totalBytes - receivedBytes) / rate : undefined,
        });
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        receivedBytes += chunk.length;
        report(false);
      });
      response.on('error', (error) => reject(new DownloadError(`${url}: ${error.message}`, true)));
      response.on('end', () => {
        if (!response.complete || (totalBytes > 0 && receivedBytes !== totalBytes)) {
          reject(
            new DownloadError(
              `${url}: connection closed after ${receivedBytes} of ${totalBytes} bytes`,
              true,
            ),
          );
          return;
        }
        report(true);
        const body = Buffer.concat(chunks);
        resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
      });
    });
    request.setTimeout(options.idleTimeoutMs ?? 30_000, () => {
      const timeout = new Error(`no data for ${(options.idleTimeoutMs ?? 30_000) / 1000} s`);
      (timeout as NodeJS.ErrnoException).code = 'ETIMEDOUT';
      request.destroy(timeout);
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(new DownloadError(`${url}: ${error.message}`, TRANSIENT_CODES.has(error.code ?? ''))),
    );
  });
}
