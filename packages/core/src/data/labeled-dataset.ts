import type * as tf from '@tensorflow/tfjs';

/** One batch of a labelled data set. The caller owns `x` and must dispose it. */
export interface LabeledBatch {
  /** float32 inputs, shape [batchSize, ...inputShape]. */
  x: tf.Tensor;
  /** Class index of every sample in the batch, length batchSize. */
  labels: Int32Array;
}

/**
 * A labelled data set that can be streamed in batches. Metrics, slicers and trainers only ever
 * see one batch at a time, so memory does not grow with the data set's size.
 * `@neusemslice/data` provides the in-memory implementation; users may supply their own.
 */
export interface LabeledDataset {
  /** A short name for reports, e.g. `mnist/train`. */
  readonly name: string;
  /** Number of samples. */
  readonly size: number;
  /** Shape of one sample, without the batch axis, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** Number of classes of the task (labels are 0 … numClasses-1). */
  readonly numClasses: number;
  /** Human-readable class names, indexed by label, when known. */
  readonly classNames?: readonly string[];
  /** The label of every sample, in order. */
  labels(): Int32Array;
  /** Streams the samples in order (or in the order of `indices`), `batchSize` at a time. */
  batches(batchSize: number, options?: { indices?: Int32Array }): Iterable<LabeledBatch>;
  /** A view holding only the samples at `indices` (no copy of the samples is required). */
  subset(indices: Int32Array, name?: string): LabeledDataset;
  /**
   * Optional fast path for copying samples out without tensors (the worker pool uses it to share
   * an item's samples with its workers): writes the inputs of the samples at `indices`, the same
   * float32 values `batches` yields, into `inputs` from sample `offset` on (`offset × sample
   * size`), and their labels into `labels` from `offset`. Without it, `batches` is used.
   */
  copySamplesInto?(
    indices: Int32Array,
    inputs: Float32Array,
    labels: Int32Array,
    offset: number,
  ): void;
}

/** Indices of the samples of each class, in data-set order. */
export function indicesByClass(data: LabeledDataset): Int32Array[] {
  const labels = data.labels();
  const counts = new Array<number>(data.numClasses).fill(0);
  for (const label of labels) counts[label]++;
  const byClass = counts.map((count) => new Int32Array(count));
  const filled = new Array<number>(data.numClasses).fill(0);
  labels.forEach((label, index) => {
    byClass[label][filled[label]++] = index;
  });
  return byClass;
}

/** The first `count` samples of a data set (all of it when `count` is undefined or larger). */
export function firstSamples(data: LabeledDataset, count?: number): LabeledDataset {
  if (count === undefined || count >= data.size) return data;
  return data.subset(
    Int32Array.from({ length: count }, (_, index) => index),
    `${data.name}[0:${count}]`,
  );
}
