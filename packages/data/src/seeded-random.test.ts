import { isUsageError } from '@neusemslice/core';
import { mulberry32, shuffledIndices } from './seeded-random';

describe('mulberry32', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const first = Array.from({ length: 5 }, mulberry32(7));
    const again = Array.from({ length: 5 }, mulberry32(7));
    const other = Array.from({ length: 5 }, mulberry32(8));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('draws numbers in [0, 1) that spread over the interval', () => {
    const random = mulberry32(1);
    const bins = new Array<number>(10).fill(0);
    for (let draw = 0; draw < 10000; draw++) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      bins[Math.floor(value * 10)]++;
    }
    for (const count of bins) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});

describe('shuffledIndices', () => {
  it('is a permutation of 0..n-1 that depends only on the seed', () => {
    const order = shuffledIndices(1000, 3);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
    expect(shuffledIndices(1000, 3)).toEqual(order);
    expect(shuffledIndices(1000, 4)).not.toEqual(order);
    // Not the identity: shuffling did something.
    expect(order.filter((value, index) => value === index).length).toBeLessThan(20);
  });

  it('handles n = 0 and rejects bad arguments', () => {
    expect(shuffledIndices(0, 1)).toHaveLength(0);
    expect(() => shuffledIndices(-1, 1)).toThrow(/n must be an integer/);
    let caught: unknown;
    try {
      shuffledIndices(3, 1.5);
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
  });
});
