import { apportionCounts, type PruneBudget } from '@neusemslice/core';

/**
 * A layer's Erdős–Rényi-kernel weight: the sum of its kernel's dims (kh + kw + in + out for a
 * conv, in + out for a dense kernel). ERK gives a layer density ∝ (sum of dims) / (product of
 * dims), so its survivors, density · size, are ∝ the sum of dims.
 */
export function erkWeight(shape: readonly number[]): number {
  return shape.reduce((sum, dim) => sum + dim, 0);
}

/**
 * How many alive weights ERK prunes in each layer (Evci et al. 2020, as Lee et al. 2020
 * allocate it): the weights that must survive, (alive − weightsToPrune), are shared between
 * layers in proportion to `erkWeight`; a layer whose share exceeds its alive weights is kept
 * dense (the one exceeding most first, then the shares are recomputed among the others), until
 * no share exceeds its layer. Counts are whole weights summing exactly to `weightsToPrune`.
 */
export function erkPruneCounts(
  budget: PruneBudget,
  shapes: readonly (readonly number[])[],
): number[] {
  const { alivePerLayer, weightsToPrune } = budget;
  const layerCount = alivePerLayer.length;
  if (weightsToPrune === 0) return new Array<number>(layerCount).fill(0);
  const erkWeights = shapes.map(erkWeight);
  const keptDense = new Array<boolean>(layerCount).fill(false);
  const aliveWeights = alivePerLayer.reduce((sum, alive) => sum + alive, 0);
  const toSurvive = aliveWeights - weightsToPrune;
  for (;;) {
    const { survivorShares, survivorsAmongPrunable } = shareSurvivors();
    let layerToKeepDense = -1;
    let largestRatio = 1;
    for (let layer = 0; layer < layerCount; layer++) {
      const ratio = survivorShares[layer] / alivePerLayer[layer];
      if (!keptDense[layer] && ratio > largestRatio) {
        layerToKeepDense = layer;
        largestRatio = ratio;
      }
    }
    if (layerToKeepDense === -1) {
      const prunable = [...Array(layerCount).keys()].filter((layer) => !keptDense[layer]);
      const survivors = apportionCounts(
        prunable.map((layer) => survivorShares[layer]),
        survivorsAmongPrunable,
        prunable.map((layer) => alivePerLayer[layer]),
      );
      const pruneCounts = new Array<number>(layerCount).fill(0);
      prunable.forEach(
        (layer, position) => (pruneCounts[layer] = alivePerLayer[layer] - survivors[position]),
      );
      return pruneCounts;
    }
    keptDense[layerToKeepDense] = true;
  }

  function shareSurvivors() {
    let denseAlive = 0;
    let prunableErk = 0;
    for (let layer = 0; layer < layerCount; layer++) {
      if (keptDense[layer]) denseAlive += alivePerLayer[layer];
      else prunableErk += erkWeights[layer];
    }
    const survivorsAmongPrunable = toSurvive - denseAlive;
    const survivorShares = erkWeights.map((erk, layer) =>
      keptDense[layer] ? alivePerLayer[layer] : (survivorsAmongPrunable * erk) / prunableErk,
    );
    return { survivorShares, survivorsAmongPrunable };
  }
}
