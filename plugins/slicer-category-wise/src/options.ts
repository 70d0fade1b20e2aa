import { UsageError } from '@neusemslice/core';
import { checkKeepRatio } from '@neusemslice/core';

const PLUGIN = 'slicer-category-wise';

/**
 * The keep ratio of a slice request. `keepRatio` has no default: how many neurons to keep is the
 * user's decision. With `optional`, a missing keepRatio is allowed (a sweep supplies it).
 */
export function parseCategoryWiseOptions(
  options: Record<string, unknown> | undefined,
  { optional = false } = {},
): { keepRatio?: number } {
  const given = options ?? {};
  for (const name of Object.keys(given)) {
    if (name !== 'keepRatio') {
      throw new UsageError(`${PLUGIN}: unknown option '${name}' (expected keepRatio)`);
    }
  }
  if (given.keepRatio === undefined) {
    if (optional) return {};
    throw new UsageError(
      `${PLUGIN}: option keepRatio is required: the share of each layer's neurons each category keeps, a number in (0, 1]`,
    );
  }
  return { keepRatio: checkKeepRatio(PLUGIN, given.keepRatio) };
}

export { PLUGIN };
