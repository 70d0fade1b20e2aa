import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  stockWasmKernel,
  type ExtraWasmKernel,
  type KernelArgs,
} from '../kernel-support/kernel-replacement';

/**
 * Identity (what `clone`, and so tfjs-layers and the optimizers, run) without a copy: the result
 * shares x's buffer, which the backend frees when the last tensor on it is disposed. The cpu
 * backend and the wasm Reshape kernel already share buffers this way; the stock wasm Identity
 * copied every value (about 2.5% of a LeNet-5 training step). Strings go to the stock kernel.
 */
function identity(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return stockWasmKernel(tf.Identity)(args);
  (args.backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityKernel: ExtraWasmKernel = {
  kernelName: tf.Identity,
  kernelFunc: identity,
};
