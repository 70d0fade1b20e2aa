import type { NeuronSets } from './slice';

/** A seeded pseudo-random generator in [0, 1) (mulberry32): the same seed, the same draws. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random slice with the given number of critical neurons per layer: for each layer, `size`
 * distinct indices drawn uniformly from 0 … units − 1 (partial Fisher–Yates), sorted. The
 * chance baseline of RQ1: a slicer is only useful where it beats this at the same sizes.
 */
export function randomNeuronSets(
  layers: readonly { name: string; units: number }[],
  sizePerLayer: Record<string, number>,
  random: () => number,
): NeuronSets {
  const sets: NeuronSets = {};
  for (const { name, units } of layers) {
    const size = Math.min(units, Math.max(0, sizePerLayer[name] ?? 0));
    const pool = Int32Array.from({ length: units }, (_, index) => index);
    for (let position = 0; position < size; position++) {
      const pick = position + Math.floor(random() * (units - position));
      [pool[position], pool[pick]] = [pool[pick], pool[position]];
    }
    sets[name] = Array.from(pool.subarray(0, size)).sort((a, b) => a - b);
  }
  return sets;
}
