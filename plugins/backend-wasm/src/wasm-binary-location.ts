import * as path from 'node:path';

/** The wasm binary tfjs-backend-wasm loads on a machine with SIMD, the usual case. */
const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';

/**
 * The folder holding tfjs-backend-wasm's .wasm binaries, with a trailing separator (the form
 * `setWasmPaths` expects), found through Node's module resolution; null outside Node or when
 * the package cannot be resolved, where tfjs's own lookup is left alone.
 */
export function installedWasmBinaryFolder(): string | null {
  if (typeof process === 'undefined' || !process.versions?.node) return null;
  try {
    // Built at run time so that bundlers do not try to pull the binary in as a module.
    const specifier = ['@tensorflow/tfjs-backend-wasm', 'dist', SIMD_BINARY].join('/');
    return path.dirname(require.resolve(specifier)) + path.sep;
  } catch {
    return null;
  }
}
