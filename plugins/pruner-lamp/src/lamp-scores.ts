/**
 * LAMP scores of one layer (Lee et al. 2020, eq. 2): with the layer's alive weights sorted by w²
 * ascending (equal w² by index), score(u) = w_u² / Σ_{v ranked ≥ u} w_v². The largest weight of
 * a layer scores 1, and within a layer the score grows with |w|. Dead weights are out of the
 * ranking (their score is 0 and unused); a tail of zero weights, whose sum is 0, scores 0.
 * O(n log n), with one native numeric sort.
 */
export function lampScores(values: Float32Array, aliveMask: Uint8Array): Float64Array {
  const scores = new Float64Array(values.length);
  let aliveCount = 0;
  for (let index = 0; index < values.length; index++) aliveCount += aliveMask[index];
  const sortedSquares = new Float64Array(aliveCount);
  let next = 0;
  for (let index = 0; index < values.length; index++) {
    if (aliveMask[index] === 1) sortedSquares[next++] = values[index] * values[index];
  }
  sortedSquares.sort();
  // tailSums[rank] = Σ of the squares ranked ≥ rank, summed from the largest down.
  const tailSums = new Float64Array(sortedSquares.length);
  let tailSum = 0;
  for (let rank = sortedSquares.length - 1; rank >= 0; rank--) {
    tailSum += sortedSquares[rank];
    tailSums[rank] = tailSum;
  }
  // Equal squares take consecutive ranks in index order: the first rank of a value, found by
  // binary search, plus how many of that value came before.
  const takenAtRank = new Uint32Array(sortedSquares.length);
  for (let index = 0; index < values.length; index++) {
    if (aliveMask[index] !== 1) continue;
    const squared = values[index] * values[index];
    let low = 0;
    let high = sortedSquares.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sortedSquares[middle] < squared) low = middle + 1;
      else high = middle;
    }
    const rank = low + takenAtRank[low]++;
    scores[index] = tailSums[rank] > 0 ? squared / tailSums[rank] : 0;
  }
  return scores;
}
