import * as tf from '@tensorflow/tfjs';

/**
 * Per-neuron mean and population variance streamed over batches (Chan et al.'s parallel form of
 * Welford's update): O(neurons) memory, numerically stable, float64.
 */
export class RunningMoments {
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private count = 0;

  constructor(readonly features: number) {
    this.mean = new Float64Array(features);
    this.m2 = new Float64Array(features);
  }

  get samples(): number {
    return this.count;
  }

  /**
   * Adds a batch [batch, features]. Does not dispose it. The batch's own mean and spread are
   * summed in float64 too: float32 batch moments give a constant neuron a variance of ~1e-16,
   * which min-max normalisation (ens) would blow up to a whole score range.
   */
  add(batch: tf.Tensor2D): void {
    const batchSize = batch.shape[0];
    if (batchSize === 0) return;
    const values = batch.dataSync();
    const total = this.count + batchSize;
    for (let feature = 0; feature < this.features; feature++) {
      let sum = 0;
      for (let row = 0; row < batchSize; row++) sum += values[row * this.features + feature];
      const batchMean = sum / batchSize;
      let batchM2 = 0;
      for (let row = 0; row < batchSize; row++) {
        const deviation = values[row * this.features + feature] - batchMean;
        batchM2 += deviation * deviation;
      }
      const delta = batchMean - this.mean[feature];
      this.mean[feature] += (delta * batchSize) / total;
      this.m2[feature] += batchM2 + (delta * delta * this.count * batchSize) / total;
    }
    this.count = total;
  }

  means(): Float64Array {
    return this.mean.slice();
  }

  /** Population variance (divides by n). */
  variances(): Float64Array {
    return this.m2.map((value) => (this.count > 0 ? value / this.count : 0));
  }
}
