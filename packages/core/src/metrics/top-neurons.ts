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
 * The options of a top-k slicer: only `keepRatio`, with no default (how many neurons to keep is
 * the user's decision). With `optional`, a missing keepRatio is allowed (a sweep supplies it).
 * `meaning` tells the user what the ratio is, e.g. "the share of each layer's neurons to keep".
 */
export function parseKeepRatioOptions(
  plugin: string,
  options: Record<string, unknown> | undefined,
  { meaning, optional = false }: { meaning: string; optional?: boolean },
): { keepRatio?: number } {
  const given = options ?? {};
  for (const name of Object.keys(given)) {
    if (name !== 'keepRatio') {
      throw new UsageError(`${plugin}: unknown option '${name}' (expected keepRatio)`);
    }
  }
  if (given.keepRatio === undefined) {
    if (optional) return {};
    throw new UsageError(`${plugin}: option keepRatio is required: ${meaning}, a number in (0, 1]`);
  }
  return { keepRatio: checkKeepRatio(plugin, given.keepRatio) };
}

/** Throws a UsageError unless a sweep has at least one keep ratio and each is in (0, 1]. */
export function checkSweepKeepRatios(plugin: string, keepRatios: readonly number[]): void {
  if (keepRatios.length === 0)
    throw new UsageError(`${plugin}: sweep needs at least one keepRatio`);
  keepRatios.forEach((ratio, index) =>
    checkKeepRatio(plugin, ratio, `keepRatio #${index + 1} of the sweep`),
  );
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
