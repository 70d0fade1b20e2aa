import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { constantPad } from './constant-pad';
import { stockWasmKernel } from './kernel-replacement';

/**
 * Small wrappers that run stock wasm kernels on TensorInfos inside another kernel. Every result is
 * a new buffer the caller owns: hand it back as the kernel's output or free it with `release`.
 */

type Attrs = tf.NamedAttrMap;

function runStock(
  kernelName: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: Attrs = {},
): tf.TensorInfo {
  const result = stockWasmKernel(kernelName)({ inputs, backend, attrs });
  if (Array.isArray(result)) {
    throw new Error(`wasm kernel '${kernelName}' returned ${result.length} outputs, expected one`);
  }
  return result;
}

/** Frees intermediates this kernel created (never its inputs). */
export function release(
  backend: BackendWasm,
  ...infos: (tf.TensorInfo | null | undefined)[]
): void {
  for (const info of infos) if (info) backend.disposeData(info.dataId);
}

/** The same buffer seen with another shape of the same size; owns nothing, costs nothing. */
export function viewAs(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

export function transpose(backend: BackendWasm, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runStock('Transpose', backend, { x }, { perm });
}

/** Zero padding; `paddings[axis]` is [before, after]. */
export function padWithZeros(
  backend: BackendWasm,
  x: tf.TensorInfo,
  paddings: [number, number][],
): tf.TensorInfo {
  return constantPad(backend, x, paddings, 0);
}

/**
 * A contiguous run of `x`'s values, from flat index `start`, copied into a new buffer of `shape`.
 * (The stock Slice kernel first copies all of `x` out of the heap: far slower for a small part
 * of a large tensor.)
 */
export function copyRange(
  backend: BackendWasm,
  x: tf.TensorInfo,
  start: number,
  shape: number[],
): tf.TensorInfo {
  const out = backend.makeOutput(shape, x.dtype);
  const size = tf.util.sizeFromShape(shape);
  // Views are taken after the allocation: growing the heap detaches older ones.
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(start, start + size));
  return out;
}

/** The whole wasm heap as floats (take it after the last allocation: growing detaches it). */
export function heapFloats(backend: BackendWasm, anyFloat32: tf.TensorInfo): Float32Array {
  return new Float32Array(backend.typedArrayFromHeap(anyFloat32).buffer);
}

/** Where a float32 buffer starts in `heapFloats`, in floats. */
export function offsetInHeap(backend: BackendWasm, float32: tf.TensorInfo): number {
  return backend.typedArrayFromHeap(float32).byteOffset / Float32Array.BYTES_PER_ELEMENT;
}

/** Stock Slice; it copies all of `x` out of the heap first, so keep it for one-off crops. */
export function slice(
  backend: BackendWasm,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
): tf.TensorInfo {
  return runStock('Slice', backend, { x }, { begin, size });
}

/**
 * Stock conv2d, NHWC, with explicit zero padding `[[top, bottom], [left, right]]` (default none),
 * which XNNPACK applies without copying x. Calls the kernel directly, so the op's rule that
 * strides and dilations cannot both exceed 1 does not apply (XNNPACK allows it).
 */
export function conv2d(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  strides: [number, number],
  dilations: [number, number],
  padding: [[number, number], [number, number]] = [
    [0, 0],
    [0, 0],
  ],
): tf.TensorInfo {
  const [rows, cols] = padding;
  const pad = rows.some(Boolean) || cols.some(Boolean) ? [[0, 0], rows, cols, [0, 0]] : 'valid';
  return runStock(
    'Conv2D',
    backend,
    { x, filter },
    { strides, dilations, pad, dataFormat: 'NHWC' },
  );
}

/** Reverses the order of elements along `axes`. */
export function reverse(backend: BackendWasm, x: tf.TensorInfo, axes: number[]): tf.TensorInfo {
  return runStock('Reverse', backend, { x }, { dims: axes });
}

/** Stock rank-3 BatchMatMul with both operands untransposed. */
export function batchMatMul(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
): tf.TensorInfo {
  return runStock('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
}

export function add(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return runStock('Add', backend, { a, b });
}

/** Runs a stock kernel with one input `x` (and optionally more), e.g. 'Relu', 'Elu'. */
export function unary(
  backend: BackendWasm,
  kernelName: string,
  x: tf.TensorInfo,
  attrs: Attrs = {},
  extraInputs: tf.NamedTensorInfoMap = {},
): tf.TensorInfo {
  return runStock(kernelName, backend, { x, ...extraInputs }, attrs);
}

/** Runs a stock kernel by name; for the few calls the helpers above do not cover. */
export function runStockKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: Attrs = {},
): tf.TensorInfo {
  return runStock(kernelName, backend, inputs, attrs);
}
