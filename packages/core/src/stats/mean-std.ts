/** Mean and (sample) standard deviation of repeated measurements, e.g. over seeds or draws. */
export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  std: number;
  count: number;
}

/** Mean ± sample standard deviation; NaN for both when `values` is empty. */
export function meanStd(values: readonly number[]): MeanStd {
  const count = values.length;
  if (count === 0) return { mean: NaN, std: NaN, count: 0 };
  const mean = values.reduce((sum, value) => sum + value, 0) / count;
  const variance =
    count > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1) : 0;
  return { mean, std: Math.sqrt(variance), count };
}
