/**
 * Whole weight counts per layer from real-valued shares, summing exactly to `total`
 * (largest-remainder rounding): each layer gets ⌊share⌋, and the weights left over go one each to
 * the layers with the largest fractional parts (ties to the lower layer index), never above
 * `capPerLayer`. Pruners with a layer-wise allocation (Uniform+, ERK) use it so that the masks
 * hit the requested sparsity exactly; rounding each layer on its own can miss it by several weights.
 */
export function apportionCounts(
  sharePerLayer: readonly number[],
  total: number,
  capPerLayer: readonly number[],
): number[] {
  const capacity = capPerLayer.reduce((sum, cap) => sum + cap, 0);
  if (!Number.isInteger(total) || total < 0 || total > capacity) {
    throw new Error(`cannot apportion ${total} weights over layers holding ${capacity}`);
  }
  const counts = sharePerLayer.map((share, layer) =>
    Math.min(capPerLayer[layer], Math.max(0, Math.floor(share + 1e-9))),
  );
  let left = total - counts.reduce((sum, count) => sum + count, 0);
  // Layers by fractional part, largest first; repeat passes only absorb float error.
  const byRemainder = sharePerLayer
    .map((share, layer) => ({ layer, remainder: share - Math.floor(share + 1e-9) }))
    .sort((a, b) => b.remainder - a.remainder || a.layer - b.layer);
  while (left > 0) {
    for (const { layer } of byRemainder) {
      if (left === 0) break;
      if (counts[layer] < capPerLayer[layer]) {
        counts[layer]++;
        left--;
      }
    }
  }
  // Shares that summed above `total` by float error: take back from the smallest remainders.
  while (left < 0) {
    for (const { layer } of [...byRemainder].reverse()) {
      if (left === 0) break;
      if (counts[layer] > 0) {
        counts[layer]--;
        left++;
      }
    }
  }
  return counts;
}
