import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  stockWasmKernel,
  type ExtraWasmKernel,
  type KernelArgs,
} from '../kernel-support/kernel-replacement';
import { untransposedMatMul, type MatMulEpilogue } from '../kernel-support/untransposed-matmul';
import { add, release, unary } from '../kernel-support/wasm-ops';

/** The activation applied on its own, by the stock kernel of that name. */
function activate(
  backend: BackendWasm,
  x: tf.TensorInfo,
  { activation, preluActivationWeights, leakyreluAlpha }: MatMulEpilogue,
): tf.TensorInfo | null {
  switch (activation) {
    case 'linear':
      return null;
    case 'relu':
      return unary(backend, tf.Relu, x);
    case 'relu6':
      return unary(backend, tf.Relu6, x);
    case 'sigmoid':
      return unary(backend, tf.Sigmoid, x);
    case 'elu':
      return unary(backend, tf.Elu, x);
    case 'leakyrelu':
      return unary(backend, tf.LeakyRelu, x, { alpha: leakyreluAlpha ?? 0.2 });
    case 'prelu':
      if (!preluActivationWeights) {
        throw new Error(`_FusedMatMul: activation 'prelu' needs preluActivationWeights`);
      }
      return unary(backend, tf.Prelu, x, {}, { alpha: preluActivationWeights });
    default:
      throw new Error(
        `_FusedMatMul: unknown activation '${activation}' (expected linear, relu, relu6, prelu, leakyrelu, sigmoid or elu)`,
      );
  }
}

/**
 * _FusedMatMul (matmul + bias + activation, what tfjs-layers' Dense runs) on XNNPACK whatever the
 * transposes and batch. The stock kernel's slow path, taken for transposed operands or batch > 1,
 * adds the bias once per 48-wide block of the inner dimension and indexes it wrongly, so its
 * results are wrong there. Where the product is one untransposed GEMM the stock kernel fuses the
 * epilogue; otherwise bias and activation run as their own stock kernels.
 */
function fusedMatMul(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { a, b, bias, preluActivationWeights } = args.inputs as {
    a: tf.TensorInfo;
    b: tf.TensorInfo;
    bias?: tf.TensorInfo;
    preluActivationWeights?: tf.TensorInfo;
  };
  const attrs = (args.attrs ?? {}) as unknown as tf._FusedMatMulAttrs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    // The stock kernel says what it does not support.
    return stockWasmKernel(tf._FusedMatMul)(args);
  }
  const epilogue: MatMulEpilogue = {
    bias,
    activation: attrs.activation ?? 'linear',
    preluActivationWeights,
    leakyreluAlpha: attrs.leakyreluAlpha,
  };
  const { out: product, fusedEpilogue } = untransposedMatMul(
    backend,
    { a, b, transposeA: attrs.transposeA, transposeB: attrs.transposeB },
    epilogue,
  );
  if (fusedEpilogue) return product;
  const withBias = bias ? add(backend, product, bias) : product;
  if (withBias !== product) release(backend, product);
  const activated = activate(backend, withBias, epilogue);
  if (!activated) return withBias;
  release(backend, withBias);
  return activated;
}

export const fusedMatMulKernel: ExtraWasmKernel = {
  kernelName: tf._FusedMatMul,
  kernelFunc: fusedMatMul,
};
