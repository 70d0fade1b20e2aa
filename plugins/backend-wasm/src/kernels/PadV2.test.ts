import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  liveCounts,
  randomValues,
} from '../__fixtures__/compare-backends';

beforeAll(activateWasm);

type Paddings = [number, number][];

const cases: { shape: number[]; paddings: Paddings; value?: number }[] = [
  { shape: [7], paddings: [[2, 3]] },
  {
    shape: [3, 4],
    paddings: [
      [1, 0],
      [0, 2],
    ],
    value: -1.5,
  },
  {
    shape: [2, 5, 6, 3],
    paddings: [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ],
  },
  {
    shape: [2, 4, 5, 6],
    paddings: [
      [0, 0],
      [0, 0],
      [0, 3],
      [0, 0],
    ],
  },
  {
    shape: [2, 3, 4, 20],
    paddings: [
      [1, 1],
      [0, 1],
      [2, 0],
      [0, 0],
    ],
  },
  {
    shape: [2, 3, 4, 5],
    paddings: [
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 2],
    ],
    value: 7,
  },
  // dy dilated by a stride: unit axes padded between rows and columns, as Conv2DBackpropInput does.
  {
    shape: [2, 3, 1, 4, 1, 5],
    paddings: [
      [0, 0],
      [0, 0],
      [0, 1],
      [0, 0],
      [0, 1],
      [0, 0],
    ],
  },
  {
    shape: [3, 4],
    paddings: [
      [0, 0],
      [0, 0],
    ],
  },
];

describe('PadV2 on wasm', () => {
  it.each(cases.map((c) => [`[${c.shape}] by ${JSON.stringify(c.paddings)}`, c] as const))(
    'equals the cpu backend exactly: %s',
    async (_label, c) => {
      const x = randomValues(tf.util.sizeFromShape(c.shape), c.shape.length);
      const pad = () => tf.pad(tf.tensor(x, c.shape), c.paddings, c.value ?? 0);
      const expected = await computeOn('cpu', pad);
      const actual = await computeOn('wasm', pad);
      expect(actual.shape).toEqual(expected.shape);
      expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
    },
  );

  it('pads int32 and bool tensors as the cpu backend does', async () => {
    const ints = () =>
      tf.pad(
        tf.tensor2d([1, -2, 3, 4, 5, 6], [2, 3], 'int32'),
        [
          [1, 0],
          [1, 1],
        ],
        9,
      );
    const bools = () =>
      tf.pad(tf.tensor2d([1, 0, 1, 1], [2, 2], 'bool'), [
        [0, 1],
        [2, 0],
      ]);
    for (const pad of [ints, bools]) {
      await tf.setBackend('cpu');
      const expected = tf.tidy(pad);
      const expectedValues = Array.from(expected.dataSync());
      const expectedType = expected.dtype;
      expected.dispose();
      await tf.setBackend('wasm');
      const actual = tf.tidy(pad);
      expect(actual.dtype).toBe(expectedType);
      expect(Array.from(actual.dataSync())).toEqual(expectedValues);
      actual.dispose();
    }
  });

  it('leaks neither tensors nor wasm buffers over repeated calls', async () => {
    await tf.setBackend('wasm');
    const x = randomValues(2 * 5 * 6 * 3, 4);
    const step = () =>
      tf
        .tidy(() =>
          tf.pad(tf.tensor(x, [2, 5, 6, 3]), [
            [0, 0],
            [1, 2],
            [2, 1],
            [0, 0],
          ]),
        )
        .dispose();
    step();
    const before = liveCounts();
    for (let i = 0; i < 5; i++) step();
    expect(liveCounts()).toEqual(before);
    // The gradient of pad (a slice) runs on wasm too.
    const values = await computeOn('wasm', () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.pad(t, [[1, 1]])))(tf.tensor1d([1, 2, 3])),
    );
    expect(Array.from(values.values)).toEqual([1, 1, 1]);
  });
});
