import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  expectCloseTo,
  liveCounts,
  randomValues,
} from '../__fixtures__/compare-backends';
import { registerExtraWasmKernels } from '../register-all-kernels';
import {
  convCases as cases,
  describeConvCase as describeCase,
  convInputsOf as inputsOf,
  type ConvCase as Case,
} from '../__fixtures__/conv-cases';

beforeAll(activateWasm);

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(cases.map((c, i) => [describeCase(c), c, i] as const))(
    'matches the cpu backend through tf.grad of conv2d: %s',
    async (_label, c, index) => {
      const { xShape, filterShape, outShape, x, filter, dy } = inputsOf(c, 100 * index);
      // d/dfilter of Σ conv2d(x, filter) · dy is the filter gradient for upstream gradient dy.
      const filterGradient = () =>
        tf.grad((f: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.conv2d(
                tf.tensor4d(x, xShape),
                f as tf.Tensor4D,
                c.stride,
                c.pad,
                'NHWC',
                1,
                c.dimRoundingMode,
              ),
              tf.tensor(dy, outShape),
            ),
          ),
        )(tf.tensor4d(filter, filterShape));
      const expected = await computeOn('cpu', filterGradient);
      const actual = await computeOn('wasm', filterGradient);
      expectCloseTo(actual, expected);
    },
  );

  it.each(
    [
      {
        batch: 5,
        height: 20,
        width: 23,
        inChannels: 3,
        filter: [3, 3],
        outChannels: 4,
        stride: 1,
        pad: 'same',
      },
      {
        batch: 9,
        height: 31,
        width: 30,
        inChannels: 2,
        filter: [3, 3],
        outChannels: 5,
        stride: 2,
        pad: 'valid',
      },
    ].map((c) => [describeCase(c as Case), c as Case] as const),
  )(
    'matches the cpu backend when the sum runs over several chunks of the grid: %s',
    async (_label, c) => {
      const { xShape, filterShape, outShape, x, filter, dy } = inputsOf(c, 77);
      const filterGradient = () =>
        tf.grad((f: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.conv2d(tf.tensor4d(x, xShape), f as tf.Tensor4D, c.stride, c.pad),
              tf.tensor(dy, outShape),
            ),
          ),
        )(tf.tensor4d(filter, filterShape));
      expectCloseTo(
        await computeOn('wasm', filterGradient),
        await computeOn('cpu', filterGradient),
      );
    },
  );

  it('matches the cpu backend for NCHW inputs (run as a kernel; the wasm forward conv is NHWC only)', async () => {
    const c = cases[3];
    const { xShape, filterShape, outShape, x, dy } = inputsOf(c, 7);
    const run = () =>
      tf.engine().runKernel(
        tf.Conv2DBackpropFilter,
        {
          x: tf.transpose(tf.tensor(x, xShape), [0, 3, 1, 2]),
          dy: tf.transpose(tf.tensor(dy, outShape), [0, 3, 1, 2]),
        },
        { strides: c.stride, pad: c.pad, dataFormat: 'NCHW', filterShape },
      ) as tf.Tensor;
    expectCloseTo(await computeOn('wasm', run), await computeOn('cpu', run));
  });

  it('matches the cpu backend with dimRoundingMode ceil (run as a kernel; tf.grad drops the mode)', async () => {
    const c: Case = {
      batch: 2,
      height: 8,
      width: 7,
      inChannels: 2,
      filter: [3, 3],
      outChannels: 3,
      stride: 2,
      pad: 1,
      dimRoundingMode: 'ceil',
    };
    const { xShape, filterShape, outShape, x, dy } = inputsOf(c, 9);
    expect(outShape).toEqual([2, 5, 4, 3]);
    const run = () =>
      tf.engine().runKernel(
        tf.Conv2DBackpropFilter,
        { x: tf.tensor(x, xShape), dy: tf.tensor(dy, outShape) },
        {
          strides: c.stride,
          pad: c.pad,
          dataFormat: 'NHWC',
          dimRoundingMode: 'ceil',
          filterShape,
        },
      ) as tf.Tensor;
    expectCloseTo(await computeOn('wasm', run), await computeOn('cpu', run));
  });

  it('trains through a fused conv2d with bias and relu (what tfjs-layers runs)', async () => {
    const c = cases[2];
    const { xShape, filterShape, outShape, x, filter, dy } = inputsOf(c, 11);
    const bias = randomValues(c.outChannels, 12);
    const gradients = () => {
      const { grads } = tf.variableGrads(
        () =>
          tf.sum(
            tf.mul(
              tf.fused.conv2d({
                x: tf.tensor4d(x, xShape),
                filter: filterVariable,
                strides: c.stride,
                pad: c.pad,
                bias: biasVariable,
                activation: 'relu',
              }),
              tf.tensor(dy, outShape),
            ),
          ) as tf.Scalar,
        [filterVariable],
      );
      return grads[filterVariable.name];
    };
    let filterVariable: tf.Variable<tf.Rank.R4>;
    let biasVariable: tf.Variable;
    const onBackend = async (name: string) => {
      await tf.setBackend(name);
      filterVariable = tf.variable(tf.tensor4d(filter, filterShape));
      biasVariable = tf.variable(tf.tensor1d(bias));
      const result = await computeOn(name, gradients);
      filterVariable.dispose();
      biasVariable.dispose();
      return result;
    };
    const expected = await onBackend('cpu');
    expectCloseTo(await onBackend('wasm'), expected);
  });

  it('leaks neither tensors nor wasm buffers over repeated calls', async () => {
    await tf.setBackend('wasm');
    const { xShape, filterShape, outShape, x, filter, dy } = inputsOf(cases[3], 3);
    const step = () =>
      tf
        .tidy(() =>
          tf.grad((f: tf.Tensor) =>
            tf.sum(
              tf.mul(
                tf.conv2d(tf.tensor4d(x, xShape), f as tf.Tensor4D, 2, 'same'),
                tf.tensor(dy, outShape),
              ),
            ),
          )(tf.tensor4d(filter, filterShape)),
        )
        .dispose();
    step();
    const before = liveCounts();
    for (let i = 0; i < 5; i++) step();
    expect(liveCounts()).toEqual(before);
  });

  it('is what makes the filter gradient work: without it wasm throws, registering again restores it', async () => {
    await tf.setBackend('wasm');
    const gradient = () =>
      tf.tidy(() =>
        tf
          .grad((f: tf.Tensor) =>
            tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, f as tf.Tensor4D, 1, 'same')),
          )(tf.ones([3, 3, 1, 1]) as tf.Tensor4D)
          .dataSync(),
      );
    tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
    expect(gradient).toThrow(/Conv2DBackpropFilter' not registered for backend 'wasm'/);
    expect(registerExtraWasmKernels()).toEqual([tf.Conv2DBackpropFilter]);
    // A 3x3 'same' filter over a 4x4 field of ones: each tap sees the pixels it overlaps.
    expect(Array.from(gradient())).toEqual([9, 12, 9, 12, 16, 12, 9, 12, 9]);
  });
});
