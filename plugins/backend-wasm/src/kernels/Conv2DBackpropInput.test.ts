import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  expectCloseTo,
  liveCounts,
} from '../__fixtures__/compare-backends';
import {
  convCases,
  convInputsOf,
  describeConvCase,
  type ConvCase,
} from '../__fixtures__/conv-cases';

beforeAll(activateWasm);

describe('Conv2DBackpropInput on wasm', () => {
  it.each(convCases.map((c, i) => [describeConvCase(c), c, i] as const))(
    'matches the cpu backend through tf.grad of conv2d: %s',
    async (_label, c, index) => {
      const { xShape, filterShape, outShape, x, filter, dy } = convInputsOf(c, 50 * index + 3);
      // d/dx of Σ conv2d(x, filter) · dy is the input gradient for upstream gradient dy.
      const inputGradient = () =>
        tf.grad((xs: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.conv2d(
                xs as tf.Tensor4D,
                tf.tensor4d(filter, filterShape),
                c.stride,
                c.pad,
                'NHWC',
                1,
                c.dimRoundingMode,
              ),
              tf.tensor(dy, outShape),
            ),
          ),
        )(tf.tensor4d(x, xShape));
      expectCloseTo(await computeOn('wasm', inputGradient), await computeOn('cpu', inputGradient));
    },
  );

  it('matches the cpu backend for conv2dTranspose, which runs the same kernel', async () => {
    const c = convCases[2];
    const { xShape, filterShape, outShape, filter, dy } = convInputsOf(c, 21);
    const transposed = () =>
      tf.conv2dTranspose(
        tf.tensor4d(dy, outShape as [number, number, number, number]),
        tf.tensor4d(filter, filterShape),
        xShape,
        c.stride,
        c.pad,
      );
    expectCloseTo(await computeOn('wasm', transposed), await computeOn('cpu', transposed));
  });

  it('matches the cpu backend for NCHW and for dimRoundingMode ceil (run as a kernel)', async () => {
    const c: ConvCase = {
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
    const { xShape, filterShape, outShape, filter, dy } = convInputsOf(c, 31);
    const channelsLast = () =>
      tf.engine().runKernel(
        tf.Conv2DBackpropInput,
        { dy: tf.tensor(dy, outShape), filter: tf.tensor(filter, filterShape) },
        {
          strides: c.stride,
          pad: c.pad,
          dataFormat: 'NHWC',
          dimRoundingMode: 'ceil',
          inputShape: xShape,
        },
      ) as tf.Tensor;
    expectCloseTo(await computeOn('wasm', channelsLast), await computeOn('cpu', channelsLast));

    const same = convInputsOf(convCases[3], 32);
    const [n, h, w, ch] = same.xShape;
    const channelsFirst = () =>
      tf.engine().runKernel(
        tf.Conv2DBackpropInput,
        {
          dy: tf.transpose(tf.tensor(same.dy, same.outShape), [0, 3, 1, 2]),
          filter: tf.tensor(same.filter, same.filterShape),
        },
        {
          strides: convCases[3].stride,
          pad: 'same',
          dataFormat: 'NCHW',
          inputShape: [n, ch, h, w],
        },
      ) as tf.Tensor;
    expectCloseTo(await computeOn('wasm', channelsFirst), await computeOn('cpu', channelsFirst));
  });

  it('leaks neither tensors nor wasm buffers over repeated calls', async () => {
    await tf.setBackend('wasm');
    const steps = [convCases[0], convCases[3], convCases[8]].map((c) => {
      const { xShape, filterShape, outShape, x, filter, dy } = convInputsOf(c, 4);
      return () =>
        tf
          .tidy(() =>
            tf.grad((xs: tf.Tensor) =>
              tf.sum(
                tf.mul(
                  tf.conv2d(xs as tf.Tensor4D, tf.tensor4d(filter, filterShape), c.stride, c.pad),
                  tf.tensor(dy, outShape),
                ),
              ),
            )(tf.tensor4d(x, xShape)),
          )
          .dispose();
    });
    steps.forEach((step) => step());
    const before = liveCounts();
    for (let i = 0; i < 3; i++) steps.forEach((step) => step());
    expect(liveCounts()).toEqual(before);
  });
});
