import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ExtraWasmKernel, KernelArgs } from '../kernel-support/kernel-replacement';
import {
  add,
  batchMatMul,
  copyRange,
  padWithZeros,
  release,
  slice,
  transpose,
  viewAs,
} from '../kernel-support/wasm-ops';

/**
 * Grid positions per GEMM. The patch matrix for all of them would be kh·kw·ci × n·h·w floats
 * (48 MB for a 3x3 conv of 32 channels on a batch of 128 16x16 maps); in chunks of 2048 columns
 * it stays in cache, and the GEMMs ran ~35% faster than one big GEMM (measured for 3 and 32
 * input channels).
 */
const GRID_CHUNK = 2048;

/**
 * Conv2DBackpropFilter, which tfjs-backend-wasm 4.22 lacks (so no conv net could train on wasm),
 * as XNNPACK GEMMs.
 *
 * With x̃ the zero-padded input and s the stride,
 *   dw[a,b,ci,co] = Σ over n,i,j of x̃[n, i·s + a, j·s + b, ci] · dy[n,i,j,co].
 * Split x̃ into s×s phases, phase (p,q)[ci, n, u, v] = x̃[n, u·s + p, v·s + q, ci], on a grid of
 * Hq × Wq positions; tap (a,b) reads phase (a mod s, b mod s) at (i + ⌊a/s⌋, j + ⌊b/s⌋). Over the
 * flattened grid k = (n·Hq + u)·Wq + v that is a constant shift, ⌊a/s⌋·Wq + ⌊b/s⌋, so each row
 * of the patch matrix
 *   cols[(a,b,ci), k] = phase(a mod s, b mod s)[ci, k + shift(a,b)]
 * is one contiguous copy, and dw = cols · dy_grid, dy placed on the same grid (zeros past Ho, Wo),
 * comes out directly in [kh, kw, ci, co] order. The sum over the grid runs in chunks, one GEMM
 * each, added up.
 *
 * (A Conv2D with dy as the filter computes the same sum, but XNNPACK repacks that batch-sized
 * filter on every call, which made it 1.5–2× slower on a small CNN's layers.)
 */
function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const inputs = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    inputs.x.shape as [number, number, number, number],
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const channelsLast = info.dataFormat === 'channelsLast';
  const x = channelsLast ? inputs.x : transpose(backend, inputs.x, [0, 2, 3, 1]);
  const dy = channelsLast ? inputs.dy : transpose(backend, inputs.dy, [0, 2, 3, 1]);
  // dy's own size is the truth: tfjs's conv2d gradient drops dimRoundingMode, so info's output
  // size can be a row short of what the forward pass produced.
  const [batch, dyRows, dyCols, outChannels] = dy.shape;
  if (batch !== info.batchSize || outChannels !== info.outChannels) {
    throw new Error(
      `Conv2DBackpropFilter: dy [${inputs.dy.shape}] must have x's batch ${info.batchSize} and ` +
        `the filter's ${info.outChannels} output channels (x [${inputs.x.shape}], filter [${filterShape}])`,
    );
  }
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { inHeight, inWidth, inChannels } = info;
  const { top, left } = info.padInfo;

  // The padded input the forward pass read, rounded up to whole phases.
  const gridRows = Math.ceil(((dyRows - 1) * sh + kh) / sh);
  const gridCols = Math.ceil(((dyCols - 1) * sw + kw) / sw);
  const rowsOfX = Math.min(inHeight, gridRows * sh - top);
  const colsOfX = Math.min(inWidth, gridCols * sw - left);
  const cropped =
    rowsOfX < inHeight || colsOfX < inWidth
      ? slice(backend, x, [0, 0, 0, 0], [batch, rowsOfX, colsOfX, inChannels])
      : null;
  const paddedX = padWithZeros(backend, cropped ?? x, [
    [0, 0],
    [top, gridRows * sh - top - rowsOfX],
    [left, gridCols * sw - left - colsOfX],
    [0, 0],
  ]);
  // [sh, sw, ci, n, gridRows, gridCols]: each (phase, channel) a contiguous block over the grid.
  const phases =
    sh === 1 && sw === 1
      ? transpose(backend, paddedX, [3, 0, 1, 2])
      : transpose(
          backend,
          viewAs(paddedX, [batch, gridRows, sh, gridCols, sw, inChannels]),
          [2, 4, 5, 0, 1, 3],
        );
  release(backend, cropped, paddedX);

  const dyGrid =
    gridRows > dyRows || gridCols > dyCols
      ? padWithZeros(backend, dy, [
          [0, 0],
          [0, gridRows - dyRows],
          [0, gridCols - dyCols],
          [0, 0],
        ])
      : null;

  const gridSize = batch * gridRows * gridCols;
  const patchRows = kh * kw * inChannels;
  let gradient: tf.TensorInfo | null = null;
  for (let start = 0; start < gridSize; start += GRID_CHUNK) {
    const width = Math.min(GRID_CHUNK, gridSize - start);
    const dyChunk = copyRange(backend, dyGrid ?? dy, start * outChannels, [1, width, outChannels]);
    const patches = backend.makeOutput([1, patchRows, width], 'float32');
    // Heap views are taken after the last allocation: growing the heap detaches older ones.
    const phaseValues = backend.typedArrayFromHeap(phases);
    const patchValues = backend.typedArrayFromHeap(patches);
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const phase = (a % sh) * sw + (b % sw);
        const shift = Math.floor(a / sh) * gridCols + Math.floor(b / sw);
        // Past the grid's end the patch is only ever multiplied by dy's zero padding.
        const inGrid = Math.max(0, Math.min(width, gridSize - shift - start));
        for (let ci = 0; ci < inChannels; ci++) {
          const from = (phase * inChannels + ci) * gridSize + shift + start;
          const to = ((a * kw + b) * inChannels + ci) * width;
          patchValues.set(phaseValues.subarray(from, from + inGrid), to);
          patchValues.fill(0, to + inGrid, to + width);
        }
      }
    }
    const partial = batchMatMul(backend, patches, dyChunk);
    release(backend, patches, dyChunk);
    if (gradient) {
      const sum: tf.TensorInfo = add(backend, gradient, partial);
      release(backend, gradient, partial);
      gradient = sum;
    } else {
      gradient = partial;
    }
  }
  release(backend, phases, dyGrid, x === inputs.x ? null : x, dy === inputs.dy ? null : dy);
  return viewAs(gradient as tf.TensorInfo, filterShape);
}

export const conv2DBackpropFilterKernel: ExtraWasmKernel = {
  kernelName: tf.Conv2DBackpropFilter,
  kernelFunc: conv2DBackpropFilter,
};
