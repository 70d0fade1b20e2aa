/** A point of an accuracy/compression curve. */
export interface CurveSample {
  /** Share of the model's parameters removed, 0 … 1. */
  compressionRate: number;
  /** Test accuracy with the slice's neurons kept and the rest masked, 0 … 1. */
  accuracy: number;
}

/**
 * Accuracy of a curve at a compression rate, interpolated linearly between the two points whose
 * compression rates enclose it. Undefined outside the curve's compression-rate range (no
 * extrapolation: the baseline was never measured there). Points with the same compression rate
 * collapse to their best accuracy, so a tie never produces a vertical segment.
 */
export function interpolateAccuracy(
  samples: readonly CurveSample[],
  compressionRate: number,
): number | undefined {
  const bestByRate = new Map<number, number>();
  for (const { compressionRate: rate, accuracy } of samples) {
    if (!Number.isFinite(rate) || !Number.isFinite(accuracy)) continue;
    bestByRate.set(rate, Math.max(accuracy, bestByRate.get(rate) ?? -Infinity));
  }
  const rates = [...bestByRate.keys()].sort((a, b) => a - b);
  if (rates.length === 0 || compressionRate < rates[0] || compressionRate > rates[rates.length - 1])
    return undefined;
  for (let index = 0; index < rates.length; index++) {
    const right = rates[index];
    if (right < compressionRate) continue;
    const rightAccuracy = bestByRate.get(right) as number;
    if (right === compressionRate || index === 0) return rightAccuracy;
    const left = rates[index - 1];
    const leftAccuracy = bestByRate.get(left) as number;
    const share = (compressionRate - left) / (right - left);
    return leftAccuracy + share * (rightAccuracy - leftAccuracy);
  }
  return undefined;
}

export type CheckVerdict = 'pass' | 'fail' | 'not comparable';

/** Semantic slicing at one Θ against the baselines at the same compression rate. */
export interface BaselineComparison {
  compressionRate: number;
  semanticAccuracy: number;
  /** Global slicing's accuracy interpolated at this compression rate (undefined: out of its range). */
  globalAccuracy?: number;
  /** Category-wise slicing's accuracy, likewise. */
  categoryWiseAccuracy?: number;
  /** The better of the comparable baselines. */
  baselineAccuracy?: number;
  /** semanticAccuracy − baselineAccuracy (positive: semantic is better). */
  margin?: number;
  /** pass when margin ≥ −tolerance; not comparable when neither baseline covers the rate. */
  verdict: CheckVerdict;
}

/**
 * The RQ1 acceptance check: semantic slicing must reach at least the accuracy of the better
 * baseline (global or category-wise) at the compression rate it achieves.
 */
export function compareWithBaselines(
  semantic: CurveSample,
  baselines: { global: readonly CurveSample[]; categoryWise: readonly CurveSample[] },
  tolerance = 0,
): BaselineComparison {
  const globalAccuracy = interpolateAccuracy(baselines.global, semantic.compressionRate);
  const categoryWiseAccuracy = interpolateAccuracy(
    baselines.categoryWise,
    semantic.compressionRate,
  );
  const comparable = [globalAccuracy, categoryWiseAccuracy].filter(
    (accuracy): accuracy is number => accuracy !== undefined,
  );
  const base = {
    compressionRate: semantic.compressionRate,
    semanticAccuracy: semantic.accuracy,
    globalAccuracy,
    categoryWiseAccuracy,
  };
  if (comparable.length === 0) return { ...base, verdict: 'not comparable' };
  const baselineAccuracy = Math.max(...comparable);
  const margin = semantic.accuracy - baselineAccuracy;
  return {
    ...base,
    baselineAccuracy,
    margin,
    verdict: margin >= -tolerance ? 'pass' : 'fail',
  };
}
