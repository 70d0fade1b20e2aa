import type { MaskingStudyResult } from '../masking-study';
import { type MeanStd, meanStd } from '../shared/summary-stats';

/**
 * What a reproduction keeps of one masking-study run (RQ1): enough to build the RQ1 table over
 * seeds from the checkpoint, without the run's curves and pilot cells (those stay in its files).
 */

/** Semantic slicing at one Θ of one metric against the better baseline at the same compression. */
export interface MaskingCheckSummary {
  metric: string;
  theta: number;
  compressionRate: number;
  semanticAccuracy: number;
  baselineAccuracy?: number;
  verdict: string;
}

/** One setting and seed of RQ1. */
export interface MaskingSeedSummary {
  setting: string;
  seed: number;
  /** Test accuracy without masks. */
  baseAccuracy: number;
  checks: MaskingCheckSummary[];
  /** DeepArc's point (threshold 0.99), when the slicer is registered. */
  deepArc?: { compressionRate: number; accuracy: number };
  /** The run's Markdown summary, relative to the reproduction's details directory. */
  summaryFile: string;
}

/** Keeps the figures of a masking-study result that the RQ1 table needs. */
export function summarizeMaskingRun(
  result: MaskingStudyResult,
  setting: string,
  seed: number,
  summaryFile: string,
): MaskingSeedSummary {
  const deepArc = result.points.find((point) => point.slicer === 'deeparc');
  return {
    setting,
    seed,
    baseAccuracy: result.baseAccuracy,
    checks: result.checks.map((check) => ({
      metric: check.metric,
      theta: check.theta,
      compressionRate: check.compressionRate,
      semanticAccuracy: check.semanticAccuracy,
      ...(check.baselineAccuracy !== undefined ? { baselineAccuracy: check.baselineAccuracy } : {}),
      verdict: check.verdict,
    })),
    ...(deepArc
      ? { deepArc: { compressionRate: deepArc.compressionRate, accuracy: deepArc.accuracy } }
      : {}),
    summaryFile,
  };
}

/** One metric of one setting over seeds. */
export interface MaskingMetricCell {
  metric: string;
  /** (Θ, seed) pairs where semantic ≥ the better baseline, and those comparable at all. */
  passes: number;
  comparable: number;
  pairs: number;
  /** Mean over Θ of (semantic − better baseline) per seed, in shares, over seeds. */
  margin: MeanStd;
  /** Semantic slicing at the Θ closest to `theta` (0.95 by default). */
  theta: number;
  compressionRate: MeanStd;
  accuracy: MeanStd;
}

/** The RQ1 cell of one metric from the seed summaries of one setting. */
export function maskingMetricCell(
  summaries: readonly MaskingSeedSummary[],
  metric: string,
  theta = 0.95,
): MaskingMetricCell {
  const checks = summaries.flatMap((summary) =>
    summary.checks.filter((check) => check.metric === metric),
  );
  const comparable = checks.filter((check) => check.baselineAccuracy !== undefined);
  const thetas = [...new Set(checks.map((check) => check.theta))];
  const nearest = thetas.reduce(
    (best, value) => (Math.abs(value - theta) < Math.abs(best - theta) ? value : best),
    thetas[0] ?? theta,
  );
  const atTheta = checks.filter((check) => check.theta === nearest);
  const marginPerSeed = summaries
    .map((summary) => {
      const margins = summary.checks
        .filter((check) => check.metric === metric && check.baselineAccuracy !== undefined)
        .map((check) => check.semanticAccuracy - (check.baselineAccuracy as number));
      return margins.length > 0 ? meanStd(margins).mean : undefined;
    })
    .filter((margin): margin is number => margin !== undefined);
  return {
    metric,
    passes: checks.filter((check) => check.verdict === 'pass').length,
    comparable: comparable.length,
    pairs: checks.length,
    margin: meanStd(marginPerSeed),
    theta: nearest,
    compressionRate: meanStd(atTheta.map((check) => check.compressionRate)),
    accuracy: meanStd(atTheta.map((check) => check.semanticAccuracy)),
  };
}
