import '@tensorflow/tfjs-backend-wasm';
import {
  installWasmKernel,
  isWasmKernelInstalled,
  type ExtraWasmKernel,
} from './kernel-support/kernel-replacement';
import { batchMatMulKernel } from './kernels/BatchMatMul';
import { conv2DBackpropFilterKernel } from './kernels/Conv2DBackpropFilter';
import { conv2DBackpropInputKernel } from './kernels/Conv2DBackpropInput';
import { fusedMatMulKernel } from './kernels/_FusedMatMul';
import { identityKernel } from './kernels/Identity';
import { maxPoolGradKernel } from './kernels/MaxPoolGrad';
import { padV2Kernel } from './kernels/PadV2';

/** Every kernel this package adds to or replaces in tfjs-backend-wasm, once each. */
export const extraWasmKernels: readonly ExtraWasmKernel[] = [
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  batchMatMulKernel,
  fusedMatMulKernel,
  maxPoolGradKernel,
  padV2Kernel,
  identityKernel,
];

/**
 * Registers the extra wasm kernels (replacing the stock ones of the same name). Safe to call any
 * number of times; returns the names of the kernels this call registered.
 */
export function registerExtraWasmKernels(): string[] {
  return extraWasmKernels.filter(installWasmKernel).map((kernel) => kernel.kernelName);
}

/** True when every extra kernel is the one tfjs would run on wasm. */
export function areExtraWasmKernelsRegistered(): boolean {
  return extraWasmKernels.every(isWasmKernelInstalled);
}
