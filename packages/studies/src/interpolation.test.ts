import { compareWithBaselines, interpolateAccuracy } from './interpolation';

// A hand-made baseline curve, deliberately unsorted: (CR 0.1, 90%), (0.5, 50%), (0.3, 70%).
const curve = [
  { compressionRate: 0.1, accuracy: 0.9 },
  { compressionRate: 0.5, accuracy: 0.5 },
  { compressionRate: 0.3, accuracy: 0.7 },
];

describe('interpolateAccuracy', () => {
  it('interpolates linearly between the neighbouring compression rates', () => {
    expect(interpolateAccuracy(curve, 0.2)).toBeCloseTo(0.8, 12);
    expect(interpolateAccuracy(curve, 0.45)).toBeCloseTo(0.55, 12);
  });

  it('returns the measured accuracy at a measured rate, the range ends included', () => {
    expect(interpolateAccuracy(curve, 0.1)).toBe(0.9);
    expect(interpolateAccuracy(curve, 0.3)).toBe(0.7);
    expect(interpolateAccuracy(curve, 0.5)).toBe(0.5);
  });

  it('does not extrapolate outside the curve', () => {
    expect(interpolateAccuracy(curve, 0.05)).toBeUndefined();
    expect(interpolateAccuracy(curve, 0.51)).toBeUndefined();
    expect(interpolateAccuracy([], 0.2)).toBeUndefined();
  });

  it('uses the best accuracy where points share a compression rate', () => {
    const tied = [...curve, { compressionRate: 0.3, accuracy: 0.8 }];
    expect(interpolateAccuracy(tied, 0.3)).toBe(0.8);
    expect(interpolateAccuracy(tied, 0.2)).toBeCloseTo(0.85, 12);
  });
});

describe('compareWithBaselines', () => {
  // Category-wise covers CR 0.2 … 0.4 only, at 60% … 40%.
  const categoryWise = [
    { compressionRate: 0.2, accuracy: 0.6 },
    { compressionRate: 0.4, accuracy: 0.4 },
  ];

  it('compares with the better comparable baseline and reports the margin', () => {
    // At CR 0.25: global 75%, category-wise 55% → baseline 75%.
    const result = compareWithBaselines(
      { compressionRate: 0.25, accuracy: 0.8 },
      { global: curve, categoryWise },
    );
    expect(result.globalAccuracy).toBeCloseTo(0.75, 12);
    expect(result.categoryWiseAccuracy).toBeCloseTo(0.55, 12);
    expect(result.baselineAccuracy).toBeCloseTo(0.75, 12);
    expect(result.margin).toBeCloseTo(0.05, 12);
    expect(result.verdict).toBe('pass');
  });

  it('fails when semantic is below the better baseline beyond the tolerance', () => {
    const semantic = { compressionRate: 0.25, accuracy: 0.74 };
    expect(compareWithBaselines(semantic, { global: curve, categoryWise }).verdict).toBe('fail');
    expect(compareWithBaselines(semantic, { global: curve, categoryWise }, 0.02).verdict).toBe(
      'pass',
    );
  });

  it('uses only the baselines whose range covers the rate', () => {
    const result = compareWithBaselines(
      { compressionRate: 0.45, accuracy: 0.5 },
      { global: curve, categoryWise },
    );
    expect(result.categoryWiseAccuracy).toBeUndefined();
    expect(result.baselineAccuracy).toBeCloseTo(0.55, 12);
    expect(result.verdict).toBe('fail');
  });

  it('says not comparable when no baseline covers the rate', () => {
    const result = compareWithBaselines(
      { compressionRate: 0.9, accuracy: 0.5 },
      { global: curve, categoryWise },
    );
    expect(result.verdict).toBe('not comparable');
    expect(result.margin).toBeUndefined();
  });
});
