import * as tf from '@tensorflow/tfjs';

/** The backend these kernels are written for. */
export const WASM = 'wasm';

/** What tfjs passes a kernel function. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** A kernel this package adds to, or swaps into, the wasm backend. */
export interface ExtraWasmKernel {
  readonly kernelName: string;
  readonly kernelFunc: tf.KernelFunc;
}

/**
 * The kernels tfjs-backend-wasm registered before this package replaced them, by kernel name.
 * Replacements call them for the work they do well; kept here because the registry forgets them.
 */
const stockKernels = new Map<string, tf.KernelConfig>();

/**
 * Registers `kernel` for the wasm backend, first unregistering the stock one (tfjs warns on a
 * second registration) and keeping it for `stockWasmKernel`. Idempotent: returns false, and
 * changes nothing, when this very kernel is already registered.
 */
export function installWasmKernel(kernel: ExtraWasmKernel): boolean {
  const current = tf.getKernel(kernel.kernelName, WASM);
  if (current?.kernelFunc === kernel.kernelFunc) return false;
  if (current) {
    stockKernels.set(kernel.kernelName, current);
    tf.unregisterKernel(kernel.kernelName, WASM);
  }
  const stock = stockKernels.get(kernel.kernelName);
  tf.registerKernel({
    kernelName: kernel.kernelName,
    backendName: WASM,
    kernelFunc: kernel.kernelFunc,
    // The stock kernel binds its wasm function in setupFunc, which tfjs runs only for kernels
    // registered when the backend initialises: ours stands in for it.
    setupFunc: stock?.setupFunc,
    disposeFunc: stock?.disposeFunc,
  });
  return true;
}

/** True when `kernel` is the one registered for the wasm backend under its name. */
export function isWasmKernelInstalled(kernel: ExtraWasmKernel): boolean {
  return tf.getKernel(kernel.kernelName, WASM)?.kernelFunc === kernel.kernelFunc;
}

/**
 * The kernel function tfjs-backend-wasm itself provides for `kernelName`: the stock one kept by
 * `installWasmKernel` when this package replaced it, otherwise the registered one.
 */
export function stockWasmKernel(kernelName: string): tf.KernelFunc {
  const config = stockKernels.get(kernelName) ?? tf.getKernel(kernelName, WASM);
  if (!config) {
    throw new Error(
      `kernel '${kernelName}' is not registered for the wasm backend: import '@tensorflow/tfjs-backend-wasm' first`,
    );
  }
  return config.kernelFunc;
}
