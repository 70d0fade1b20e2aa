import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  expectCloseTo,
  liveCounts,
  randomValues,
} from '../__fixtures__/compare-backends';
import { operands } from '../__fixtures__/matmul-operands';

const activations = ['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'sigmoid', 'elu'] as const;
type Activation = (typeof activations)[number];

/** Fused products of a [..., m, k] by b [..., k, n]; bias is broadcast against [..., m, n]. */
const shapeCases: { label: string; a: number[]; b: number[]; bias: number[] | null }[] = [
  { label: 'rank 2, bias [n]', a: [9, 70], b: [70, 6], bias: [6] },
  { label: 'rank 2, no bias', a: [9, 70], b: [70, 6], bias: null },
  { label: 'rank 2, bias [m, n]', a: [5, 60], b: [60, 4], bias: [5, 4] },
  { label: 'rank 2, bias [1]', a: [5, 60], b: [60, 4], bias: [1] },
  { label: 'rank 3, batch 3, bias [n]', a: [3, 5, 52], b: [3, 52, 7], bias: [7] },
  { label: 'rank 3, batch 2 times one matrix, bias [n]', a: [2, 6, 20], b: [1, 20, 3], bias: [3] },
  { label: 'rank 3, one matrix times batch 2, bias [n]', a: [1, 6, 20], b: [2, 20, 3], bias: [3] },
];

const transposeCases = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

function fusedProduct(
  shapes: { a: number[]; b: number[]; bias: number[] | null },
  transposeA: boolean,
  transposeB: boolean,
  activation: Activation,
  seed: number,
) {
  const { aShape, bShape, a, b } = operands(shapes, transposeA, transposeB, seed);
  const n = shapes.b[shapes.b.length - 1];
  const bias = shapes.bias && randomValues(tf.util.sizeFromShape(shapes.bias), seed + 2);
  // Shifted so that relu, relu6 and the rest see both signs and values above 6.
  const scale = 4;
  const alpha = randomValues(n, seed + 3);
  return () =>
    tf.fused.matMul({
      a: tf.mul(tf.tensor(a, aShape), scale),
      b: tf.tensor(b, bShape),
      transposeA,
      transposeB,
      bias: bias ? tf.tensor(bias, shapes.bias as number[]) : undefined,
      activation,
      preluActivationWeights: activation === 'prelu' ? tf.tensor1d(alpha) : undefined,
      leakyreluAlpha: 0.15,
    });
}

beforeAll(activateWasm);

describe('_FusedMatMul on wasm', () => {
  const layouts = shapeCases.flatMap((shapes, i) =>
    transposeCases.map(
      ([transposeA, transposeB], j) =>
        [shapes.label, transposeA, transposeB, shapes, 10 * i + j] as const,
    ),
  );

  it.each(layouts)(
    'matches the cpu backend with bias and relu: %s, transposeA=%s, transposeB=%s',
    async (_l, transposeA, transposeB, shapes, seed) => {
      const product = fusedProduct(shapes, transposeA, transposeB, 'relu', seed);
      expectCloseTo(await computeOn('wasm', product), await computeOn('cpu', product));
    },
  );

  const activationCases = activations.flatMap((activation) =>
    [shapeCases[0], shapeCases[4]].flatMap((shapes) =>
      [
        [false, false],
        [true, true],
      ].map(
        ([transposeA, transposeB]) =>
          [activation, shapes.label, transposeA, transposeB, shapes] as const,
      ),
    ),
  );

  it.each(activationCases)(
    'matches the cpu backend with activation %s: %s, transposeA=%s, transposeB=%s',
    async (activation, _l, transposeA, transposeB, shapes) => {
      const product = fusedProduct(shapes, transposeA, transposeB, activation, 99);
      expectCloseTo(await computeOn('wasm', product), await computeOn('cpu', product));
    },
  );

  it('trains a dense layer with bias and relu like the cpu backend (gradients of all inputs)', async () => {
    const x = randomValues(16 * 30, 4);
    const w = randomValues(30 * 8, 5);
    const bias = randomValues(8, 6);
    const gradients = () => {
      const grads = tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: xs, b: ws, bias: bs, activation: 'relu' }))),
      )([tf.tensor2d(x, [16, 30]), tf.tensor2d(w, [30, 8]), tf.tensor1d(bias)]);
      return tf.concat(grads.map((g) => g.flatten()));
    };
    expectCloseTo(await computeOn('wasm', gradients), await computeOn('cpu', gradients));
  });

  it('leaks neither tensors nor wasm buffers over repeated calls, in every layout', async () => {
    await tf.setBackend('wasm');
    const runAll = () => {
      for (const shapes of shapeCases) {
        for (const [transposeA, transposeB] of transposeCases) {
          for (const activation of ['linear', 'relu', 'prelu'] as const) {
            tf.tidy(fusedProduct(shapes, transposeA, transposeB, activation, 1)).dispose();
          }
        }
      }
    };
    runAll();
    const before = liveCounts();
    for (let i = 0; i < 3; i++) runAll();
    expect(liveCounts()).toEqual(before);
  });
});
