import * as tf from '@tensorflow/tfjs';
import { UsageError, type Backend } from '@neusemslice/core';
import { nodePackageLoader, type PackageLoader } from './package-loader';

/** Built at run time so that no tool treats the optional package as a dependency. */
export const TFJS_NODE_GPU_PACKAGE = ['@tensorflow', 'tfjs-node-gpu'].join('/');

/** The tfjs backend name @tensorflow/tfjs-node-gpu registers. */
const NATIVE_BACKEND_NAME = 'tensorflow';

export interface TfjsNodeGpuBackendOptions {
  /** How to find and load @tensorflow/tfjs-node-gpu; default Node's `require`. */
  loader?: PackageLoader;
}

/**
 * A Backend for @tensorflow/tfjs-node-gpu (native TensorFlow with CUDA). It is optional: this
 * package does not depend on it, so it is used only where the user installed it.
 */
export function createTfjsNodeGpuBackend(options: TfjsNodeGpuBackendOptions = {}): Backend {
  const loader = options.loader ?? nodePackageLoader;
  return {
    name: 'tfjs-node-gpu',
    priority: 400,
    isAvailable() {
      try {
        loader.resolve(TFJS_NODE_GPU_PACKAGE);
        return true;
      } catch {
        return false;
      }
    },
    async activate() {
      try {
        // Loading it registers the 'tensorflow' backend with the (global) tfjs engine.
        loader.load(TFJS_NODE_GPU_PACKAGE);
      } catch (error) {
        throw new UsageError(
          `backend 'tfjs-node-gpu' needs ${TFJS_NODE_GPU_PACKAGE}, which could not be loaded ` +
            `(${(error as Error).message.split('\n')[0]}); install it with ` +
            `\`npm install ${TFJS_NODE_GPU_PACKAGE}@${tf.version_core}\` or pick another backend`,
        );
      }
      if (!tf.findBackendFactory(NATIVE_BACKEND_NAME)) {
        throw new UsageError(
          `${TFJS_NODE_GPU_PACKAGE} loaded but registered no '${NATIVE_BACKEND_NAME}' backend; ` +
            `install the version matching @tensorflow/tfjs ${tf.version_core}`,
        );
      }
      if (!(await tf.setBackend(NATIVE_BACKEND_NAME))) {
        throw new Error(
          `the '${NATIVE_BACKEND_NAME}' backend of ${TFJS_NODE_GPU_PACKAGE} failed to initialise`,
        );
      }
      await tf.ready();
    },
  };
}

/** The tfjs-node-gpu backend, looked up with Node's `require`. */
export const tfjsNodeGpuBackend: Backend = createTfjsNodeGpuBackend();
