import * as tf from '@tensorflow/tfjs';

/**
 * Streams Σ f fᵀ and Σ f of feature vectors f over batches, in float64, so that the centred
 * cross-product C = F̃ᵀF̃ = Σ f fᵀ − n μ μᵀ of a whole data set is available without keeping its
 * features (SPEC §3). Each batch's product runs on the tfjs backend in float32 (a batch is small
 * enough for that); the running sums are float64, because the final subtraction cancels most
 * digits.
 */
export class CrossMomentAccumulator {
  private readonly sumOfProducts: Float64Array;
  private readonly sums: Float64Array;
  private sampleCount = 0;

  constructor(readonly features: number) {
    this.sumOfProducts = new Float64Array(features * features);
    this.sums = new Float64Array(features);
  }

  get samples(): number {
    return this.sampleCount;
  }

  /** Adds a batch of features, shape [batch, features]. Does not dispose it. */
  add(batch: tf.Tensor2D): void {
    const [batchSize, features] = batch.shape;
    if (features !== this.features) {
      throw new Error(`CrossMomentAccumulator: batch has ${features} features, expected ${this.features}`);
    }
    const [product, columnSums] = tf.tidy(() => [tf.matMul(batch, batch, true, false), tf.sum(batch, 0)]);
    const productValues = product.dataSync();
    const sumValues = columnSums.dataSync();
    tf.dispose([product, columnSums]);
    for (let index = 0; index < productValues.length; index++) this.sumOfProducts[index] += productValues[index];
    for (let index = 0; index < sumValues.length; index++) this.sums[index] += sumValues[index];
    this.sampleCount += batchSize;
  }

  /** Mean of each feature. */
  means(): Float64Array {
    return this.sums.map((sum) => (this.sampleCount > 0 ? sum / this.sampleCount : 0));
  }

  /** Σ f fᵀ (uncentred), features × features, row-major. */
  uncenteredProduct(): Float64Array {
    return this.sumOfProducts.slice();
  }

  /** C = Σ f fᵀ − n μ μᵀ, features × features, row-major. */
  centeredProduct(): Float64Array {
    const n = this.sampleCount;
    const means = this.means();
    const centered = new Float64Array(this.sumOfProducts.length);
    for (let i = 0; i < this.features; i++) {
      for (let j = 0; j < this.features; j++) {
        centered[i * this.features + j] = this.sumOfProducts[i * this.features + j] - n * means[i] * means[j];
      }
    }
    return centered;
  }
}
