import * as tf from '@tensorflow/tfjs';
import type { LabeledDataset } from '@neusemslice/core';
import { InMemoryDataset } from './in-memory-dataset';
import { reshapeInputs } from './reshape-inputs';

function imageDataset(): InMemoryDataset {
  return new InMemoryDataset({
    name: 'images',
    pixels: Uint8Array.from({ length: 3 * 4 }, (_, index) => index * 20),
    labels: Int32Array.from([0, 1, 1]),
    inputShape: [2, 2, 1],
    numClasses: 2,
  });
}

/** A data set that is not an InMemoryDataset, to exercise the batch-by-batch wrapper. */
function wrapped(inner: InMemoryDataset): LabeledDataset {
  return {
    name: inner.name,
    size: inner.size,
    inputShape: inner.inputShape,
    numClasses: inner.numClasses,
    labels: () => inner.labels(),
    batches: (batchSize, options) => inner.batches(batchSize, options),
    subset: (indices, name) => wrapped(inner.subset(indices, name)),
  };
}

describe('reshapeInputs', () => {
  it.each([
    ['an InMemoryDataset', (data: InMemoryDataset): LabeledDataset => data],
    ['any other data set', wrapped],
  ])('flattens the samples of %s row-major, subsets included, without leaking', (_, make) => {
    const original = make(imageDataset());
    const flat = reshapeInputs(original, [4]);
    expect(flat.inputShape).toEqual([4]);
    const before = tf.memory().numTensors;
    const subset = flat.subset(Int32Array.from([2, 0]));
    for (let pass = 0; pass < 2; pass++) {
      const [flatBatch] = [...subset.batches(8)];
      const [imageBatch] = [...original.subset(Int32Array.from([2, 0])).batches(8)];
      expect(flatBatch.x.shape).toEqual([2, 4]);
      expect(flatBatch.x.dataSync()).toEqual(imageBatch.x.dataSync());
      expect(Array.from(flatBatch.labels)).toEqual([1, 0]);
      tf.dispose([flatBatch.x, imageBatch.x]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a shape with another element count, naming both shapes', () => {
    expect(() => reshapeInputs(imageDataset(), [5])).toThrow(
      'images: samples of shape [2, 2, 1] (4 values) cannot be reshaped to [5] (5 values)',
    );
    expect(() => reshapeInputs(imageDataset(), [0, 4])).toThrow(/positive integers/);
  });
});
