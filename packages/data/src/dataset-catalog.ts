import { UsageError } from '@neusemslice/core';
import { CIFAR10_CLASS_NAMES } from './cifar10-reader';

export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';
export type DatasetSplit = 'train' | 'test';

export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'cifar10'];
export const DATASET_SPLITS: readonly DatasetSplit[] = ['train', 'test'];

/** Where and how a data set is published. */
export type DownloadSpec =
  /** One gzipped file per canonical file: `<baseUrl><name>.gz`. */
  | { kind: 'gzip-files'; baseUrls: readonly string[] }
  /** One gzipped tar holding every split: `<baseUrl><archive>`. */
  | { kind: 'tar-gz'; baseUrls: readonly string[]; archive: string };

/** What the loader needs to know about one data set. */
export interface DatasetSpec {
  name: DatasetName;
  format: 'idx' | 'cifar10-binary';
  numClasses: number;
  classNames: readonly string[];
  /** Canonical (decoded) file names per split; for IDX: [images, labels]. */
  files: Record<DatasetSplit, readonly string[]>;
  /** Folders, relative to a data directory, that may hold the files (the directory itself is tried last). */
  folders: readonly string[];
  download: DownloadSpec;
}

const IDX_FILES: Record<DatasetSplit, readonly string[]> = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
};

export const DATASETS: Record<DatasetName, DatasetSpec> = {
  mnist: {
    name: 'mnist',
    format: 'idx',
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    files: IDX_FILES,
    folders: ['mnist', 'MNIST/raw'],
    // The mirror torchvision uses (the original yann.lecun.com host is no longer reliable).
    download: { kind: 'gzip-files', baseUrls: ['https://ossci-datasets.s3.amazonaws.com/mnist/'] },
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    format: 'idx',
    numClasses: 10,
    classNames: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
    files: IDX_FILES,
    folders: ['fashion-mnist', 'FashionMNIST/raw'],
    download: {
      kind: 'gzip-files',
      baseUrls: [
        'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
        'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
      ],
    },
  },
  cifar10: {
    name: 'cifar10',
    format: 'cifar10-binary',
    numClasses: 10,
    classNames: CIFAR10_CLASS_NAMES,
    files: {
      train: [
        'data_batch_1.bin',
        'data_batch_2.bin',
        'data_batch_3.bin',
        'data_batch_4.bin',
        'data_batch_5.bin',
      ],
      test: ['test_batch.bin'],
    },
    folders: ['cifar10/cifar-10-batches-bin', 'cifar10', 'cifar-10-batches-bin'],
    download: {
      kind: 'tar-gz',
      baseUrls: ['https://www.cs.toronto.edu/~kriz/'],
      archive: 'cifar-10-binary.tar.gz',
    },
  },
};

/** True for the names of the data sets this package knows (anything else may be a path). */
export function isDatasetName(value: string): value is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(value);
}

/** The spec of a data set; throws a UsageError naming the known ones for anything else. */
export function datasetSpec(name: string): DatasetSpec {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown data set '${name}', expected ${DATASET_NAMES.join(' | ')}`);
  }
  return DATASETS[name as DatasetName];
}

export function checkSplit(split: string): DatasetSplit {
  if (!(DATASET_SPLITS as readonly string[]).includes(split)) {
    throw new UsageError(`unknown split '${split}', expected ${DATASET_SPLITS.join(' | ')}`);
  }
  return split as DatasetSplit;
}
