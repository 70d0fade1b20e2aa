import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  stockWasmKernel,
  type ExtraWasmKernel,
  type KernelArgs,
} from '../kernel-support/kernel-replacement';
import { untransposedMatMul } from '../kernel-support/untransposed-matmul';

/**
 * BatchMatMul that reaches XNNPACK for transposed operands and batched products too. The stock
 * kernel handles only the untransposed batch-1 case fast; every backward pass of a dense layer
 * (dx = dy·Wᵀ, dW = xᵀ·dy) takes its naive loop.
 */
function batchMatMul(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    // The stock kernel says what it does not support.
    return stockWasmKernel(tf.BatchMatMul)(args);
  }
  return untransposedMatMul(backend, { a, b, transposeA, transposeB }, null).out;
}

export const batchMatMulKernel: ExtraWasmKernel = {
  kernelName: tf.BatchMatMul,
  kernelFunc: batchMatMul,
};
