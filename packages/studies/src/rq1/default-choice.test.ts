import {
  compareWithDefault,
  defaultChoicePairs,
  defaultChoices,
  defaultChoiceSection,
  flattenedGramBytes,
  signTestPValue,
  winnerOutcome,
} from './default-choice';
import type { Rq1Check } from './options-report';
import { RQ1_VARIANTS } from './variants';

/** A check that passes (≥ the better baseline and above random) or not. */
function check(
  variant: string,
  setting: string,
  seed: number,
  theta: number,
  pass: boolean,
  metric = 'taylor',
): Rq1Check {
  return {
    setting,
    seed,
    variant,
    metric,
    theta,
    compressionRate: 0.5,
    accuracy: 0.9,
    baselineAccuracy: 0.85,
    randomMean: 0.5,
    randomStd: 0.01,
    beatsBaselines: pass,
    beatsRandom: true,
  };
}

/** `passes` checks that pass then failing ones, one per Θ, on seed 1. */
function checksOf(variant: string, setting: string, passes: number, of: number): Rq1Check[] {
  return Array.from({ length: of }, (_, index) =>
    check(variant, setting, 1, 0.9 + index / 100, index < passes),
  );
}

describe('signTestPValue', () => {
  it('is the exact two-sided binomial tail with p = ½', () => {
    // (C(10,0) + C(10,1)) / 2^10 = 11/1024, doubled.
    expect(signTestPValue(1, 9)).toBe(0.021484375);
    expect(signTestPValue(9, 1)).toBe(0.021484375);
    // 9 vs 8 of 17: the tail up to 8 is exactly one half.
    expect(signTestPValue(9, 8)).toBe(1);
    expect(signTestPValue(0, 5)).toBe(0.0625);
    expect(signTestPValue(3, 0)).toBe(0.25);
    expect(signTestPValue(7, 1)).toBe(0.0703125);
    expect(signTestPValue(0, 0)).toBe(1);
    expect(signTestPValue(4, 4)).toBe(1);
  });

  it('stays finite and continuous for large n (the log-space path)', () => {
    expect(signTestPValue(500, 500)).toBe(1);
    expect(signTestPValue(600, 600)).toBeCloseTo(1, 12);
    const below = signTestPValue(470, 530);
    const above = signTestPValue(560, 640);
    expect(below).toBeGreaterThan(0.05);
    expect(below).toBeLessThan(0.1);
    expect(above).toBeGreaterThan(0);
    expect(above).toBeLessThan(0.05);
    expect(signTestPValue(0, 2000)).toBe(0);
  });

  it('refuses counts that are not integers ≥ 0', () => {
    expect(() => signTestPValue(-1, 2)).toThrow('a must be a count ≥ 0, got -1');
    expect(() => signTestPValue(1, 0.5)).toThrow('b must be a count ≥ 0, got 0.5');
  });
});

describe('defaultChoicePairs', () => {
  it('pairs each option with the current default it changes one factor of', () => {
    const pairs = defaultChoicePairs(RQ1_VARIANTS.map((variant) => variant.name));
    expect(pairs.map((pair) => `${pair.axis}: ${pair.candidate} vs ${pair.baseline}`)).toEqual([
      'fill: mean-fill vs default',
      'combine: layer-budget vs default',
      'combine: mean-fill+layer-budget vs mean-fill',
      'centring: uncentred vs default',
      'centring: mean-fill+uncentred vs mean-fill',
      'conv features: flattened vs default',
      'conv features: energy vs default',
      'conv features: mean-fill+energy vs mean-fill',
      'conv features: mean-fill+flattened vs mean-fill',
    ]);
    expect(pairs[1]).toMatchObject({
      option: "combine: 'layer-budget'",
      currentOption: "combine: 'union'",
    });
  });

  it('skips a pair whose variants were not run', () => {
    expect(
      defaultChoicePairs(['mean-fill+layer-budget', 'flattened', 'default']).map(
        (pair) => `${pair.candidate} vs ${pair.baseline}`,
      ),
    ).toEqual(['flattened vs default']);
    expect(defaultChoicePairs(['layer-budget', 'mean-fill+layer-budget'])).toEqual([]);
  });
});

describe('compareWithDefault', () => {
  const pair = defaultChoicePairs(['default', 'layer-budget'])[0];
  const labels = new Map([
    ['a', 'Setting-A'],
    ['b', 'Setting-B'],
  ]);

  it('keeps the default when the option loses a setting, even with more in total', () => {
    const checks = [
      ...checksOf('layer-budget', 'a', 9, 12),
      ...checksOf('default', 'a', 4, 12),
      ...checksOf('layer-budget', 'b', 7, 12),
      ...checksOf('default', 'b', 11, 12),
    ];
    const outcome = compareWithDefault(checks, pair, 'taylor', labels);
    expect(outcome).toMatchObject({
      perSetting: [
        { setting: 'a', checks: 12, candidate: 9, baseline: 4 },
        { setting: 'b', checks: 12, candidate: 7, baseline: 11 },
      ],
      checks: 24,
      candidateTotal: 16,
      baselineTotal: 15,
      onlyCandidate: 5,
      onlyBaseline: 4,
      adopt: false,
      reason: 'more in total (16 vs 15 of 24) but loses Setting-B 7 vs 11',
      perModelOnly: false,
    });
    expect(outcome?.pValue).toBe(1);
  });

  it('adopts an option with more in total and no fewer anywhere, on paired checks only', () => {
    const checks = [
      ...checksOf('layer-budget', 'a', 10, 12),
      ...checksOf('default', 'a', 1, 12),
      ...checksOf('layer-budget', 'b', 3, 3),
      ...checksOf('default', 'b', 3, 3),
      // No default check at this seed: not paired, not counted.
      check('layer-budget', 'a', 2, 0.9, true),
      // Another metric: not counted.
      check('default', 'a', 1, 0.9, true, 'var'),
    ];
    const outcome = compareWithDefault(checks, pair, 'taylor', labels);
    expect(outcome).toMatchObject({
      checks: 15,
      candidateTotal: 13,
      baselineTotal: 4,
      onlyCandidate: 9,
      onlyBaseline: 0,
      adopt: true,
      reason: 'more in total (13 vs 4 of 15) and no fewer on any setting',
    });
    expect(outcome?.pValue).toBe(2 / 512);
  });

  it('keeps a tie, and says it; gives nothing when the variants share no check', () => {
    const checks = [...checksOf('layer-budget', 'a', 2, 4), ...checksOf('default', 'a', 2, 4)];
    expect(compareWithDefault(checks, pair, 'taylor')?.reason).toBe('ties in total (2 vs 2 of 4)');
    expect(compareWithDefault(checksOf('layer-budget', 'a', 2, 4), pair, 'taylor')).toBeUndefined();
  });

  it('counts a check without a comparable baseline as not passing', () => {
    const checks = [
      { ...check('layer-budget', 'a', 1, 0.9, true), beatsBaselines: undefined },
      check('default', 'a', 1, 0.9, true),
    ];
    expect(compareWithDefault(checks, pair, 'taylor')).toMatchObject({
      candidateTotal: 0,
      baselineTotal: 1,
      onlyBaseline: 1,
      adopt: false,
    });
  });
});

describe('defaultChoiceSection', () => {
  const settings = [
    { id: 'mlp', label: 'MLP' },
    { id: 'lenet', label: 'LeNet' },
  ];
  const checks = [
    ...checksOf('default', 'mlp', 4, 12),
    ...checksOf('default', 'lenet', 0, 12),
    ...checksOf('mean-fill', 'mlp', 6, 12),
    ...checksOf('mean-fill', 'lenet', 2, 12),
    ...checksOf('mean-fill+layer-budget', 'mlp', 5, 12),
    ...checksOf('mean-fill+layer-budget', 'lenet', 4, 12),
    ...checksOf('flattened', 'lenet', 3, 12),
  ];
  const outcomes = defaultChoices(checks, 'taylor', new Map(settings.map((s) => [s.id, s.label])));
  const markdown = defaultChoiceSection(outcomes, settings, 'taylor').join('\n');

  it('states the rule and shows each comparison with its counts, p and decision', () => {
    expect(markdown).toContain('## Choosing the defaults');
    expect(markdown).toContain(
      '**The rule: an option replaces the current default when it passes more checks in total and does not pass fewer on any setting it was run on.**',
    );
    expect(markdown).toContain(
      '| fill | `mean-fill` vs `default` | 6 vs 4 of 12 | 2 vs 0 of 12 | 8 vs 4 of 24 | 4 / 0 | 0.125 | **adopt**: more in total (8 vs 4 of 24) and no fewer on any setting |',
    );
    expect(markdown).toContain(
      '| combine | `mean-fill+layer-budget` vs `mean-fill` | 5 vs 6 of 12 | 4 vs 2 of 12 | 9 vs 8 of 24 | 2 / 1 | 1.000 | keep: more in total (9 vs 8 of 24) but loses MLP 5 vs 6 |',
    );
    expect(markdown).toContain(
      '| conv features | `flattened` vs `default` | — | 3 vs 0 of 12 | 3 vs 0 of 12 | 3 / 0 | 0.250 | **adopt** (per-model option)',
    );
  });

  it('gives the outcome per axis: flattened maps only as a per-model option, with their cost', () => {
    expect(markdown).toContain(
      "- **fill**: `fill: 'mean'` (`mean-fill`) **replaces** `fill: 'zero'`.",
    );
    expect(markdown).toContain(
      "- **combine**: the default stays `combine: 'union'`; `combine: 'layer-budget'` stays an option",
    );
    expect(markdown).toContain(
      "- **conv features**: the default stays `features: 'spatial-mean'`; `features: 'flattened'` (`flattened`) is adopted as a per-model option, not the library default",
    );
    expect(markdown).toContain('8·(C·H·W)² bytes per layer');
    expect(markdown).toContain('LeNet-5 conv1 6·28·28 = 4704 features → 177 MB');
    expect(markdown).toContain('64·32·32 = 65536 features → 34.4 GB');
    expect(flattenedGramBytes(6, 28, 28)).toBe(177_020_928);
  });

  it('follows "most wins" with what the rule decided about the winner', () => {
    expect(winnerOutcome('mean-fill+layer-budget', outcomes)).toBe(
      'Most wins alone do not set a default; the rule in *Choosing the defaults* below does: ' +
        '`mean-fill+layer-budget` vs `mean-fill` → **keep** `mean-fill`: more in total (9 vs 8 of 24) but loses MLP 5 vs 6.',
    );
    expect(winnerOutcome('default', outcomes)).toContain(
      '(`default` is a current default the options are compared with)',
    );
  });

  it('says so when nothing can be compared', () => {
    expect(defaultChoiceSection([], settings, 'taylor').join('\n')).toContain(
      'No option was run beside a current default',
    );
  });
});
