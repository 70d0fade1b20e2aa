import * as tf from '@tensorflow/tfjs';
import { CrossMomentAccumulator } from './cross-moment-accumulator';
import { RunningMoments } from './moments';
import { seededRandom } from '../testing';

describe('streaming statistics', () => {
  const samples = 37;
  const features = 5;
  const random = seededRandom(5);
  // A large offset makes naive float32 centring lose digits; float64 accumulation must not.
  const values = Float32Array.from({ length: samples * features }, () => 100 + random());
  const column = (f: number) =>
    Array.from({ length: samples }, (_, row) => values[row * features + f]);

  function batches(size: number): tf.Tensor2D[] {
    const result: tf.Tensor2D[] = [];
    for (let start = 0; start < samples; start += size) {
      const rows = Math.min(size, samples - start);
      result.push(
        tf.tensor2d(values.subarray(start * features, (start + rows) * features), [rows, features]),
      );
    }
    return result;
  }

  it('RunningMoments gives the exact mean and population variance whatever the batch size', () => {
    for (const size of [1, 4, 37]) {
      const moments = new RunningMoments(features);
      const parts = batches(size);
      parts.forEach((part) => moments.add(part));
      tf.dispose(parts);
      for (let f = 0; f < features; f++) {
        const xs = column(f);
        const mean = xs.reduce((s, v) => s + v, 0) / samples;
        const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / samples;
        expect(moments.means()[f]).toBeCloseTo(mean, 4);
        expect(moments.variances()[f]).toBeCloseTo(variance, 4);
      }
      expect(moments.samples).toBe(samples);
    }
  });

  it('CrossMomentAccumulator gives the centred cross-product F̃ᵀF̃', () => {
    const accumulator = new CrossMomentAccumulator(features);
    const parts = batches(8);
    parts.forEach((part) => accumulator.add(part));
    tf.dispose(parts);
    const centered = accumulator.centeredProduct();
    for (let i = 0; i < features; i++) {
      for (let j = 0; j < features; j++) {
        const xi = column(i);
        const xj = column(j);
        const mi = xi.reduce((s, v) => s + v, 0) / samples;
        const mj = xj.reduce((s, v) => s + v, 0) / samples;
        const expected = xi.reduce((s, v, row) => s + (v - mi) * (xj[row] - mj), 0);
        expect(centered[i * features + j]).toBeCloseTo(expected, 3);
      }
    }
    const uncentered = accumulator.uncenteredProduct();
    const expected01 = column(0).reduce((s, v, row) => s + v * column(1)[row], 0);
    expect(uncentered[1] / expected01).toBeCloseTo(1, 6);
    expect(accumulator.means()[2]).toBeCloseTo(column(2).reduce((s, v) => s + v, 0) / samples, 4);
  });
});
