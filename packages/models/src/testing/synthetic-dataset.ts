import * as tf from '@tensorflow/tfjs';
import type { LabeledBatch, LabeledDataset } from '@neusemslice/core';

/**
 * A small in-memory LabeledDataset for this package's tests and examples. It keeps every sample
 * in one Float32Array and copies a batch out when asked, so views made by `subset` are free.
 */
export class SyntheticDataset implements LabeledDataset {
  readonly size: number;

  constructor(
    readonly name: string,
    private readonly samples: Float32Array,
    private readonly sampleLabels: Int32Array,
    readonly inputShape: readonly number[],
    readonly numClasses: number,
    /** Positions of the samples this view holds, in order; all samples when undefined. */
    private readonly order?: Int32Array,
  ) {
    this.size = order ? order.length : sampleLabels.length;
  }

  labels(): Int32Array {
    return this.order
      ? this.order.map((index) => this.sampleLabels[index])
      : this.sampleLabels.slice();
  }

  *batches(batchSize: number, options: { indices?: Int32Array } = {}): Iterable<LabeledBatch> {
    const valuesPerSample = this.inputShape.reduce((product, size) => product * size, 1);
    const positions =
      options.indices ?? Int32Array.from({ length: this.size }, (_, index) => index);
    for (let start = 0; start < positions.length; start += batchSize) {
      const chunk = positions.subarray(start, start + batchSize);
      const values = new Float32Array(chunk.length * valuesPerSample);
      const labels = new Int32Array(chunk.length);
      chunk.forEach((position, row) => {
        const index = this.order ? this.order[position] : position;
        values.set(
          this.samples.subarray(index * valuesPerSample, (index + 1) * valuesPerSample),
          row * valuesPerSample,
        );
        labels[row] = this.sampleLabels[index];
      });
      yield { x: tf.tensor(values, [chunk.length, ...this.inputShape]), labels };
    }
  }

  subset(indices: Int32Array, name?: string): LabeledDataset {
    const order = this.order
      ? indices.map((position) => (this.order as Int32Array)[position])
      : indices.slice();
    return new SyntheticDataset(
      name ?? `${this.name}/subset`,
      this.samples,
      this.sampleLabels,
      this.inputShape,
      this.numClasses,
      order,
    );
  }
}

/** mulberry32: a tiny deterministic generator of numbers in [0, 1) for fixtures. */
function fixtureRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Samples scattered around one random prototype per class, clipped to [0, 1]: linearly separable
 * when `noise` is small, so a tiny model learns it in a few epochs. Labels cycle 0, 1, … so
 * every prefix is balanced.
 */
export function makeSeparableDataset(options: {
  samplesPerClass: number;
  numClasses: number;
  inputShape: number[];
  seed: number;
  /** Width of the uniform noise added to each value; default 0.5. */
  noise?: number;
  name?: string;
}): SyntheticDataset {
  const random = fixtureRandom(options.seed);
  const valuesPerSample = options.inputShape.reduce((product, size) => product * size, 1);
  const prototypes = Array.from({ length: options.numClasses }, () =>
    Float32Array.from({ length: valuesPerSample }, () => random()),
  );
  const sampleCount = options.samplesPerClass * options.numClasses;
  const samples = new Float32Array(sampleCount * valuesPerSample);
  const labels = new Int32Array(sampleCount);
  const noise = options.noise ?? 0.5;
  for (let sample = 0; sample < sampleCount; sample++) {
    const label = sample % options.numClasses;
    labels[sample] = label;
    for (let value = 0; value < valuesPerSample; value++) {
      const noisy = prototypes[label][value] + noise * (random() - 0.5);
      samples[sample * valuesPerSample + value] = Math.min(1, Math.max(0, noisy));
    }
  }
  return new SyntheticDataset(
    options.name ?? 'separable',
    samples,
    labels,
    options.inputShape,
    options.numClasses,
  );
}
