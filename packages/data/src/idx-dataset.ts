import { UsageError } from '@neusemslice/core';
import { InMemoryDataset } from './in-memory-dataset';
import type { IdxArray } from './idx-reader';
import { labelsFromValues, samplesFromValues } from './user-arrays';

/** An IDX array together with the file name that labels its errors. */
export interface NamedIdx {
  fileName: string;
  idx: IdxArray;
}

/**
 * Builds a data set from an IDX image file and an IDX label file, as MNIST and Fashion-MNIST
 * ship them: images [count, rows, cols] get a channel axis ([rows, cols, 1]); [count, features]
 * and [count, rows, cols, channels] are taken as they are. uint8 images stay bytes in memory and
 * are scaled to [0, 1] per batch; other types are used as float32 values unchanged. Labels are
 * integers of shape [count]; `numClasses` defaults to the largest label + 1.
 */
export function datasetFromIdx(options: {
  name: string;
  images: NamedIdx;
  labels: NamedIdx;
  numClasses?: number;
  classNames?: readonly string[];
}): InMemoryDataset {
  const { images, labels } = options;
  if (images.idx.dims.length < 2) {
    throw new UsageError(
      `${images.fileName}: expected images of shape [count, rows, cols] (or [count, features], [count, rows, cols, channels]), got ${images.idx.dataType} [${images.idx.dims.join(', ')}]`,
    );
  }
  if (labels.idx.dims.length !== 1) {
    throw new UsageError(
      `${labels.fileName}: expected labels of shape [count], got ${labels.idx.dataType} [${labels.idx.dims.join(', ')}]`,
    );
  }
  const count = images.idx.dims[0];
  if (labels.idx.dims[0] !== count) {
    throw new UsageError(
      `${labels.fileName}: expected ${count} labels (one per image of ${images.fileName}), got ${labels.idx.dims[0]}`,
    );
  }
  const labelValues = labelsFromValues(labels.idx.values, labels.fileName);
  const numClasses = options.numClasses ?? numClassesOf(labelValues);
  const badAt = labelValues.findIndex((label) => label >= numClasses);
  if (badAt >= 0) {
    throw new UsageError(
      `${labels.fileName}: label ${badAt} is ${labelValues[badAt]}, expected 0 … ${numClasses - 1}`,
    );
  }
  const sampleShape = images.idx.dims.slice(1);
  return new InMemoryDataset({
    name: options.name,
    pixels: samplesFromValues(images.idx.values),
    labels: labelValues,
    inputShape: sampleShape.length === 2 ? [...sampleShape, 1] : sampleShape,
    numClasses,
    classNames: options.classNames,
  });
}

/** The number of classes labels imply: the largest label + 1 (at least 1). */
export function numClassesOf(...labelSets: Int32Array[]): number {
  let largest = 0;
  for (const labels of labelSets) for (const label of labels) largest = Math.max(largest, label);
  return largest + 1;
}
