import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ExtraWasmKernel, KernelArgs } from '../kernel-support/kernel-replacement';
import {
  conv2d,
  padWithZeros,
  release,
  reverse,
  slice,
  transpose,
  viewAs,
} from '../kernel-support/wasm-ops';

/**
 * Conv2DBackpropInput (the input gradient of conv2d, and conv2dTranspose) on XNNPACK. The stock
 * wasm kernel is a naive loop, about 10× slower than a forward conv of the same size, and was
 * the slowest step of CNN training.
 *
 * dx is a stride-1 conv2d of dy, dilated by the stride (s − 1 zeros between neighbours) and
 * zero-padded by kh − 1 − top rows above, with the filter flipped in space and its channel axes
 * swapped ([kh, kw, co, ci]). The zero border is the conv's own padding (XNNPACK reads zeros
 * through its indirection buffer, no copy); dilation is a pad of dy viewed as
 * [n, ho, 1, wo, 1, co]. (A GEMM of dy with the filter followed by a scatter-add, col2im, does
 * half the multiplies but measured no faster on LeNet-5's layers: the scatter runs in JS.)
 */
function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const inputs = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropInputAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    inputs.filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const channelsLast = info.dataFormat === 'channelsLast';
  const dy = channelsLast ? inputs.dy : transpose(backend, inputs.dy, [0, 2, 3, 1]);
  const [batch, dyRows, dyCols, outChannels] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  if (batch !== info.batchSize || outChannels !== info.outChannels) {
    throw new Error(
      `Conv2DBackpropInput: dy [${inputs.dy.shape}] must have the input's batch ${info.batchSize} ` +
        `and the filter's ${info.outChannels} output channels`,
    );
  }

  // dy with s − 1 zero rows (columns) after each row (column): [n, ho·sh, wo·sw, co].
  const dilated =
    sh > 1 || sw > 1
      ? viewAs(
          padWithZeros(backend, viewAs(dy, [batch, dyRows, 1, dyCols, 1, outChannels]), [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ]),
          [batch, dyRows * sh, dyCols * sw, outChannels],
        )
      : null;
  const spread = dilated ?? dy;
  const [, spreadRows, spreadCols] = spread.shape;

  // The conv reads inHeight + kh − 1 rows, the first being kh − 1 − top rows above dy's first.
  const above = kh - 1 - info.padInfo.top;
  const before = kw - 1 - info.padInfo.left;
  const below = info.inHeight + kh - 1 - above - spreadRows;
  const after = info.inWidth + kw - 1 - before - spreadCols;
  const cropped =
    above < 0 || before < 0 || below < 0 || after < 0
      ? slice(
          backend,
          spread,
          [0, Math.max(0, -above), Math.max(0, -before), 0],
          [
            batch,
            spreadRows - Math.max(0, -above) - Math.max(0, -below),
            spreadCols - Math.max(0, -before) - Math.max(0, -after),
            outChannels,
          ],
        )
      : null;
  // The zero border is left to the conv (XNNPACK pads through its indirection buffer, no copy).
  const border: [[number, number], [number, number]] = [
    [Math.max(0, above), Math.max(0, below)],
    [Math.max(0, before), Math.max(0, after)],
  ];
  const flipped = reverse(backend, inputs.filter, [0, 1]);
  const swapped = transpose(backend, flipped, [0, 1, 3, 2]);
  const dx = conv2d(backend, cropped ?? spread, swapped, [1, 1], [1, 1], border);
  release(backend, dilated, cropped, flipped, swapped, dy === inputs.dy ? null : dy);
  if (channelsLast) return dx;
  const dxChannelsFirst = transpose(backend, dx, [0, 3, 1, 2]);
  release(backend, dx);
  return dxChannelsFirst;
}

export const conv2DBackpropInputKernel: ExtraWasmKernel = {
  kernelName: tf.Conv2DBackpropInput,
  kernelFunc: conv2DBackpropInput,
};
