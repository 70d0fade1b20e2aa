import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  expectCloseTo,
  liveCounts,
  randomValues,
} from '../__fixtures__/compare-backends';

beforeAll(activateWasm);

interface PoolCase {
  shape: [number, number, number, number];
  filter: number | [number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const cases: PoolCase[] = [
  { shape: [2, 8, 8, 3], filter: 2, stride: 2, pad: 'valid' },
  { shape: [3, 7, 9, 4], filter: 2, stride: 2, pad: 'same' },
  { shape: [2, 9, 8, 2], filter: 3, stride: 2, pad: 'same' },
  { shape: [2, 10, 10, 5], filter: 3, stride: 1, pad: 'valid' },
  { shape: [1, 11, 7, 3], filter: [3, 2], stride: [2, 1], pad: 'same' },
  { shape: [2, 9, 9, 6], filter: 3, stride: 3, pad: 'valid' },
  { shape: [2, 8, 7, 1], filter: 3, stride: 2, pad: 1 },
  { shape: [4, 5, 5, 16], filter: 2, stride: 2, pad: 'valid' },
];

const label = (c: PoolCase) =>
  `x [${c.shape}], filter ${c.filter}, stride ${c.stride}, pad ${c.pad}${c.dimRoundingMode ? `, ${c.dimRoundingMode}` : ''}`;

/** d/dx of Σ maxPool(x) · dy: the pooling gradient for upstream gradient dy. */
function poolGradient(c: PoolCase, x: Float32Array, seed: number) {
  return () => {
    const xs = tf.tensor4d(x, c.shape);
    const pooledShape = tf.maxPool(xs, c.filter, c.stride, c.pad, c.dimRoundingMode).shape;
    const dy = tf.tensor(randomValues(tf.util.sizeFromShape(pooledShape), seed), pooledShape);
    return tf.grad((input: tf.Tensor) =>
      tf.sum(
        tf.mul(tf.maxPool(input as tf.Tensor4D, c.filter, c.stride, c.pad, c.dimRoundingMode), dy),
      ),
    )(xs);
  };
}

describe('MaxPoolGrad on wasm', () => {
  it.each(cases.map((c, i) => [label(c), c, i] as const))(
    'matches the cpu backend through tf.grad of maxPool: %s',
    async (_label, c, index) => {
      const x = randomValues(tf.util.sizeFromShape(c.shape), 10 * index + 1);
      const gradient = poolGradient(c, x, 10 * index + 2);
      // Each dx entry is one dy value or a sum of a few (overlapping windows): 1e-6 relative.
      expectCloseTo(await computeOn('wasm', gradient), await computeOn('cpu', gradient), 1e-6);
    },
  );

  it('sends a tie to the first maximum in the window, as the cpu backend does (ReLU outputs tie at 0)', async () => {
    const c: PoolCase = { shape: [2, 6, 6, 3], filter: 2, stride: 2, pad: 'valid' };
    // Rectified values: about half the pixels are 0, so many windows tie.
    const x = randomValues(tf.util.sizeFromShape(c.shape), 5).map((value) => Math.max(0, value));
    x.fill(0, 0, 12); // whole windows of zeros
    const gradient = poolGradient(c, x, 6);
    const expected = await computeOn('cpu', gradient);
    const actual = await computeOn('wasm', gradient);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
  });

  it('gives no gradient to a window of NaN or -Infinity, as the cpu backend does', async () => {
    const c: PoolCase = { shape: [1, 4, 4, 1], filter: 2, stride: 2, pad: 'valid' };
    const x = randomValues(16, 8);
    x[0] = x[1] = x[4] = x[5] = NaN;
    x[2] = x[3] = x[6] = x[7] = -Infinity;
    const gradient = poolGradient(c, x, 9);
    const expected = await computeOn('cpu', gradient);
    const actual = await computeOn('wasm', gradient);
    expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
    expect(Array.from(actual.values.slice(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('matches the cpu backend with dimRoundingMode ceil (run as a kernel; tf.grad drops the mode)', async () => {
    const shape: [number, number, number, number] = [2, 8, 7, 2];
    const x = randomValues(tf.util.sizeFromShape(shape), 31);
    const attrs = { filterSize: 3, strides: 2, pad: 1, dimRoundingMode: 'ceil' as const };
    const run = () => {
      const xs = tf.tensor4d(x, shape);
      const pooled = tf.maxPool(xs, 3, 2, 1, 'ceil');
      expect(pooled.shape).toEqual([2, 5, 4, 2]);
      const dy = tf.tensor(randomValues(pooled.size, 32), pooled.shape);
      return tf
        .engine()
        .runKernel(tf.MaxPoolGrad, { dy, input: xs, output: pooled }, attrs) as tf.Tensor;
    };
    expectCloseTo(await computeOn('wasm', run), await computeOn('cpu', run), 1e-6);
  });

  it('leaks neither tensors nor wasm buffers over repeated calls', async () => {
    await tf.setBackend('wasm');
    const c = cases[1];
    const x = randomValues(tf.util.sizeFromShape(c.shape), 3);
    const step = () => tf.tidy(poolGradient(c, x, 4)).dispose();
    step();
    const before = liveCounts();
    for (let i = 0; i < 5; i++) step();
    expect(liveCounts()).toEqual(before);
  });
});
