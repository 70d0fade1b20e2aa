import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../testing/array-dataset';
import { CompensatedTensorSum } from './compensated-sum';

describe('CompensatedTensorSum', () => {
  it('sums float32 tensors as a float64 sum would, where a float32 sum loses digits', () => {
    const random = seededRandom(3);
    // A large first addend and many small ones: a plain float32 running sum drops most of the
    // small ones' digits.
    const addends = [
      Float32Array.from({ length: 6 }, () => 1e4 * (1 + random())),
      ...Array.from({ length: 200 }, () => Float32Array.from({ length: 6 }, () => random() / 3)),
    ];
    const exact = new Float64Array(6);
    const float32Sum = new Float32Array(6);
    for (const addend of addends) {
      addend.forEach((value, index) => {
        exact[index] += value;
        float32Sum[index] = Math.fround(float32Sum[index] + value);
      });
    }
    const sum = new CompensatedTensorSum();
    for (const addend of addends) {
      const tensor = tf.tensor1d(addend);
      sum.add(tensor);
      tensor.dispose();
    }
    const drained = new Float64Array(6);
    sum.drainInto(drained);
    const relative = (values: ArrayLike<number>) =>
      Math.max(...Array.from(exact, (value, index) => Math.abs(values[index] - value) / value));
    expect(relative(float32Sum)).toBeGreaterThan(1e-7);
    expect(relative(drained)).toBeLessThan(1e-12);
  });

  it('adds to what the target holds, survives a caller’s tidy and frees its tensors when drained', () => {
    const before = tf.memory().numTensors;
    const sum = new CompensatedTensorSum();
    expect(sum.isEmpty).toBe(true);
    for (let repeat = 0; repeat < 3; repeat++)
      tf.tidy(() => sum.add(tf.tensor2d([1, 2, 3, 4], [2, 2])));
    expect(sum.isEmpty).toBe(false);
    const target = Float64Array.from([10, 10, 10, 10]);
    sum.drainInto(target);
    expect(Array.from(target)).toEqual([13, 16, 19, 22]);
    expect(sum.isEmpty).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    sum.add(tf.tensor1d([1]));
    expect(() => sum.drainInto(new Float64Array(2))).toThrow('1 values to drain into 2 entries');
    sum.add(tf.tensor1d([1]));
    sum.dispose();
    expect(tf.memory().numTensors - before).toBe(2); // the two tensor1d addends above, not the sum's
  });
});
