import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  expectCloseTo,
  liveCounts,
  randomValues,
} from '../__fixtures__/compare-backends';
import { registerExtraWasmKernels } from '../register-all-kernels';
import { conv2DBackpropFilterWithBudget } from './Conv2DBackpropFilter';
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
      // 200 patch rows × 1,760 grid positions per image: one image per GEMM, six GEMMs.
      {
        batch: 6,
        height: 40,
        width: 40,
        inChannels: 8,
        filter: [5, 5],
        outChannels: 4,
        stride: 1,
        pad: 'same',
      },
      // Three images per GEMM, then the last two.
      {
        batch: 5,
        height: 64,
        width: 64,
        inChannels: 16,
        filter: [3, 3],
        outChannels: 4,
        stride: 2,
        pad: 'valid',
      },
    ].map((c) => [describeCase(c as Case), c as Case] as const),
  )(
    'sums several GEMMs of whole images to the sum of one-image gradients: %s',
    async (_label, c) => {
      // Too large for the cpu backend in a unit test; a one-image gradient is one GEMM, and
      // that path is checked against the cpu backend above.
      const { xShape, outShape, x, dy } = inputsOf(c, 77);
      const filterShape: [number, number, number, number] = [
        ...c.filter,
        c.inChannels,
        c.outChannels,
      ];
      const gradientOf = (images: tf.Tensor, upstream: tf.Tensor) =>
        tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropFilter,
            { x: images, dy: upstream },
            { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape },
          ) as tf.Tensor;
      const batched = () => gradientOf(tf.tensor(x, xShape), tf.tensor(dy, outShape));
      const imageByImage = () => {
        const images = tf.split(tf.tensor(x, xShape), c.batch);
        const upstream = tf.split(tf.tensor(dy, outShape), c.batch);
        return tf.addN(images.map((image, n) => gradientOf(image, upstream[n])));
      };
      expectCloseTo(await computeOn('wasm', batched), await computeOn('wasm', imageByImage));
    },
  );

  it.each(
    [0, 2, 3, 5, 6, 12, 13].flatMap((index) =>
      [1, 60, 700].map((budget) => [describeCase(cases[index]), budget, cases[index]] as const),
    ),
  )(
    'matches the cpu backend with the sum split into GEMMs of any size, down to one grid row: %s, budget %d floats',
    async (_label, budget, c) => {
      const { xShape, filterShape, outShape, x, dy } = inputsOf(c, 41);
      const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape };
      const onCpu = () =>
        tf
          .engine()
          .runKernel(
            tf.Conv2DBackpropFilter,
            { x: tf.tensor(x, xShape), dy: tf.tensor(dy, outShape) },
            attrs,
          ) as tf.Tensor;
      const withBudget = () =>
        tf.engine().makeTensorFromTensorInfo(
          conv2DBackpropFilterWithBudget(budget)({
            inputs: { x: tf.tensor(x, xShape), dy: tf.tensor(dy, outShape) },
            backend: tf.backend(),
            attrs,
          }) as tf.TensorInfo,
        );
      expectCloseTo(await computeOn('wasm', withBudget), await computeOn('cpu', onCpu));
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
