import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { seededRandom } from '@neusemslice/core/testing';
import {
  type PlainDenseLayer,
  plainAttributions,
  toTfjsModel,
} from './__fixtures__/dense-relu-reference';
import { layerAttributions, type MultiplierRule } from './layer-attributions';
import { ZeroReference } from './zero-reference';

/**
 * A 2-2-2-2 ReLU network chosen so that, for x = (1, 0.25) and target 0:
 *   h1: z = (1, −0.5) vs z₀ = (0.5, 0.25) → a = (1, 0), a₀ = (0.5, 0.25), Δa = (0.5, −0.25)
 *   h2: z = (0.75, −0.5) vs z₀ = (1, 0.25) → a = (0.75, 0), a₀ = (1, 0.25), Δa = (−0.25, −0.25);
 *       unit 2 changes sign: its Rescale slope is 0.25 / 0.75 = 1/3 where the gradient is 0.
 * By hand, with the logit weights (1, 2) of class 0:
 *   h2 attributions: Δa · (1, 2) = (−0.25, −0.5), sum −0.75 = logit₀(x) − logit₀(0) = 0.85 − 1.6
 *   h1 multipliers: 1·1·1 + (−1)·(1/3)·2 = 1/3 and 3·1·1 + 1·(1/3)·2 = 11/3,
 *      attributions (0.5/3, −0.25·11/3) = (1/6, −11/12), sum −0.75 as well;
 *   gradient × Δ gives multipliers (1, 3) instead: (0.5, −0.75), sum −0.25.
 */
const handNetwork: PlainDenseLayer[] = [
  {
    kernel: [
      [1, -1],
      [-2, 1],
    ],
    bias: [0.5, 0.25],
    relu: true,
  },
  {
    kernel: [
      [1, -1],
      [3, 1],
    ],
    bias: [-0.25, 0.5],
    relu: true,
  },
  {
    kernel: [
      [1, -2],
      [2, 0.5],
    ],
    bias: [0.1, -0.1],
    relu: false,
  },
];

function attributionsOf(
  model: NeuronModel,
  inputs: number[][],
  targets: number[],
  rule: MultiplierRule,
): Record<string, number[][]> {
  const reference = ZeroReference.record(model);
  const x = tf.tensor2d(inputs);
  const result = layerAttributions(model, x, Int32Array.from(targets), reference, rule);
  const plain = Object.fromEntries(
    Object.entries(result).map(([name, tensor]) => [name, tensor.arraySync()]),
  );
  tf.dispose([x, ...Object.values(result)]);
  reference.dispose();
  return plain;
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-6): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) =>
    expect(Math.abs(value - expected[index])).toBeLessThan(tolerance),
  );
}

describe('DeepLIFT on a hand-computed 2-2-2-2 ReLU network', () => {
  const model = new NeuronModel(toTfjsModel(handNetwork));

  it('gives the hand-derived Rescale attributions', () => {
    const attributions = attributionsOf(model, [[1, 0.25]], [0], 'rescale');
    expectClose(attributions.h2[0], [-0.25, -0.5]);
    expectClose(attributions.h1[0], [1 / 6, -11 / 12]);
  });

  it('gives the hand-derived gradient × Δ, which differs from DeepLIFT', () => {
    const attributions = attributionsOf(model, [[1, 0.25]], [0], 'gradient');
    expectClose(attributions.h2[0], [-0.25, -0.5]);
    expectClose(attributions.h1[0], [0.5, -0.75]);
  });

  it('matches a plain float64 implementation on random inputs and targets, for both rules', () => {
    const random = seededRandom(5);
    const inputs = Array.from({ length: 12 }, () => [4 * random() - 2, 4 * random() - 2]);
    const targets = inputs.map((_, index) => index % 2);
    for (const rule of ['rescale', 'gradient'] as const) {
      const attributions = attributionsOf(model, inputs, targets, rule);
      inputs.forEach((input, sample) => {
        const expected = plainAttributions(handNetwork, input, targets[sample], rule);
        expectClose(attributions.h1[sample], expected[0]);
        expectClose(attributions.h2[sample], expected[1]);
      });
    }
  });

  it('attributes nothing to a sample equal to the baseline', () => {
    const attributions = attributionsOf(model, [[0, 0]], [1], 'rescale');
    expectClose(attributions.h1[0], [0, 0]);
    expectClose(attributions.h2[0], [0, 0]);
  });
});
