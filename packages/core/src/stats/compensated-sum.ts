import * as tf from '@tensorflow/tfjs';

/**
 * A running sum of float32 tensors of one shape, kept on the tfjs backend as an unevaluated pair
 * hi + lo (Knuth's TwoSum: lo collects the rounding error of every hi + x), so the total is
 * good to about 2⁻⁴⁸ relative, close to a float64 sum, without reading each addend back to
 * JavaScript: on the wasm backend, reading a 512 × 512 product back and adding it in float64 per
 * batch took 4–9 times as long as the six elementwise kernels here. Holds two tensors between
 * calls: `drainInto` or `dispose` releases them.
 */
export class CompensatedTensorSum {
  private high?: tf.Tensor;
  private low?: tf.Tensor;

  /** Whether anything was added since the last drain. */
  get isEmpty(): boolean {
    return this.high === undefined;
  }

  /** Adds `addend` (float32, the shape of the earlier ones). Does not dispose it. */
  add(addend: tf.Tensor): void {
    const high = this.high;
    if (!high) {
      this.high = tf.keep(addend.clone());
      return;
    }
    const low = this.low;
    const [sum, error] = tf.tidy(() => {
      // TwoSum: sum + error = high + addend exactly, in round-to-nearest float32 arithmetic.
      const rounded = tf.add(high, addend);
      const addendPart = tf.sub(rounded, high);
      const highPart = tf.sub(rounded, addendPart);
      const roundingError = tf.add(tf.sub(high, highPart), tf.sub(addend, addendPart));
      return [rounded, low ? tf.add(low, roundingError) : roundingError];
    });
    tf.dispose([high, low ?? []]);
    // Kept, so that a tidy the caller runs this in does not dispose them.
    this.high = tf.keep(sum);
    this.low = tf.keep(error);
  }

  /** Adds the sum so far to `target` (float64, one entry per element) and starts from zero. */
  drainInto(target: Float64Array): void {
    if (!this.high) return;
    const high = this.high.dataSync();
    const low = this.low?.dataSync();
    if (high.length !== target.length) {
      throw new Error(
        `CompensatedTensorSum: ${high.length} values to drain into ${target.length} entries`,
      );
    }
    if (low) {
      for (let index = 0; index < high.length; index++) target[index] += high[index] + low[index];
    } else {
      for (let index = 0; index < high.length; index++) target[index] += high[index];
    }
    this.dispose();
  }

  /** Forgets the sum and frees its tensors. */
  dispose(): void {
    tf.dispose([this.high ?? [], this.low ?? []]);
    this.high = undefined;
    this.low = undefined;
  }
}
