import { UsageError } from '@neusemslice/core';
import { InMemoryDataset } from './in-memory-dataset';
import type { IdxArray } from './idx-reader';
import { bytesToUnitFloats } from './pixel-scale';

/** An IDX array together with the file name that labels its errors. */
export interface NamedIdx {
  fileName: string;
  idx: IdxArray;
}

/**
 * Builds a data set from an IDX image file ([count, rows, cols], uint8) and an IDX label file
 * ([count], uint8), as MNIST and Fashion-MNIST ship them. Pixels are scaled to [0, 1] and each
 * image gets a channel axis: [rows, cols, 1].
 */
export function datasetFromIdx(options: {
  name: string;
  images: NamedIdx;
  labels: NamedIdx;
  numClasses: number;
  classNames?: readonly string[];
}): InMemoryDataset {
  const { images, labels, numClasses } = options;
  if (images.idx.dataType !== 'uint8' || images.idx.dims.length !== 3) {
    throw new UsageError(
      `${images.fileName}: expected uint8 images of shape [count, rows, cols], got ${images.idx.dataType} [${images.idx.dims.join(', ')}]`,
    );
  }
  if (labels.idx.dataType !== 'uint8' || labels.idx.dims.length !== 1) {
    throw new UsageError(
      `${labels.fileName}: expected uint8 labels of shape [count], got ${labels.idx.dataType} [${labels.idx.dims.join(', ')}]`,
    );
  }
  const [count, rows, cols] = images.idx.dims;
  if (labels.idx.dims[0] !== count) {
    throw new UsageError(
      `${labels.fileName}: expected ${count} labels (one per image of ${images.fileName}), got ${labels.idx.dims[0]}`,
    );
  }
  const labelValues = Int32Array.from(labels.idx.values);
  const badAt = labelValues.findIndex((label) => label >= numClasses);
  if (badAt >= 0) {
    throw new UsageError(
      `${labels.fileName}: label ${badAt} is ${labelValues[badAt]}, expected 0 … ${numClasses - 1}`,
    );
  }
  return new InMemoryDataset({
    name: options.name,
    pixels: bytesToUnitFloats(images.idx.values as Uint8Array),
    labels: labelValues,
    inputShape: [rows, cols, 1],
    numClasses,
    classNames: options.classNames,
  });
}
