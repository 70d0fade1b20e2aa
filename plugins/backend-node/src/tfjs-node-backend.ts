import type { Backend } from '@neusemslice/core';
import { createNativeBackend } from './native-backend';
import type { PackageLoader } from './package-loader';

/** Built at run time so that no tool treats the optional package as a dependency. */
export const TFJS_NODE_PACKAGE = ['@tensorflow', 'tfjs-node'].join('/');

export interface TfjsNodeBackendOptions {
  /** How to find and load @tensorflow/tfjs-node; default Node's `require`. */
  loader?: PackageLoader;
}

/** A Backend for @tensorflow/tfjs-node (native TensorFlow on the CPU), used where installed. */
export function createTfjsNodeBackend(options: TfjsNodeBackendOptions = {}): Backend {
  return createNativeBackend({
    name: 'tfjs-node',
    priority: 300,
    packageName: TFJS_NODE_PACKAGE,
    loader: options.loader,
  });
}

/** The tfjs-node backend, looked up with Node's `require`. */
export const tfjsNodeBackend: Backend = createTfjsNodeBackend();
