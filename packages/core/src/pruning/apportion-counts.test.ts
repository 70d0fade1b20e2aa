import { apportionCounts } from './apportion-counts';

describe('apportionCounts', () => {
  it('rounds shares to whole counts summing exactly to the total, largest remainders first', () => {
    expect(apportionCounts([2.5, 2.5, 1], 6, [10, 10, 10])).toEqual([3, 2, 1]);
    expect(apportionCounts([1.2, 1.7, 2.1], 5, [10, 10, 10])).toEqual([1, 2, 2]);
    // Shares a float error away from whole numbers keep those numbers.
    expect(apportionCounts([0.1 * 30, 0.7 * 10], 10, [10, 10])).toEqual([3, 7]);
  });

  it('never exceeds a cap, and refuses a total above the caps', () => {
    expect(apportionCounts([3.6, 0.4], 4, [3, 4])).toEqual([3, 1]);
    expect(() => apportionCounts([1, 1], 5, [2, 2])).toThrow('cannot apportion 5 weights');
  });
});
