// Top-k selection shared by the global and category-wise slicers.
import { UsageError } from '../errors';
import { rankNeurons } from './score-per-category';

/** Throws a UsageError unless `value` is a share in (0, 1]; `plugin` prefixes the message. */
export function checkKeepRatio(plugin: string, value: unknown, inputName = 'keepRatio'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new UsageError(
      `${plugin}: ${inputName} must be a number in (0, 1], got ${String(value)}`,
    );
  }
  return value;
}

/**
 * k = ⌈keepRatio · units⌉, the neurons a layer keeps. A product that misses an integer only by
 * float rounding (0.7 · 10 = 7.000000000000001) counts as that integer.
 */
export function keepCount(keepRatio: number, units: number): number {
  const exact = keepRatio * units;
  const nearest = Math.round(exact);
  const count = Math.abs(exact - nearest) <= 1e-9 * Math.max(1, units) ? nearest : Math.ceil(exact);
  return Math.min(units, Math.max(1, count));
}

/** The `count` best-scored neurons (ties to the lower index), ascending. */
export function topNeurons(scores: Float64Array, count: number): number[] {
  return rankNeurons(scores)
    .slice(0, count)
    .sort((a, b) => a - b);
}
