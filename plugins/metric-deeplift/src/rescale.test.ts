import * as tf from '@tensorflow/tfjs';
import { rescaled } from './rescale';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

describe('rescaled (the Rescale-rule nonlinearity)', () => {
  // z₀ for three units, broadcast over a batch of two samples.
  const z0Values = [0.5, -1, 2];
  const zValues = [
    [1.5, 0.5, 2], // the third unit equals its reference: plain derivative there
    [-0.5, -1, 4], // the second unit equals its reference
  ];

  function valueAndGradient(dyValues: number[][]): { value: number[][]; gradient: number[][] } {
    return tf.tidy(() => {
      const z0 = tf.tensor2d([z0Values]);
      const reference = { preActivation: z0, activation: tf.sigmoid(z0) };
      const z = tf.tensor2d(zValues);
      const dy = tf.tensor2d(dyValues);
      const value = rescaled(z, reference, tf.sigmoid).arraySync() as number[][];
      const gradient = tf
        .grad((input: tf.Tensor) => rescaled(input, reference, tf.sigmoid))(z, dy)
        .arraySync() as number[][];
      return { value, gradient };
    });
  }

  it("computes g(z) forward and dy · Δg/Δz backward, with g'(z) where z equals z₀", () => {
    const dyValues = [
      [1, -2, 0.5],
      [3, 0.25, -1],
    ];
    const { value, gradient } = valueAndGradient(dyValues);
    zValues.forEach((row, sample) =>
      row.forEach((z, unit) => {
        const z0 = z0Values[unit];
        expect(Math.abs(value[sample][unit] - sigmoid(z))).toBeLessThan(1e-6);
        const slope =
          z === z0 ? sigmoid(z) * (1 - sigmoid(z)) : (sigmoid(z) - sigmoid(z0)) / (z - z0);
        expect(Math.abs(gradient[sample][unit] - dyValues[sample][unit] * slope)).toBeLessThan(
          1e-6,
        );
      }),
    );
  });

  it('differs from the plain gradient away from the reference', () => {
    const { gradient } = valueAndGradient([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    const plain = sigmoid(1.5) * (1 - sigmoid(1.5));
    expect(Math.abs(gradient[0][0] - plain)).toBeGreaterThan(0.01);
  });

  it('leaves no tensor behind', () => {
    valueAndGradient([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++)
      valueAndGradient([
        [1, 1, 1],
        [1, 1, 1],
      ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
