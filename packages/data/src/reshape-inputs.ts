import * as tf from '@tensorflow/tfjs';
import { type LabeledBatch, type LabeledDataset, UsageError } from '@neusemslice/core';
import { InMemoryDataset } from './in-memory-dataset';

/**
 * The same data set with every sample viewed as `inputShape` (row-major, so `[784]` flattens a
 * 28x28x1 image the way a Flatten layer does). The element count must match. An InMemoryDataset
 * gives a view over the same stored samples; any other data set is wrapped batch by batch.
 */
export function reshapeInputs<T extends LabeledDataset>(
  data: T,
  inputShape: readonly number[],
): T extends InMemoryDataset ? InMemoryDataset : LabeledDataset;
export function reshapeInputs(data: LabeledDataset, inputShape: readonly number[]): LabeledDataset {
  if (!inputShape.every((size) => Number.isInteger(size) && size > 0)) {
    throw new UsageError(`input shape must hold positive integers, got [${inputShape.join(', ')}]`);
  }
  const count = (shape: readonly number[]): number =>
    shape.reduce((product, size) => product * size, 1);
  if (count(inputShape) !== count(data.inputShape)) {
    throw new UsageError(
      `${data.name}: samples of shape [${data.inputShape.join(', ')}] (${count(data.inputShape)} values) cannot be reshaped to [${inputShape.join(', ')}] (${count(inputShape)} values)`,
    );
  }
  if (data instanceof InMemoryDataset) return data.withInputShape(inputShape);
  return new ReshapedDataset(data, [...inputShape]);
}

/** A data set whose batches are reshaped on the way out (reshape shares the tensor's data). */
class ReshapedDataset implements LabeledDataset {
  constructor(
    private readonly inner: LabeledDataset,
    readonly inputShape: readonly number[],
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get size(): number {
    return this.inner.size;
  }

  get numClasses(): number {
    return this.inner.numClasses;
  }

  get classNames(): readonly string[] | undefined {
    return this.inner.classNames;
  }

  labels(): Int32Array {
    return this.inner.labels();
  }

  *batches(batchSize: number, options?: { indices?: Int32Array }): Iterable<LabeledBatch> {
    for (const batch of this.inner.batches(batchSize, options)) {
      const x = tf.reshape(batch.x, [batch.labels.length, ...this.inputShape]);
      batch.x.dispose();
      yield { x, labels: batch.labels };
    }
  }

  subset(indices: Int32Array, name?: string): LabeledDataset {
    return new ReshapedDataset(this.inner.subset(indices, name), this.inputShape);
  }
}
