import * as path from 'node:path';
import { type ProgressListener, UsageError, writeFileAtomic } from '@neusemslice/core';
import { checkDigest } from './checksums';
import { countCifar10Records } from './cifar10-reader';
import type { DatasetSpec, DatasetSplit } from './dataset-catalog';
import { findFile } from './dataset-locations';
import { decodeBytes } from './file-bytes';
import { downloadBytes } from './http-download';
import { parseIdx } from './idx-reader';
import { readTarEntries } from './ustar-reader';

export interface DownloadIntoCacheOptions {
  /** Base URLs tried in order instead of the data set's canonical ones (e.g. a mirror). */
  baseUrls?: readonly string[];
  /** Check the decoded bytes against the known SHA-256 digests (default true). */
  verifyChecksums?: boolean;
  onProgress?: ProgressListener;
  /** Waits before retrying a transient failure (see downloadBytes); default 0.5, 2 and 5 s. */
  retryDelaysMs?: readonly number[];
}

/** The base URLs of a data set's download, with a trailing slash so file names can be appended. */
export function downloadBaseUrls(spec: DatasetSpec, options: DownloadIntoCacheOptions): string[] {
  return [...(options.baseUrls ?? spec.download.baseUrls)].map((base) =>
    base.endsWith('/') ? base : `${base}/`,
  );
}

/**
 * Downloads the files of one split of a data set into its cache folder. Every file is checked
 * (format and, where known, SHA-256 of the decoded bytes) before it is written, and written
 * atomically, so the cache never holds a partial or wrong file. Mirrors are tried in order;
 * when all fail, the error lists each URL and why.
 */
export async function downloadIntoCache(
  spec: DatasetSpec,
  split: DatasetSplit,
  folder: string,
  options: DownloadIntoCacheOptions = {},
): Promise<void> {
  const failures: string[] = [];
  for (const baseUrl of downloadBaseUrls(spec, options)) {
    try {
      if (spec.download.kind === 'gzip-files')
        await downloadGzipFiles(spec, split, folder, baseUrl, options);
      else await downloadTarGz(spec, spec.download.archive, folder, baseUrl, options);
      return;
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new UsageError(
    `downloading ${spec.name}/${split} failed:\n${failures.map((failure) => `    ${failure}`).join('\n')}`,
  );
}

/** Checks decoded bytes of a canonical file: its format, then its digest when one is known. */
function checkDownloaded(
  spec: DatasetSpec,
  canonicalName: string,
  source: string,
  decoded: Uint8Array,
  verify: boolean,
): void {
  if (spec.format === 'idx') parseIdx(decoded, source);
  else countCifar10Records({ fileName: source, bytes: decoded });
  if (verify) checkDigest(spec.name, canonicalName, source, decoded);
}

async function downloadGzipFiles(
  spec: DatasetSpec,
  split: DatasetSplit,
  folder: string,
  baseUrl: string,
  options: DownloadIntoCacheOptions,
): Promise<void> {
  for (const canonicalName of spec.files[split]) {
    if (findFile(folder, canonicalName)) continue; // already cached by an earlier, partial run
    const url = `${baseUrl}${canonicalName}.gz`;
    const bytes = await downloadBytes(url, {
      task: `download ${spec.name}/${canonicalName}.gz`,
      onProgress: options.onProgress,
      retryDelaysMs: options.retryDelaysMs,
    });
    checkDownloaded(
      spec,
      canonicalName,
      url,
      decodeBytes(bytes, url),
      options.verifyChecksums ?? true,
    );
    writeFileAtomic(path.join(folder, `${canonicalName}.gz`), bytes);
  }
}

/** Downloads a tar.gz holding every split (CIFAR-10) and unpacks the canonical files of both. */
async function downloadTarGz(
  spec: DatasetSpec,
  archive: string,
  folder: string,
  baseUrl: string,
  options: DownloadIntoCacheOptions,
): Promise<void> {
  const url = `${baseUrl}${archive}`;
  const packed = await downloadBytes(url, {
    task: `download ${spec.name}/${archive}`,
    onProgress: options.onProgress,
    retryDelaysMs: options.retryDelaysMs,
  });
  const entries = readTarEntries(decodeBytes(packed, url), url);
  const byName = new Map(entries.map((entry) => [path.posix.basename(entry.path), entry.content]));
  const wanted = [...spec.files.train, ...spec.files.test];
  const missing = wanted.filter((name) => !byName.has(name));
  if (missing.length > 0) throw new UsageError(`${url}: the archive lacks ${missing.join(', ')}`);
  // Check every file before writing any, so a bad archive leaves the cache untouched.
  for (const name of wanted)
    checkDownloaded(
      spec,
      name,
      `${url}:${name}`,
      byName.get(name) as Uint8Array,
      options.verifyChecksums ?? true,
    );
  for (const name of wanted)
    writeFileAtomic(path.join(folder, name), byName.get(name) as Uint8Array);
}
