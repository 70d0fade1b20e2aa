import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ExtraWasmKernel, KernelArgs } from '../kernel-support/kernel-replacement';
import {
  add,
  batchMatMul,
  copyRange,
  heapFloats,
  offsetInHeap,
  padWithZeros,
  release,
  slice,
  transpose,
  viewAs,
} from '../kernel-support/wasm-ops';

/**
 * Floats of patch matrix per GEMM (2 MB). The patch matrix of a whole batch can be large (48 MB
 * for a 3x3 conv of 32 channels on a batch of 128 16x16 maps, more than 100 MB for one 224x224
 * image of 64 channels); in chunks of grid rows near this size the GEMMs run as fast per multiply
 * as one big GEMM, without its memory.
 */
export const PATCH_FLOATS_PER_GEMM = 1 << 19;

/**
 * Conv2DBackpropFilter, which tfjs-backend-wasm 4.22 lacks (so no conv net could train on wasm),
 * as XNNPACK GEMMs.
 *
 * With x̃ the zero-padded input and s the stride,
 *   dw[a,b,ci,co] = Σ over n,i,j of x̃[n, i·s + a, j·s + b, ci] · dy[n,i,j,co].
 * Split x̃ into s×s phases, phase (p,q)[ci, n, u, v] = x̃[n, u·s + p, v·s + q, ci], on a grid of
 * Hq × Wq positions per image; tap (a,b) reads phase (a mod s, b mod s) at (i + ⌊a/s⌋,
 * j + ⌊b/s⌋). Over the flattened grid k = (n·Hq + u)·Wq + v that is a constant shift,
 * ⌊a/s⌋·Wq + ⌊b/s⌋, so for the rows u < Ho that meet dy, each image contributes one contiguous
 * run of Ho·Wq positions to each row of the patch matrix
 *   cols[(a,b,ci), (n,u,v)] = phase(a mod s, b mod s)[ci, k + shift(a,b)],
 * and dw = cols · dy_grid, with dy widened to Wq columns (zeros past Wo), comes out directly in
 * [kh, kw, ci, co] order. The sum runs over chunks of those grid rows, one GEMM each, added up. Grid columns past Wo are multiplied by zeros: the price of copying long runs.
 *
 * (A Conv2D with dy as the filter computes the same sum, but XNNPACK repacks that batch-sized
 * filter on every call, which made it 1.5–2× slower on a small CNN's layers.)
 */
function conv2DBackpropFilter(
  args: KernelArgs,
  patchFloatsPerGemm = PATCH_FLOATS_PER_GEMM,
): tf.TensorInfo {
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

  // dy on the grid's columns: [n, Ho, Wq, co], so a chunk of images is one contiguous range.
  const dyGrid =
    gridCols > dyCols
      ? padWithZeros(backend, dy, [
          [0, 0],
          [0, 0],
          [0, gridCols - dyCols],
          [0, 0],
        ])
      : null;

  const imageGrid = gridRows * gridCols;
  const gridSize = batch * imageGrid;
  // The grid rows that meet dy: the first Ho of each image, dyRows·batch in all, numbered
  // g = n·Ho + u; in dyGrid they are consecutive, in the phases one run per image.
  const rowsToSum = batch * dyRows;
  const patchRows = kh * kw * inChannels;
  const rowsPerGemm = Math.max(1, Math.floor(patchFloatsPerGemm / (patchRows * gridCols)));
  let gradient: tf.TensorInfo | null = null;
  for (let firstRow = 0; firstRow < rowsToSum; firstRow += rowsPerGemm) {
    const endRow = Math.min(rowsToSum, firstRow + rowsPerGemm);
    const width = (endRow - firstRow) * gridCols;
    const dyChunk =
      endRow - firstRow === rowsToSum
        ? null
        : copyRange(backend, dyGrid ?? dy, firstRow * gridCols * outChannels, [
            1,
            width,
            outChannels,
          ]);
    const patches = backend.makeOutput([1, patchRows, width], 'float32');
    // Views are taken after the last allocation: growing the heap detaches older ones. Both
    // buffers live in the one wasm heap, so runs move with copyWithin (no allocation).
    const heap = heapFloats(backend, phases);
    const phasesAt = offsetInHeap(backend, phases);
    const patchesAt = offsetInHeap(backend, patches);
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const phase = (a % sh) * sw + (b % sw);
        const shift = Math.floor(a / sh) * gridCols + Math.floor(b / sw);
        for (let ci = 0; ci < inChannels; ci++) {
          const phaseStart = phasesAt + (phase * inChannels + ci) * gridSize;
          const phaseEnd = phaseStart + gridSize;
          let to = patchesAt + ((a * kw + b) * inChannels + ci) * width;
          for (let row = firstRow; row < endRow;) {
            const image = Math.floor(row / dyRows);
            const rowInImage = row - image * dyRows;
            const rows = Math.min(endRow, (image + 1) * dyRows) - row;
            const run = rows * gridCols;
            const from = phaseStart + image * imageGrid + rowInImage * gridCols + shift;
            // Past the grid's end the patch is only ever multiplied by dy's zero columns.
            const inGrid = Math.max(0, Math.min(run, phaseEnd - from));
            heap.copyWithin(to, from, from + inGrid);
            if (inGrid < run) heap.fill(0, to + inGrid, to + run);
            to += run;
            row += rows;
          }
        }
      }
    }
    const partial = batchMatMul(
      backend,
      patches,
      dyChunk ?? viewAs(dyGrid ?? dy, [1, width, outChannels]),
    );
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
  kernelFunc: (args) => conv2DBackpropFilter(args),
};

/** The same kernel with another patch-matrix budget per GEMM (tests use tiny ones). */
export function conv2DBackpropFilterWithBudget(patchFloatsPerGemm: number): tf.KernelFunc {
  return (args) => conv2DBackpropFilter(args, patchFloatsPerGemm);
}
