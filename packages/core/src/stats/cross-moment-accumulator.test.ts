import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../testing/array-dataset';
import { CrossMomentAccumulator } from './cross-moment-accumulator';

/** Batches of features with a large common offset, where a poor merge would lose digits. */
function batches(count: number, rows: number, features: number, seed: number): tf.Tensor2D[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    tf.tensor2d(
      Float32Array.from({ length: rows * features }, (_, index) => 5 + (index % 3) + random()),
      [rows, features],
    ),
  );
}

function maxRelativeDifference(a: Float64Array, b: Float64Array): number {
  const scale = Math.max(...Array.from(a, Math.abs));
  return Math.max(...Array.from(a, (value, index) => Math.abs(value - b[index]))) / scale;
}

describe('CrossMomentAccumulator.merge', () => {
  it('merges shards that streamed disjoint batches into the sums of one pass over all', () => {
    const all = batches(6, 7, 5, 11);
    const whole = new CrossMomentAccumulator(5);
    all.forEach((batch) => whole.add(batch));
    // Three shards, each with its own shift (its own first batch), shipped as states.
    const shards = [all.slice(0, 1), all.slice(1, 4), all.slice(4)].map((part) => {
      const shard = new CrossMomentAccumulator(5);
      part.forEach((batch) => shard.add(batch));
      return shard.state();
    });
    const merged = CrossMomentAccumulator.fromState(shards[0]);
    merged.merge(shards[1]);
    merged.merge(CrossMomentAccumulator.fromState(shards[2]));
    expect(merged.samples).toBe(whole.samples);
    // Stated tolerance: the shards' float32 batch products are taken about different shifts,
    // so they agree with the single pass to float32 rounding (≈1e-7 relative), not bit for bit.
    expect(maxRelativeDifference(whole.centeredProduct(), merged.centeredProduct())).toBeLessThan(
      1e-5,
    );
    expect(
      maxRelativeDifference(whole.uncenteredProduct(), merged.uncenteredProduct()),
    ).toBeLessThan(1e-5);
    expect(maxRelativeDifference(whole.means(), merged.means())).toBeLessThan(1e-6);
    tf.dispose(all);
  });

  it('ignores empty shards and refuses shards of another width', () => {
    const accumulator = new CrossMomentAccumulator(3);
    accumulator.merge(new CrossMomentAccumulator(3));
    expect(accumulator.samples).toBe(0);
    expect(() => accumulator.merge(new CrossMomentAccumulator(4))).toThrow(
      'cannot merge a shard of 4 features into 3',
    );
  });
});

describe('CrossMomentAccumulator sums on the backend', () => {
  it('equals float64 sums of each batch’s float32 product, and holds no tensor once read', () => {
    const all = batches(9, 16, 6, 5);
    const before = tf.memory().numTensors;
    const accumulator = new CrossMomentAccumulator(6);
    all.forEach((batch) => accumulator.add(batch));
    // The reference: each batch's float32 product about the same shift, read back and summed in
    // float64 (what the accumulator did before it summed on the backend).
    const shift = tf.mean(all[0], 0);
    const reference = new Float64Array(36);
    const referenceSums = new Float64Array(6);
    for (const batch of all) {
      const [product, sums] = tf.tidy(() => {
        const shifted = tf.sub(batch, shift);
        return [tf.matMul(shifted, shifted, true, false), tf.sum(shifted, 0)];
      });
      Float32Array.from(product.dataSync()).forEach((value, index) => (reference[index] += value));
      Float32Array.from(sums.dataSync()).forEach((value, index) => (referenceSums[index] += value));
      tf.dispose([product, sums]);
    }
    shift.dispose();
    const state = accumulator.state();
    expect(maxRelativeDifference(reference, state.sumOfProducts)).toBeLessThan(1e-9);
    expect(maxRelativeDifference(referenceSums, state.sums)).toBeLessThan(1e-9);
    expect(tf.memory().numTensors).toBe(before);

    const abandoned = new CrossMomentAccumulator(6);
    all.forEach((batch) => abandoned.add(batch));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    abandoned.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(all);
  });
});
