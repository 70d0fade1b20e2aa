import * as tf from '@tensorflow/tfjs';
import { CompensatedTensorSum } from './compensated-sum';

/**
 * Everything a CrossMomentAccumulator holds, as plain typed arrays: what a worker, process or
 * machine that streamed one shard of the samples ships back to be merged.
 */
export interface CrossMomentState {
  features: number;
  samples: number;
  /** The shift s the sums are taken about (the first batch's means), or null when empty. */
  shift: Float32Array | null;
  /** Σ (f−s)(f−s)ᵀ, features × features, row-major, float64. */
  sumOfProducts: Float64Array;
  /** Σ (f−s), float64. */
  sums: Float64Array;
}

/**
 * Streams Σ f fᵀ and Σ f of feature vectors f over batches, in float64, so that the centred
 * cross-product C = F̃ᵀF̃ = Σ f fᵀ − n μ μᵀ of a whole data set is available without keeping its
 * features (SPEC §3). Each batch's product runs on the tfjs backend in float32 (a batch is small
 * enough for that); the running sums are float64, because the final subtraction cancels most
 * digits. Between reads, the batches' products and sums are summed on the backend in
 * compensated float32 (`CompensatedTensorSum`, ≈ 2⁻⁴⁸ relative) and added to the float64 sums
 * when read, so no batch waits for a read-back: after `add`, the accumulator holds up to four
 * tensors until a read (`state`, `merge`, `means`, the products) or `dispose`.
 */
export class CrossMomentAccumulator {
  private readonly sumOfProducts: Float64Array;
  private readonly sums: Float64Array;
  private readonly pendingProducts = new CompensatedTensorSum();
  private readonly pendingSums = new CompensatedTensorSum();
  private sampleCount = 0;
  private shift?: Float32Array;

  constructor(readonly features: number) {
    this.sumOfProducts = new Float64Array(features * features);
    this.sums = new Float64Array(features);
  }

  get samples(): number {
    return this.sampleCount;
  }

  /** Moves the sums pending on the backend into the float64 sums. */
  private drain(): void {
    this.pendingProducts.drainInto(this.sumOfProducts);
    this.pendingSums.drainInto(this.sums);
  }

  /** Frees the tensors of sums not read yet (for an accumulator given up before any read). */
  dispose(): void {
    this.pendingProducts.dispose();
    this.pendingSums.dispose();
  }

  /** A copy of the running sums, to ship to the thread or machine that merges shards. */
  state(): CrossMomentState {
    this.drain();
    return {
      features: this.features,
      samples: this.sampleCount,
      shift: this.shift ? this.shift.slice() : null,
      sumOfProducts: this.sumOfProducts.slice(),
      sums: this.sums.slice(),
    };
  }

  /** An accumulator holding a shipped state (merge more shards into it with `merge`). */
  static fromState(state: CrossMomentState): CrossMomentAccumulator {
    const accumulator = new CrossMomentAccumulator(state.features);
    accumulator.merge(state);
    return accumulator;
  }

  /**
   * Adds the sums of another shard of samples, as if its batches had been added here. Exact up
   * to float64 reassociation when both shards used the same shift; otherwise the other shard's
   * sums are moved to this shift first: with d = t − s,
   * Σ(f−s)(f−s)ᵀ = Σ(f−t)(f−t)ᵀ + d Σ(f−t)ᵀ + Σ(f−t) dᵀ + n d dᵀ and Σ(f−s) = Σ(f−t) + n d.
   */
  merge(other: CrossMomentAccumulator | CrossMomentState): void {
    const shard = other instanceof CrossMomentAccumulator ? other.state() : other;
    if (shard.features !== this.features) {
      throw new Error(
        `CrossMomentAccumulator: cannot merge a shard of ${shard.features} features into ${this.features}`,
      );
    }
    if (shard.samples === 0 || !shard.shift) return;
    this.drain();
    if (!this.shift) this.shift = shard.shift.slice();
    const n = shard.samples;
    const features = this.features;
    const offset = new Float64Array(features);
    for (let i = 0; i < features; i++) offset[i] = shard.shift[i] - this.shift[i];
    for (let i = 0; i < features; i++) {
      for (let j = 0; j < features; j++) {
        this.sumOfProducts[i * features + j] +=
          shard.sumOfProducts[i * features + j] +
          offset[i] * shard.sums[j] +
          shard.sums[i] * offset[j] +
          n * offset[i] * offset[j];
      }
      this.sums[i] += shard.sums[i] + n * offset[i];
    }
    this.sampleCount += n;
  }

  /** Adds a batch of features, shape [batch, features]. Does not dispose it. */
  add(batch: tf.Tensor2D): void {
    const [batchSize, features] = batch.shape;
    if (features !== this.features) {
      throw new Error(
        `CrossMomentAccumulator: batch has ${features} features, expected ${this.features}`,
      );
    }
    if (batchSize === 0) return;
    if (!this.shift) {
      const firstMeans = tf.tidy(() => tf.mean(batch, 0));
      this.shift = firstMeans.dataSync() as Float32Array;
      firstMeans.dispose();
    }
    const shift = this.shift;
    tf.tidy(() => {
      const shifted = tf.sub(batch, tf.tensor1d(shift));
      this.pendingProducts.add(tf.matMul(shifted, shifted, true, false));
      this.pendingSums.add(tf.sum(shifted, 0));
    });
    this.sampleCount += batchSize;
  }

  /** Mean of the shifted features (f − shift). */
  private shiftedMeans(): Float64Array {
    this.drain();
    return this.sums.map((sum) => (this.sampleCount > 0 ? sum / this.sampleCount : 0));
  }

  /** Mean of each feature. */
  means(): Float64Array {
    const shifted = this.shiftedMeans();
    return shifted.map((mean, index) => mean + (this.shift?.[index] ?? 0));
  }

  /** Σ f fᵀ (uncentred), features × features, row-major. */
  uncenteredProduct(): Float64Array {
    // Σ f fᵀ = Σ (f−s)(f−s)ᵀ + s (Σ(f−s))ᵀ + (Σ(f−s)) sᵀ + n s sᵀ
    this.drain();
    const n = this.sampleCount;
    const shift = this.shift ?? new Float32Array(this.features);
    const product = new Float64Array(this.sumOfProducts.length);
    for (let i = 0; i < this.features; i++) {
      for (let j = 0; j < this.features; j++) {
        product[i * this.features + j] =
          this.sumOfProducts[i * this.features + j] +
          shift[i] * this.sums[j] +
          this.sums[i] * shift[j] +
          n * shift[i] * shift[j];
      }
    }
    return product;
  }

  /** C = Σ (f−μ)(f−μ)ᵀ, features × features, row-major. */
  centeredProduct(): Float64Array {
    this.drain();
    const n = this.sampleCount;
    const means = this.shiftedMeans();
    const centered = new Float64Array(this.sumOfProducts.length);
    for (let i = 0; i < this.features; i++) {
      for (let j = 0; j < this.features; j++) {
        centered[i * this.features + j] =
          this.sumOfProducts[i * this.features + j] - n * means[i] * means[j];
      }
    }
    return centered;
  }
}
