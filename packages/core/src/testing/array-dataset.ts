import * as tf from '@tensorflow/tfjs';
import type { LabeledBatch, LabeledDataset } from '../data/labeled-dataset';

/** A small in-memory LabeledDataset for tests and examples. */
export class ArrayDataset implements LabeledDataset {
  readonly size: number;

  constructor(
    readonly name: string,
    private readonly inputs: Float32Array,
    private readonly allLabels: Int32Array,
    readonly inputShape: readonly number[],
    readonly numClasses: number,
    private readonly order?: Int32Array,
  ) {
    this.size = order ? order.length : allLabels.length;
  }

  labels(): Int32Array {
    return this.order ? this.order.map((index) => this.allLabels[index]) : this.allLabels.slice();
  }

  *batches(batchSize: number, options: { indices?: Int32Array } = {}): Iterable<LabeledBatch> {
    const sampleSize = this.inputShape.reduce((product, size) => product * size, 1);
    const positions =
      options.indices ?? Int32Array.from({ length: this.size }, (_, index) => index);
    for (let start = 0; start < positions.length; start += batchSize) {
      const chunk = positions.subarray(start, start + batchSize);
      const values = new Float32Array(chunk.length * sampleSize);
      const labels = new Int32Array(chunk.length);
      chunk.forEach((position, row) => {
        const index = this.order ? this.order[position] : position;
        values.set(
          this.inputs.subarray(index * sampleSize, (index + 1) * sampleSize),
          row * sampleSize,
        );
        labels[row] = this.allLabels[index];
      });
      yield { x: tf.tensor(values, [chunk.length, ...this.inputShape]), labels };
    }
  }

  subset(indices: Int32Array, name?: string): LabeledDataset {
    const order = this.order
      ? indices.map((position) => (this.order as Int32Array)[position])
      : indices.slice();
    return new ArrayDataset(
      name ?? `${this.name}/subset`,
      this.inputs,
      this.allLabels,
      this.inputShape,
      this.numClasses,
      order,
    );
  }
}

/** A deterministic pseudo-random generator (mulberry32) for fixtures. */
export function seededRandom(seed: number): () => number {
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
 * Samples around one random prototype per class, in [0, 1]: separable, so a tiny model learns
 * it in a few steps, yet noisy enough that neurons differ between classes.
 */
export function makeSeparableDataset(options: {
  samplesPerClass: number;
  numClasses: number;
  inputShape: number[];
  seed: number;
  noise?: number;
}): ArrayDataset {
  const random = seededRandom(options.seed);
  const sampleSize = options.inputShape.reduce((product, size) => product * size, 1);
  const prototypes = Array.from({ length: options.numClasses }, () =>
    Float32Array.from({ length: sampleSize }, () => random()),
  );
  const total = options.samplesPerClass * options.numClasses;
  const inputs = new Float32Array(total * sampleSize);
  const labels = new Int32Array(total);
  const noise = options.noise ?? 0.3;
  for (let sample = 0; sample < total; sample++) {
    const label = sample % options.numClasses;
    labels[sample] = label;
    for (let feature = 0; feature < sampleSize; feature++) {
      const value = prototypes[label][feature] + noise * (random() - 0.5);
      inputs[sample * sampleSize + feature] = Math.min(1, Math.max(0, value));
    }
  }
  return new ArrayDataset('separable', inputs, labels, options.inputShape, options.numClasses);
}
