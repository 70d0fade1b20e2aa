import * as tf from '@tensorflow/tfjs';
import { UsageError, type Backend } from '@neusemslice/core';
import type { PackageLoader } from '../package-loader';

/** Stands in for an installed package: loading it registers a tfjs backend named 'tensorflow'. */
export function fakeInstalledPackage(
  registersBackend = true,
): PackageLoader & { loaded: string[] } {
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

export interface NativeBackendExpectations {
  /** The backend name, e.g. 'tfjs-node'. */
  name: string;
  /** The optional package it loads, e.g. '@tensorflow/tfjs-node'. */
  packageName: string;
  /** The plugin's exported constant that must hold `packageName`. */
  exportedPackageName: string;
  /** A loading error typical of the package (its first line must reach the user). */
  loadError: string;
}

/**
 * The behaviour of a backend made by `createNativeBackend`, with a fake package loader: it loads
 * its package and selects the 'tensorflow' backend, and says how to install the package when that
 * fails. `createBackend` is the plugin's factory, e.g. `createTfjsNodeBackend`.
 */
export function describeNativeBackend(
  createBackend: (options: { loader: PackageLoader }) => Backend,
  expected: NativeBackendExpectations,
): void {
  const { name, packageName } = expected;

  describe(`the ${name} backend`, () => {
    afterEach(async () => {
      await tf.setBackend('cpu');
      if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    });

    it('names the optional package without a literal that tools would resolve', () => {
      expect(expected.exportedPackageName).toBe(packageName);
    });

    it('is available once the package resolves, and activating loads it and selects its backend', async () => {
      const loader = fakeInstalledPackage();
      const backend = createBackend({ loader });
      expect(backend.isAvailable()).toBe(true);
      await backend.activate();
      expect(loader.loaded).toEqual([packageName]);
      expect(tf.getBackend()).toBe('tensorflow');
      expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).arraySync())).toBe(5);
    });

    it('says how to install the package when loading it fails', async () => {
      const backend = createBackend({
        loader: {
          resolve: () => 'index.js',
          load: () => {
            throw new Error(`${expected.loadError}\n(stack)`);
          },
        },
      });
      await expect(backend.activate()).rejects.toThrow(UsageError);
      await expect(backend.activate()).rejects.toThrow(
        `backend '${name}' needs ${packageName}, which could not be loaded (${expected.loadError}); install it with \`npm install ${packageName}@${tf.version_core}\` or pick another backend`,
      );
    });

    it('says so when the package loads but registers no backend (a mismatched version)', async () => {
      const backend = createBackend({ loader: fakeInstalledPackage(false) });
      await expect(backend.activate()).rejects.toThrow(
        `${packageName} loaded but registered no 'tensorflow' backend; install the version matching @tensorflow/tfjs ${tf.version_core}`,
      );
    });
  });
}
