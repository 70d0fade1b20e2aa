import { apportionCounts, type PruneBudget, UsageError } from '@neusemslice/core';

const PLUGIN = 'pruner-uniform-plus';

/** Which layers Uniform+ treats specially, by position in the request. */
export interface UniformPlusLayers {
  /** True when the first weight is a conv kernel: that layer is kept dense. */
  readonly firstConvKeptDense: boolean;
  /** The most of the last layer's weights (alive or not) that may be dead, in [0, 1]. */
  readonly lastLayerMaxSparsity: number;
}

/**
 * How many alive weights Uniform+ prunes in each layer (Lee et al. 2020, after Gale et al. 2019),
 * as the reference implementation allocates them: every prunable layer loses the same share
 * f = weightsToPrune / (alive weights of the prunable layers) of its alive weights, where a first
 * conv layer is not prunable. When that would leave the last layer fewer than
 * ⌈(1 − lastLayerMaxSparsity) · size⌉ weights, the last layer is pruned down to that floor
 * only, and the rest is spread as one share over the middle layers. Counts are whole weights
 * summing exactly to `weightsToPrune`. Throws a UsageError when the rules make the target
 * unreachable.
 */
export function uniformPlusPruneCounts(budget: PruneBudget, layers: UniformPlusLayers): number[] {
  const { alivePerLayer, sizePerLayer, weightsToPrune } = budget;
  const layerCount = alivePerLayer.length;
  const pruneCounts: number[] = new Array<number>(layerCount).fill(0);
  if (weightsToPrune === 0) return pruneCounts;
  const firstPrunable = layers.firstConvKeptDense ? 1 : 0;
  const prunable = [...Array(layerCount).keys()].slice(firstPrunable);
  const aliveOf = (indices: readonly number[]) =>
    indices.reduce((sum, layer) => sum + alivePerLayer[layer], 0);
  const unreachable = (rule: string, canPrune: number): UsageError =>
    new UsageError(
      `${PLUGIN}: targetSparsity ${budget.targetSparsity} (${budget.targetDeadWeights} of ${budget.totalWeights} weights dead) is out of reach: ${rule}, so at most ${budget.deadWeights + canPrune} can be dead`,
    );

  const share = weightsToPrune / aliveOf(prunable);
  const last = layerCount - 1;
  const lastFloor = Math.ceil((1 - layers.lastLayerMaxSparsity) * sizePerLayer[last] - 1e-9);
  const lastCanPrune = Math.max(0, alivePerLayer[last] - lastFloor);
  const firstRule = layers.firstConvKeptDense ? 'the first conv layer is kept dense' : '';
  const lastRule = `the last layer keeps at least ${lastFloor} weights (lastLayerMaxSparsity ${layers.lastLayerMaxSparsity})`;
  if (prunable.length === 0 || share > 1) {
    throw unreachable(firstRule || 'every layer would be emptied', aliveOf(prunable));
  }
  if (!prunable.includes(last) || (1 - share) * alivePerLayer[last] >= lastFloor) {
    // One share everywhere; the cap still bounds the last layer against rounding up.
    const caps = prunable.map((layer) => (layer === last ? lastCanPrune : alivePerLayer[layer]));
    const counts = apportionCounts(
      prunable.map((layer) => share * alivePerLayer[layer]),
      weightsToPrune,
      caps,
    );
    prunable.forEach((layer, position) => (pruneCounts[layer] = counts[position]));
    return pruneCounts;
  }
  const middle = prunable.filter((layer) => layer !== last);
  const middleToPrune = weightsToPrune - lastCanPrune;
  const middleAlive = aliveOf(middle);
  if (middleToPrune > middleAlive) {
    throw unreachable(
      [firstRule, lastRule].filter(Boolean).join(' and '),
      middleAlive + lastCanPrune,
    );
  }
  const middleShare = middleToPrune / middleAlive;
  const counts = apportionCounts(
    middle.map((layer) => middleShare * alivePerLayer[layer]),
    middleToPrune,
    middle.map((layer) => alivePerLayer[layer]),
  );
  middle.forEach((layer, position) => (pruneCounts[layer] = counts[position]));
  pruneCounts[last] = lastCanPrune;
  return pruneCounts;
}
