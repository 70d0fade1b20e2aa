import { UsageError } from '@neusemslice/core';

/** Typed arrays the readers of users' files (IDX, .npy) produce. */
export type NumericValues =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

/**
 * The values a data set stores for its samples: bytes stay bytes (scaled to [0, 1] per batch by
 * InMemoryDataset, as for the published image sets), float32 is kept as it is (no copy), and every
 * other type becomes float32 values unchanged.
 */
export function samplesFromValues(values: NumericValues): Uint8Array | Float32Array {
  if (values instanceof Uint8Array || values instanceof Float32Array) return values;
  if (values instanceof BigInt64Array) return Float32Array.from(values, (value) => Number(value));
  return Float32Array.from(values);
}

/**
 * Class labels from integer values (or floats that hold integers), each ≥ 0 and below 2^31.
 * `source` labels the errors.
 */
export function labelsFromValues(values: NumericValues, source: string): Int32Array {
  const labels = new Int32Array(values.length);
  for (let index = 0; index < values.length; index++) {
    const value = Number(values[index]);
    if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
      throw new UsageError(
        `${source}: label ${index} is ${String(values[index])}, expected a class index (an integer ≥ 0)`,
      );
    }
    labels[index] = value;
  }
  return labels;
}
