import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Below this many elements a run is copied by a loop: `copyWithin` costs more per call. */
const SHORT_RUN = 16;

/**
 * `x` padded with `constantValue`, `paddings[axis]` = [before, after], as a new buffer the caller
 * owns. The stock PadV2 kernel computes every output element's source index; here the output is
 * filled once and x is copied in runs: everything after the last padded axis is contiguous in
 * both, so each run is one `copyWithin` inside the wasm heap (on LeNet-5's gradients ≈ 5× faster).
 */
export function constantPad(
  backend: BackendWasm,
  x: tf.TensorInfo,
  paddings: readonly (readonly [number, number])[],
  constantValue = 0,
): tf.TensorInfo {
  const rank = x.shape.length;
  if (paddings.length !== rank) {
    throw new Error(`pad: ${paddings.length} paddings for x of rank ${rank} [${x.shape}]`);
  }
  const outShape = x.shape.map((size, axis) => paddings[axis][0] + size + paddings[axis][1]);
  const out = backend.makeOutput(outShape, x.dtype);
  // Heap views are taken after the allocation: growing the heap detaches older ones.
  const outValues = backend.typedArrayFromHeap(out);
  const xValues = backend.typedArrayFromHeap(x);
  outValues.fill(x.dtype === 'bool' ? Number(constantValue !== 0) : constantValue);
  if (xValues.length === 0) return out;
  if (rank === 0) {
    outValues.set(xValues);
    return out;
  }

  // Axes after the last padded one are copied whole, with the last padded axis itself.
  let lastPadded = rank - 1;
  while (lastPadded > 0 && paddings[lastPadded][0] === 0 && paddings[lastPadded][1] === 0) {
    lastPadded--;
  }
  const inner = tf.util.sizeFromShape(x.shape.slice(lastPadded + 1));
  const run = x.shape[lastPadded] * inner;
  const outStrides = tf.util.computeStrides(outShape);
  const outStride = (axis: number) => (axis < rank - 1 ? outStrides[axis] : 1);

  // Whole-heap view: runs are moved with copyWithin, which allocates nothing.
  const elementBytes = outValues.BYTES_PER_ELEMENT;
  const heap = new (outValues.constructor as new (buffer: ArrayBufferLike) => tf.TypedArray)(
    outValues.buffer,
  );
  const xStart = xValues.byteOffset / elementBytes;
  let outStart = outValues.byteOffset / elementBytes;
  for (let axis = 0; axis <= lastPadded; axis++) outStart += paddings[axis][0] * outStride(axis);

  // Odometer over the axes before lastPadded.
  const counter = new Array<number>(lastPadded).fill(0);
  const runs = xValues.length / run;
  let outAt = outStart;
  for (let index = 0; index < runs; index++) {
    const xAt = xStart + index * run;
    if (run < SHORT_RUN) {
      for (let k = 0; k < run; k++) heap[outAt + k] = heap[xAt + k];
    } else {
      heap.copyWithin(outAt, xAt, xAt + run);
    }
    // Next run: bump the innermost counter, carrying into outer axes.
    for (let axis = lastPadded - 1; axis >= 0; axis--) {
      outAt += outStride(axis);
      if (++counter[axis] < x.shape[axis]) break;
      counter[axis] = 0;
      outAt -= x.shape[axis] * outStride(axis);
    }
  }
  return out;
}
