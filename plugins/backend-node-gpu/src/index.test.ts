import * as tf from '@tensorflow/tfjs';
import { UsageError } from '@neusemslice/core';
import { describeBackendContract } from '@neusemslice/backend-cpu/testing';
import plugin, {
  createTfjsNodeGpuBackend,
  TFJS_NODE_GPU_PACKAGE,
  type PackageLoader,
} from './index';

// @tensorflow/tfjs-node-gpu is not installed where these tests run (its install script downloads
// libtensorflow), so the contract is checked for the not-installed case.
describeBackendContract(plugin, {
  name: 'tfjs-node-gpu',
  priority: 400,
  installed: false,
  requiredPackage: '@tensorflow/tfjs-node-gpu',
});

/** Stands in for an installed package: loading it registers a tfjs backend named 'tensorflow'. */
function fakeInstalledPackage(registersBackend = true): PackageLoader & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    loaded,
    resolve: (name) => `/fake/node_modules/${name}/index.js`,
    load(name) {
      loaded.push(name);
      if (registersBackend) {
        // A cpu backend under the native backend's name, with the cpu kernels, is enough here.
        tf.copyRegisteredKernels('cpu', 'tensorflow');
        tf.registerBackend(
          'tensorflow',
          () => new (tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend)(),
        );
      }
      return {};
    },
  };
}

describe('the tfjs-node-gpu backend', () => {
  afterEach(async () => {
    await tf.setBackend('cpu');
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  });

  it('names the optional package without a literal that tools would resolve', () => {
    expect(TFJS_NODE_GPU_PACKAGE).toBe('@tensorflow/tfjs-node-gpu');
  });

  it('is available once the package resolves, and activating loads it and selects its backend', async () => {
    const loader = fakeInstalledPackage();
    const backend = createTfjsNodeGpuBackend({ loader });
    expect(backend.isAvailable()).toBe(true);
    await backend.activate();
    expect(loader.loaded).toEqual(['@tensorflow/tfjs-node-gpu']);
    expect(tf.getBackend()).toBe('tensorflow');
    expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).arraySync())).toBe(5);
  });

  it('says how to install the package when loading it fails', async () => {
    const backend = createTfjsNodeGpuBackend({
      loader: {
        resolve: () => 'index.js',
        load: () => {
          throw new Error('libcudart.so.11.0: cannot open shared object file\n(stack)');
        },
      },
    });
    await expect(backend.activate()).rejects.toThrow(UsageError);
    await expect(backend.activate()).rejects.toThrow(
      `backend 'tfjs-node-gpu' needs @tensorflow/tfjs-node-gpu, which could not be loaded (libcudart.so.11.0: cannot open shared object file); install it with \`npm install @tensorflow/tfjs-node-gpu@${tf.version_core}\` or pick another backend`,
    );
  });

  it('says so when the package loads but registers no backend (a mismatched version)', async () => {
    const backend = createTfjsNodeGpuBackend({ loader: fakeInstalledPackage(false) });
    await expect(backend.activate()).rejects.toThrow(
      `@tensorflow/tfjs-node-gpu loaded but registered no 'tensorflow' backend; install the version matching @tensorflow/tfjs ${tf.version_core}`,
    );
  });
});
