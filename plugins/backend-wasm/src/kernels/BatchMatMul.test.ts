import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  expectCloseTo,
  liveCounts,
  randomValues,
} from '../__fixtures__/compare-backends';
import { operands } from '../__fixtures__/matmul-operands';

/** Operand shapes as the product sees them (before any transpose): a [..., m, k], b [..., k, n]. */
const shapeCases: { label: string; a: number[]; b: number[] }[] = [
  { label: 'rank 2', a: [7, 33], b: [33, 5] },
  {
    label: 'rank 2, inner dim > 48 (several blocks of the stock loop)',
    a: [16, 130],
    b: [130, 24],
  },
  { label: 'rank 3, batch 3', a: [3, 6, 50], b: [3, 50, 4] },
  { label: 'rank 3, batch 4 times one matrix', a: [4, 5, 9], b: [1, 9, 6] },
  { label: 'rank 3, one matrix times batch 4', a: [1, 5, 9], b: [4, 9, 6] },
  { label: 'rank 3 times rank 2', a: [2, 8, 12], b: [12, 3] },
  { label: 'rank 4, batch [2,1] × [1,3]', a: [2, 1, 4, 7], b: [1, 3, 7, 5] },
];

const transposeCases = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

beforeAll(activateWasm);

describe('BatchMatMul on wasm', () => {
  const table = shapeCases.flatMap((shapes, i) =>
    transposeCases.map(
      ([transposeA, transposeB], j) =>
        [shapes.label, transposeA, transposeB, shapes, 10 * i + j] as const,
    ),
  );

  it.each(table)(
    'matches the cpu backend: %s, transposeA=%s, transposeB=%s',
    async (_l, transposeA, transposeB, shapes, seed) => {
      const { aShape, bShape, a, b } = operands(shapes, transposeA, transposeB, seed);
      const product = () =>
        tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB);
      // The cpu kernel mishandles batches that broadcast both ways ([2,1] × [1,3]), so its operands
      // are broadcast beforehand.
      const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(
        shapes.a.slice(0, -2),
        shapes.b.slice(0, -2),
      );
      const broadcastProduct = () =>
        tf.matMul(
          tf.broadcastTo(tf.tensor(a, aShape), [...outBatch, ...aShape.slice(-2)]),
          tf.broadcastTo(tf.tensor(b, bShape), [...outBatch, ...bShape.slice(-2)]),
          transposeA,
          transposeB,
        );
      expectCloseTo(await computeOn('wasm', product), await computeOn('cpu', broadcastProduct));
    },
  );

  it('computes the gradients of a dense layer (the transposed products) like the cpu backend', async () => {
    const x = randomValues(32 * 20, 1);
    const w = randomValues(20 * 10, 2);
    const gradients = () => {
      const [dx, dw] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) =>
        tf.sum(tf.square(tf.matMul(xs, ws))),
      )([tf.tensor2d(x, [32, 20]), tf.tensor2d(w, [20, 10])]);
      return tf.concat([dx.flatten(), dw.flatten()]);
    };
    expectCloseTo(await computeOn('wasm', gradients), await computeOn('cpu', gradients));
  });

  it('leaks neither tensors nor wasm buffers over repeated calls, in every layout', async () => {
    await tf.setBackend('wasm');
    const runAll = () => {
      for (const shapes of shapeCases) {
        for (const [transposeA, transposeB] of transposeCases) {
          const { aShape, bShape, a, b } = operands(shapes, transposeA, transposeB, 5);
          tf.tidy(() =>
            tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB),
          ).dispose();
        }
      }
    };
    runAll();
    const before = liveCounts();
    for (let i = 0; i < 3; i++) runAll();
    expect(liveCounts()).toEqual(before);
  });
});
