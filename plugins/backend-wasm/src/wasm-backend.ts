import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Backend } from '@neusemslice/core';
import { registerExtraWasmKernels } from './register-all-kernels';
import { installedWasmBinaryFolder } from './wasm-binary-location';

export interface WasmBackendOptions {
  /**
   * Where tfjs-backend-wasm loads its .wasm binaries from: a folder (ending in a separator) or a
   * URL prefix, as `setWasmPaths` takes it. Default: the installed package's `dist` folder, found
   * with `require.resolve`. `false` leaves tfjs's own lookup alone (when you call `setWasmPaths`
   * yourself).
   */
  wasmPaths?: string | false;
}

/**
 * A Backend for tfjs-backend-wasm (XNNPACK with SIMD) with the kernels it lacks or runs slowly
 * for training (`extraWasmKernels`): Conv2DBackpropFilter, Conv2DBackpropInput, and matmuls that
 * stay on XNNPACK when transposed or batched.
 */
export function createWasmBackend(options: WasmBackendOptions = {}): Backend {
  return {
    name: 'wasm',
    priority: 200,
    // A dependency of this package, and the binaries ship inside it.
    isAvailable: () => true,
    async activate() {
      const wasmPaths =
        options.wasmPaths === undefined ? installedWasmBinaryFolder() : options.wasmPaths;
      // Paths only matter before the wasm module is first loaded.
      if (wasmPaths && !tf.engine().registry.wasm) setWasmPaths(wasmPaths);
      registerExtraWasmKernels();
      if (!(await tf.setBackend('wasm'))) {
        throw new Error(
          `the wasm backend failed to initialise (binaries looked up in ${wasmPaths || "tfjs-backend-wasm's own folder"}); see the warning above`,
        );
      }
      await tf.ready();
    },
  };
}

/** The wasm backend with default options. */
export const wasmBackend: Backend = createWasmBackend();
