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

  /** Adds a batch [batch, features]. Does not dispose it. */
  add(batch: tf.Tensor2D): void {
    const batchSize = batch.shape[0];
    if (batchSize === 0) return;
    const [batchMean, batchVariance] = tf.tidy(() => {
      const moments = tf.moments(batch, 0);
      return [moments.mean, moments.variance];
    });
    const meanValues = batchMean.dataSync();
    const varianceValues = batchVariance.dataSync();
    tf.dispose([batchMean, batchVariance]);
    const total = this.count + batchSize;
    for (let index = 0; index < this.features; index++) {
      const delta = meanValues[index] - this.mean[index];
      this.mean[index] += (delta * batchSize) / total;
      this.m2[index] +=
        varianceValues[index] * batchSize + (delta * delta * this.count * batchSize) / total;
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
