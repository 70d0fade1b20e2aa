import * as tf from '@tensorflow/tfjs';
import { wasmBackend } from '../wasm-backend';

/** Seeded uniform values in [-1, 1) (mulberry32), the same on every backend and run. */
export function randomValues(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return values;
}

export interface Computed {
  shape: number[];
  values: Float32Array;
}

/** Runs `compute` on a tfjs backend and reads its result; disposes every tensor it made. */
export async function computeOn(backendName: string, compute: () => tf.Tensor): Promise<Computed> {
  await tf.setBackend(backendName);
  const result = tf.tidy(compute);
  const values = (await result.data()) as Float32Array;
  const shape = result.shape;
  result.dispose();
  return { shape, values };
}

/** The wasm backend with this package's kernels, once per test file (cpu made first, quietly). */
export async function activateWasm(): Promise<void> {
  await tf.setBackend('cpu');
  // The cpu backend greets Node users on its first write unless IS_TEST is set; get it over with.
  tf.scalar(0).dispose();
  await wasmBackend.activate();
}

/**
 * Expects `actual` to match `expected` to a relative tolerance: the largest elementwise
 * difference is at most `relativeTolerance` times the largest magnitude of `expected`
 * (normwise, so entries that cancel to ~0 are judged on the scale of the result).
 */
export function expectCloseTo(
  actual: Computed,
  expected: Computed,
  relativeTolerance = 1e-4,
): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.values.length).toBe(expected.values.length);
  let scale = 0;
  for (const value of expected.values) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  let worstIndex = -1;
  actual.values.forEach((value, index) => {
    const difference = Math.abs(value - expected.values[index]);
    if (!(difference <= worst)) {
      worst = difference;
      worstIndex = index;
    }
  });
  const message =
    `max |difference| ${worst} at index ${worstIndex} ` +
    `(actual ${actual.values[worstIndex]}, expected ${expected.values[worstIndex]}), ` +
    `scale ${scale}`;
  expect({ withinTolerance: worst <= relativeTolerance * Math.max(scale, 1e-6), message }).toEqual({
    withinTolerance: true,
    message,
  });
  expect(scale).toBeGreaterThan(0);
}

/** Counts of live tensors and of wasm buffers, to catch leaks inside kernels too. */
export function liveCounts(): { tensors: number; wasmBuffers: number } {
  return {
    tensors: tf.memory().numTensors,
    wasmBuffers: tf.engine().findBackend('wasm')?.numDataIds() ?? 0,
  };
}
