import { meanStd } from './mean-std';

describe('meanStd', () => {
  it('gives the mean and the sample standard deviation', () => {
    const { mean, std, count } = meanStd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(count).toBe(4);
  });

  it('gives std 0 for one value and NaN for none', () => {
    expect(meanStd([0.7])).toEqual({ mean: 0.7, std: 0, count: 1 });
    expect(meanStd([])).toEqual({ mean: NaN, std: NaN, count: 0 });
  });
});
