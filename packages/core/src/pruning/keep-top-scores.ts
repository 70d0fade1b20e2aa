// Which alive weights die: the lowest-scored ones, with ties broken by position so that every
// pruner is deterministic. Shared by the LAMP, global, Uniform+ and ERK pruners.
import type { PrunableWeight } from '../contracts/pruner';

/**
 * Positions of the `count` lowest-scored entries among those with `aliveMask` 1, in ascending
 * position order; among equal scores the lower positions are picked. O(n log n) in the number of
 * alive entries (one native numeric sort to find the threshold score, no comparator).
 */
export function lowestScoredAlive(
  scores: ArrayLike<number>,
  aliveMask: ArrayLike<number>,
  count: number,
): Uint32Array {
  let aliveCount = 0;
  for (let index = 0; index < aliveMask.length; index++) aliveCount += aliveMask[index];
  if (!Number.isInteger(count) || count < 0 || count > aliveCount) {
    throw new Error(`cannot pick ${count} of ${aliveCount} alive weights`);
  }
  const picked = new Uint32Array(count);
  if (count === 0) return picked;
  const aliveScores = new Float64Array(aliveCount);
  let next = 0;
  for (let index = 0; index < aliveMask.length; index++) {
    if (aliveMask[index] === 1) aliveScores[next++] = scores[index];
  }
  aliveScores.sort();
  const threshold = aliveScores[count - 1];
  let below = 0;
  for (let rank = 0; rank < count; rank++) if (aliveScores[rank] < threshold) below++;
  // Everything below the threshold dies; of the scores equal to it, the lowest positions.
  let tiesLeft = count - below;
  next = 0;
  for (let index = 0; index < aliveMask.length; index++) {
    if (aliveMask[index] !== 1) continue;
    const score = scores[index];
    if (score < threshold) picked[next++] = index;
    else if (score === threshold && tiesLeft > 0) {
      picked[next++] = index;
      tiesLeft--;
    }
  }
  return picked;
}

/** Fresh copies of every weight's alive mask, keyed by name (the request's are never changed). */
export function copyAliveMasks(weights: readonly PrunableWeight[]): Record<string, Uint8Array> {
  return Object.fromEntries(weights.map((weight) => [weight.name, weight.aliveMask.slice()]));
}

/**
 * The new alive masks after killing the `count` lowest-scored alive weights over all layers
 * together (one global ranking: the global-magnitude and LAMP pruners). `scoresPerWeight[l]`
 * scores `weights[l].values` entry by entry; dead weights are out of the ranking. Equal scores go
 * to the earlier weight in the request, then the lower index.
 */
export function pruneLowestScored(
  weights: readonly PrunableWeight[],
  scoresPerWeight: readonly ArrayLike<number>[],
  count: number,
): Record<string, Uint8Array> {
  const offsets: number[] = [];
  let total = 0;
  weights.forEach((weight, layer) => {
    if (scoresPerWeight[layer].length !== weight.values.length) {
      throw new Error(
        `${scoresPerWeight[layer].length} scores for weight '${weight.name}' of ${weight.values.length} values`,
      );
    }
    offsets.push(total);
    total += weight.values.length;
  });
  const allScores = new Float64Array(total);
  const allAlive = new Uint8Array(total);
  weights.forEach((weight, layer) => {
    allScores.set(scoresPerWeight[layer], offsets[layer]);
    allAlive.set(weight.aliveMask, offsets[layer]);
  });
  const masks = copyAliveMasks(weights);
  // Positions come in ascending order, so the layer only ever moves forward.
  let layer = 0;
  for (const position of lowestScoredAlive(allScores, allAlive, count)) {
    while (layer + 1 < offsets.length && offsets[layer + 1] <= position) layer++;
    masks[weights[layer].name][position - offsets[layer]] = 0;
  }
  return masks;
}

/** |w| of every value, as the score of magnitude pruning. */
export function magnitudes(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>, Math.abs);
}

/**
 * The new alive masks after killing, in each layer l on its own, the `pruneCountPerLayer[l]`
 * alive weights of smallest magnitude (ties to the lower index): unstructured magnitude pruning
 * once a layer-wise allocation is decided (Uniform+, ERK).
 */
export function pruneSmallestMagnitudePerLayer(
  weights: readonly PrunableWeight[],
  pruneCountPerLayer: readonly number[],
): Record<string, Uint8Array> {
  const masks = copyAliveMasks(weights);
  weights.forEach((weight, layer) => {
    const mask = masks[weight.name];
    for (const index of lowestScoredAlive(
      magnitudes(weight.values),
      weight.aliveMask,
      pruneCountPerLayer[layer],
    )) {
      mask[index] = 0;
    }
  });
  return masks;
}
