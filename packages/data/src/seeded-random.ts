import { UsageError } from '@neusemslice/core';

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32: a 32-bit-state generator, small and fast, with good enough statistics for
 * shuffling and sampling. The same seed gives the same sequence on every platform.
 */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Throws a UsageError unless the seed is an integer that fits 32 bits without sign. */
export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`seed must be an integer in [0, 4294967295], got ${String(seed)}`);
  }
  return seed;
}

/** Shuffles `values` in place (Fisher–Yates) with the given random source and returns it. */
export function shuffleInPlace(values: Int32Array, random: RandomSource): Int32Array {
  for (let last = values.length - 1; last > 0; last--) {
    const pick = Math.floor(random() * (last + 1));
    const held = values[last];
    values[last] = values[pick];
    values[pick] = held;
  }
  return values;
}

/** The numbers 0 … n-1 in an order that depends only on `seed`. */
export function shuffledIndices(n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`n must be an integer ≥ 0, got ${String(n)}`);
  }
  const indices = new Int32Array(n);
  for (let index = 0; index < n; index++) indices[index] = index;
  return shuffleInPlace(indices, mulberry32(checkSeed(seed)));
}
