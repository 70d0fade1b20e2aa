import type { Backend } from '@neusemslice/core';
import { createNativeBackend, type PackageLoader } from '@neusemslice/backend-node';

/** Built at run time so that no tool treats the optional package as a dependency. */
export const TFJS_NODE_GPU_PACKAGE = ['@tensorflow', 'tfjs-node-gpu'].join('/');

export interface TfjsNodeGpuBackendOptions {
  /** How to find and load @tensorflow/tfjs-node-gpu; default Node's `require`. */
  loader?: PackageLoader;
}

/** A Backend for @tensorflow/tfjs-node-gpu (native TensorFlow with CUDA), used where installed. */
export function createTfjsNodeGpuBackend(options: TfjsNodeGpuBackendOptions = {}): Backend {
  return createNativeBackend({
    name: 'tfjs-node-gpu',
    priority: 400,
    packageName: TFJS_NODE_GPU_PACKAGE,
    loader: options.loader,
  });
}

/** The tfjs-node-gpu backend, looked up with Node's `require`. */
export const tfjsNodeGpuBackend: Backend = createTfjsNodeGpuBackend();
