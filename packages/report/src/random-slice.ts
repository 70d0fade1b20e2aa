// The random slice lives in core (RQ1's chance baseline uses it too); re-exported for this package.
export { randomNeuronSets, seededRandom } from '@neusemslice/core';

/** Mean and (sample) standard deviation; std is 0 for fewer than two values. */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (values.length < 2) return { mean, std: 0 };
  const variance =
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}
