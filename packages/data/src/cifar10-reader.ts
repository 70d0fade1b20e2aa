import * as path from 'node:path';
import { UsageError } from '@neusemslice/core';
import { readDecodedFile } from './file-bytes';
import { InMemoryDataset } from './in-memory-dataset';

export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

const SIDE = 32;
const CHANNELS = 3;
const PIXELS_PER_IMAGE = SIDE * SIDE * CHANNELS;
/** One record of the binary version: 1 label byte, then 1024 red, 1024 green, 1024 blue bytes. */
export const CIFAR10_RECORD_BYTES = 1 + PIXELS_PER_IMAGE;

/** A file of the CIFAR-10 binary version, already decoded. */
export interface CifarBatchBytes {
  fileName: string;
  bytes: Uint8Array;
}

/** Number of records in a batch file; throws a UsageError unless it holds whole records. */
export function countCifar10Records({ fileName, bytes }: CifarBatchBytes): number {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new UsageError(
      `${fileName}: expected a positive multiple of ${CIFAR10_RECORD_BYTES} bytes (1 label byte + 3072 pixel bytes per image), got ${bytes.length}`,
    );
  }
  return bytes.length / CIFAR10_RECORD_BYTES;
}

/**
 * Builds one data set from CIFAR-10 binary batch files (e.g. data_batch_1..5.bin), in order.
 * Channel-first records are rearranged to channel-last [32, 32, 3] (the layout tfjs convolutions
 * expect), straight into one byte array without intermediate copies; the data set scales the
 * bytes to [0, 1] per batch.
 */
export function cifar10FromBatches(
  name: string,
  batches: readonly CifarBatchBytes[],
): InMemoryDataset {
  const counts = batches.map(countCifar10Records);
  const total = counts.reduce((sum, count) => sum + count, 0);
  const pixels = new Uint8Array(total * PIXELS_PER_IMAGE);
  const labels = new Int32Array(total);
  let image = 0;
  batches.forEach(({ fileName, bytes }, batch) => {
    for (let record = 0; record < counts[batch]; record++, image++) {
      const start = record * CIFAR10_RECORD_BYTES;
      const label = bytes[start];
      if (label >= CIFAR10_CLASS_NAMES.length) {
        throw new UsageError(`${fileName}: label of record ${record} is ${label}, expected 0 … 9`);
      }
      labels[image] = label;
      const output = image * PIXELS_PER_IMAGE;
      for (let channel = 0; channel < CHANNELS; channel++) {
        const plane = start + 1 + channel * SIDE * SIDE;
        for (let pixel = 0; pixel < SIDE * SIDE; pixel++) {
          pixels[output + pixel * CHANNELS + channel] = bytes[plane + pixel];
        }
      }
    }
  });
  return new InMemoryDataset({
    name,
    pixels,
    labels,
    inputShape: [SIDE, SIDE, CHANNELS],
    numClasses: CIFAR10_CLASS_NAMES.length,
    classNames: CIFAR10_CLASS_NAMES,
  });
}

/** Reads CIFAR-10 binary batch files (raw or gzipped) into one data set. */
export function readCifar10Files(name: string, filePaths: readonly string[]): InMemoryDataset {
  return cifar10FromBatches(
    name,
    filePaths.map((filePath) => ({
      fileName: path.basename(filePath),
      bytes: readDecodedFile(filePath).bytes,
    })),
  );
}
