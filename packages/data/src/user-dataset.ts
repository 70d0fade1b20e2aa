import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@neusemslice/core';
import type { DatasetSplit } from './dataset-catalog';
import { decodeBytes, isGzip } from './file-bytes';
import { InMemoryDataset } from './in-memory-dataset';
import { datasetFromIdx, numClassesOf } from './idx-dataset';
import { parseIdx } from './idx-reader';
import { type NpyArray, parseNpy } from './npy-reader';
import { openNpz } from './npz-reader';
import { checkListedDigest, findChecksumList } from './user-checksums';
import { labelsFromValues, samplesFromValues } from './user-arrays';

/** The arrays (or files) of one split: samples `x` and labels `y`. */
interface SplitFiles {
  x: string;
  y: string;
}

/** How a user's data set is laid out on disk, as found by describeUserDataset. */
export type UserDatasetLayout =
  | { kind: 'idx-directory'; location: string; splits: Record<DatasetSplit, SplitFiles> }
  | { kind: 'npy-directory'; location: string; splits: Record<DatasetSplit, SplitFiles> }
  | { kind: 'npz-archive'; location: string; splits: Record<DatasetSplit, SplitFiles> };

export interface UserDatasetOptions {
  /** A `sha256sum` listing to check every file read against (default: SHA256SUMS beside the data). */
  checksumsFile?: string;
  /** Check the files against the checksum list, when there is one (default true). */
  verifyChecksums?: boolean;
  /** Notes for the user, e.g. that one x/y pair serves as both splits. */
  log?: (line: string) => void;
}

const SPLIT_WORDS: Record<DatasetSplit, readonly string[]> = {
  train: ['train'],
  test: ['test', 't10k'],
};

/** What `--dataset` accepts as a path, for messages. */
export const USER_DATASET_FORMS =
  'a directory of IDX files (train/test images and labels, gzipped or not), a directory of .npy files (x.npy + y.npy, or train_x, train_y, test_x, test_y) or an .npz archive (x, y or x_train, y_train, x_test, y_test)';

/**
 * Finds the files of a user's data set at `location`: an `.npz` archive, or a directory of
 * `.npy` files or of IDX files. Throws a UsageError saying what was found and what is expected.
 */
export function describeUserDataset(location: string): UserDatasetLayout {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(location);
  } catch {
    throw new UsageError(
      `data set path ${location} does not exist (expected ${USER_DATASET_FORMS})`,
    );
  }
  if (stats.isFile()) {
    if (!location.toLowerCase().endsWith('.npz')) {
      throw new UsageError(
        `data set path ${location} is a file but not an .npz archive (expected ${USER_DATASET_FORMS})`,
      );
    }
    const archive = openNpz(readBytes(location), location);
    const splits = pickSplitArrays(new Set(archive.names), location);
    return { kind: 'npz-archive', location, splits };
  }
  const names = fs
    .readdirSync(location)
    .filter((name) => fs.statSync(path.join(location, name)).isFile());
  const npyNames = new Set(
    names.filter((name) => name.endsWith('.npy')).map((name) => name.slice(0, -'.npy'.length)),
  );
  if (npyNames.size > 0) {
    const splits = pickSplitArrays(npyNames, location);
    const toFile = (name: string): string => path.join(location, `${name}.npy`);
    return {
      kind: 'npy-directory',
      location,
      splits: {
        train: { x: toFile(splits.train.x), y: toFile(splits.train.y) },
        test: { x: toFile(splits.test.x), y: toFile(splits.test.y) },
      },
    };
  }
  return { kind: 'idx-directory', location, splits: pickIdxFiles(location, names) };
}

/** The x/y array names of each split: x_train/train_x … when present, else x and y for both. */
function pickSplitArrays(
  names: ReadonlySet<string>,
  location: string,
): Record<DatasetSplit, SplitFiles> {
  const find = (role: 'x' | 'y', split: DatasetSplit): string | undefined =>
    [`${role}_${split}`, `${split}_${role}`].find((name) => names.has(name));
  const perSplit = (split: DatasetSplit): SplitFiles | undefined => {
    const x = find('x', split);
    const y = find('y', split);
    return x && y ? { x, y } : undefined;
  };
  const train = perSplit('train');
  const test = perSplit('test');
  if (train && test) return { train, test };
  if (names.has('x') && names.has('y'))
    return { train: { x: 'x', y: 'y' }, test: { x: 'x', y: 'y' } };
  throw new UsageError(
    `${location}: expected arrays x and y, or x_train, y_train, x_test, y_test (or train_x … test_y); found ${[...names].join(', ') || 'none'}`,
  );
}

/** The IDX image and label files of each split, recognised by words in their names. */
function pickIdxFiles(
  directory: string,
  names: readonly string[],
): Record<DatasetSplit, SplitFiles> {
  const idxNames = names.filter((name) => /(ubyte|\.idx)(\.gz)?$/i.test(name));
  const words = (name: string): string[] => name.toLowerCase().split(/[-_.]/);
  const pick = (split: DatasetSplit, kind: 'images' | 'labels'): string => {
    const matches = idxNames.filter((name) => {
      const parts = words(name);
      return (
        SPLIT_WORDS[split].some((word) => parts.includes(word)) &&
        parts.some((part) => part === kind || part === kind.slice(0, -1))
      );
    });
    // foo and foo.gz side by side: the same file twice, take the unpacked one.
    const unique = matches.filter(
      (name) => !(name.endsWith('.gz') && matches.includes(name.slice(0, -3))),
    );
    if (unique.length !== 1) {
      throw new UsageError(
        `${directory}: expected one IDX ${split} ${kind} file (a name with '${SPLIT_WORDS[split].join("' or '")}' and '${kind}', e.g. ${split === 'train' ? 'train' : 't10k'}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte[.gz]), found ${unique.length > 0 ? unique.join(', ') : 'none'}` +
          (idxNames.length === 0
            ? `; the directory holds no IDX or .npy files (expected ${USER_DATASET_FORMS})`
            : ''),
      );
    }
    return path.join(directory, unique[0]);
  };
  return {
    train: { x: pick('train', 'images'), y: pick('train', 'labels') },
    test: { x: pick('test', 'images'), y: pick('test', 'labels') },
  };
}

function readBytes(filePath: string): Uint8Array {
  try {
    const raw = fs.readFileSync(filePath);
    return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  } catch (error) {
    throw new UsageError(`cannot read ${filePath}: ${(error as Error).message}`);
  }
}

/**
 * Loads one split of a user's data set (see describeUserDataset). The class count is the largest
 * label of both splits + 1. Every file read is checked against the checksum list when there is one.
 * uint8 samples stay bytes and are scaled to [0, 1] per batch, as for the published image sets;
 * other types are used as float32 values unchanged. Images [count, rows, cols] get a channel axis.
 */
export function loadUserDataset(
  location: string,
  split: DatasetSplit,
  options: UserDatasetOptions = {},
): InMemoryDataset {
  const layout = describeUserDataset(location);
  const checksums =
    options.verifyChecksums === false
      ? undefined
      : findChecksumList(
          layout.kind === 'npz-archive' ? path.dirname(location) : location,
          options.checksumsFile,
        );
  const read = (filePath: string): Uint8Array => {
    const bytes = readBytes(filePath);
    if (checksums) checkListedDigest(checksums, filePath, bytes);
    return bytes;
  };
  const name = `${path.basename(path.resolve(location)).replace(/\.npz$/i, '')}/${split}`;
  const other: DatasetSplit = split === 'train' ? 'test' : 'train';
  const files = layout.splits[split];
  if (files.x === layout.splits[other].x) {
    options.log?.(
      `${location}: ${files.x} and ${files.y} have no train/test split; both splits use all their samples`,
    );
  }
  if (layout.kind === 'idx-directory') {
    const idxOf = (filePath: string): ReturnType<typeof parseIdx> => {
      const raw = read(filePath);
      const label = `${path.basename(filePath)}${isGzip(raw) ? ' (after gunzip)' : ''}`;
      return parseIdx(decodeBytes(raw, path.basename(filePath)), label);
    };
    const labels = idxOf(files.y);
    const otherLabels = idxOf(layout.splits[other].y);
    return datasetFromIdx({
      name,
      images: { fileName: path.basename(files.x), idx: idxOf(files.x) },
      labels: { fileName: path.basename(files.y), idx: labels },
      numClasses: numClassesOf(
        labelsFromValues(labels.values, files.y),
        labelsFromValues(otherLabels.values, layout.splits[other].y),
      ),
    });
  }
  const arrayOf =
    layout.kind === 'npz-archive'
      ? (() => {
          const archive = openNpz(read(location), location);
          return (arrayName: string): { array: NpyArray; source: string } => ({
            array: archive.read(arrayName),
            source: `${location}: ${arrayName}`,
          });
        })()
      : (filePath: string): { array: NpyArray; source: string } => ({
          array: parseNpy(read(filePath), filePath),
          source: filePath,
        });
  const x = arrayOf(files.x);
  const y = labelsOfArray(arrayOf(files.y));
  const otherY =
    files.y === layout.splits[other].y ? y : labelsOfArray(arrayOf(layout.splits[other].y));
  return datasetFromArrays(name, x, { labels: y, source: files.y }, numClassesOf(y, otherY));
}

function labelsOfArray({ array, source }: { array: NpyArray; source: string }): Int32Array {
  const { shape } = array;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw new UsageError(
      `${source}: expected labels of shape (count,) or (count, 1), got (${shape.join(', ')})` +
        (shape.length === 2 ? '; for one-hot labels save np.argmax(y, axis=1)' : ''),
    );
  }
  return labelsFromValues(array.values, source);
}

function datasetFromArrays(
  name: string,
  x: { array: NpyArray; source: string },
  y: { labels: Int32Array; source: string },
  numClasses: number,
): InMemoryDataset {
  const { shape } = x.array;
  if (shape.length < 2 || shape.slice(1).some((size) => size < 1)) {
    throw new UsageError(
      `${x.source}: expected samples of shape (count, features…), e.g. (n, 784) or (n, 28, 28), got (${shape.join(', ')})`,
    );
  }
  if (shape[0] !== y.labels.length) {
    throw new UsageError(
      `${y.source}: expected ${shape[0]} labels (one per sample of ${x.source}), got ${y.labels.length}`,
    );
  }
  const sampleShape = shape.slice(1);
  return new InMemoryDataset({
    name,
    pixels: samplesFromValues(x.array.values),
    labels: y.labels,
    inputShape: sampleShape.length === 2 ? [...sampleShape, 1] : sampleShape,
    numClasses,
  });
}
