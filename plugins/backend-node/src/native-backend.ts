import * as tf from '@tensorflow/tfjs';
import { UsageError, type Backend } from '@neusemslice/core';
import { nodePackageLoader, type PackageLoader } from './package-loader';

/** The tfjs backend name that @tensorflow/tfjs-node and -node-gpu register. */
const NATIVE_BACKEND_NAME = 'tensorflow';

export interface NativeBackendSpec {
  /** Name users pick it by, e.g. `tfjs-node`. */
  name: string;
  priority: number;
  /** The optional package that brings native TensorFlow, e.g. @tensorflow/tfjs-node. */
  packageName: string;
  /** How to find and load the package; default Node's `require`. */
  loader?: PackageLoader;
}

/**
 * A Backend for a package that registers native TensorFlow ('tensorflow') with tfjs when loaded.
 * The package is optional: nothing depends on it, so it is used only where the user installed it.
 */
export function createNativeBackend(spec: NativeBackendSpec): Backend {
  const loader = spec.loader ?? nodePackageLoader;
  return {
    name: spec.name,
    priority: spec.priority,
    isAvailable() {
      try {
        loader.resolve(spec.packageName);
        return true;
      } catch {
        return false;
      }
    },
    async activate() {
      try {
        // Loading it registers the 'tensorflow' backend with the (global) tfjs engine.
        loader.load(spec.packageName);
      } catch (error) {
        throw new UsageError(
          `backend '${spec.name}' needs ${spec.packageName}, which could not be loaded ` +
            `(${(error as Error).message.split('\n')[0]}); install it with ` +
            `\`npm install ${spec.packageName}@${tf.version_core}\` or pick another backend`,
        );
      }
      if (!tf.findBackendFactory(NATIVE_BACKEND_NAME)) {
        throw new UsageError(
          `${spec.packageName} loaded but registered no '${NATIVE_BACKEND_NAME}' backend; ` +
            `install the version matching @tensorflow/tfjs ${tf.version_core}`,
        );
      }
      if (!(await tf.setBackend(NATIVE_BACKEND_NAME))) {
        throw new Error(
          `the '${NATIVE_BACKEND_NAME}' backend of ${spec.packageName} failed to initialise`,
        );
      }
      await tf.ready();
    },
  };
}
