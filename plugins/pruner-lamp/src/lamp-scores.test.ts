import { lampScores } from './lamp-scores';

describe('lampScores', () => {
  it('divides each w² by the sum of the w² ranked at or above it', () => {
    const scores = lampScores(Float32Array.from([3, -1, 2]), Uint8Array.from([1, 1, 1]));
    // Ascending w²: 1, 4, 9 → 1/14, 4/13, 9/9.
    expect(scores[1]).toBeCloseTo(1 / 14, 12);
    expect(scores[2]).toBeCloseTo(4 / 13, 12);
    expect(scores[0]).toBe(1);
  });

  it('leaves dead weights out of every sum', () => {
    const values = Float32Array.from([3, -1, 2, 50]);
    const withDead = lampScores(values, Uint8Array.from([1, 1, 1, 0]));
    const without = lampScores(values.subarray(0, 3), Uint8Array.from([1, 1, 1]));
    expect(Array.from(withDead.subarray(0, 3))).toEqual(Array.from(without));
  });

  it('ranks equal magnitudes by index, the lower one scoring lower', () => {
    const scores = lampScores(Float32Array.from([2, -2, 1]), Uint8Array.from([1, 1, 1]));
    expect(scores[0]).toBeCloseTo(4 / 8, 12);
    expect(scores[1]).toBe(1);
    expect(scores[2]).toBeCloseTo(1 / 9, 12);
  });

  it('scores a layer of zeros 0 instead of 0/0', () => {
    expect(Array.from(lampScores(new Float32Array(3), Uint8Array.from([1, 1, 1])))).toEqual([
      0, 0, 0,
    ]);
  });
});
