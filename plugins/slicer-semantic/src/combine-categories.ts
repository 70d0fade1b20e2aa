import type { NeuronSets } from '@neusemslice/core';

/** One category's chosen prefix of a layer: its neurons, best-ranked first. */
export type RankedPrefixes = ReadonlyMap<number, NeuronSets>;

/**
 * The per-layer budget alternative to the union of per-category slices: layer l keeps
 * b_l = max_c |Ω_c^l| neurons (as many as the category that needs most), chosen by how many
 * categories' prefixes hold a neuron, ties broken by its best position in any prefix, then by
 * index. Every category's prefix size fits in the budget, but neurons that only one category
 * wants no longer add up across ten categories as they do in the union.
 */
export function layerBudgetCombination(prefixes: RankedPrefixes): NeuronSets {
  const layerNames = new Set<string>();
  for (const sets of prefixes.values()) for (const name of Object.keys(sets)) layerNames.add(name);
  const combined: NeuronSets = {};
  for (const layerName of layerNames) {
    let budget = 0;
    const votes = new Map<number, number>();
    const bestPosition = new Map<number, number>();
    for (const sets of prefixes.values()) {
      const prefix = sets[layerName] ?? [];
      budget = Math.max(budget, prefix.length);
      prefix.forEach((neuron, position) => {
        votes.set(neuron, (votes.get(neuron) ?? 0) + 1);
        bestPosition.set(neuron, Math.min(position, bestPosition.get(neuron) ?? Infinity));
      });
    }
    const candidates = [...votes.keys()].sort(
      (a, b) =>
        (votes.get(b) as number) - (votes.get(a) as number) ||
        (bestPosition.get(a) as number) - (bestPosition.get(b) as number) ||
        a - b,
    );
    combined[layerName] = candidates.slice(0, budget).sort((a, b) => a - b);
  }
  return combined;
}
