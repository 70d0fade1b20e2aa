import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { provide } from '@neusemslice/core';
import { createTestContainer, makeTinyMlp } from '@neusemslice/core/testing';
import { parseStudyCsv } from '../__fixtures__/csv-parse';
import {
  type CountingSlicer,
  FakeMetric,
  fakeCategoryWiseSlicer,
  fakeGlobalSlicer,
  fakeSemanticSlicer,
} from '../__fixtures__/fake-components';
import { TINY_STUDY_SETTINGS, tinyStudyData } from '../__fixtures__/study-fixtures';
import { rq1Checks, tally, winningVariant } from './options-report';
import { type Rq1OptionsStudyOptions, rq1Runs, runRq1OptionsStudy } from './options-study';
import { RQ1_VARIANTS, rq1Variants } from './variants';

const data = tinyStudyData({ numClasses: 3, trainPerClass: 12, testPerClass: 8 });

function setup() {
  const container = createTestContainer();
  provide(container, 'metric', new FakeMetric('taylor', 1), 'test');
  provide(container, 'metric', new FakeMetric('var', 2), 'test');
  const slicers: Record<string, CountingSlicer> = {
    global: fakeGlobalSlicer(),
    'category-wise': fakeCategoryWiseSlicer(),
    semantic: fakeSemanticSlicer(),
  };
  for (const slicer of Object.values(slicers)) provide(container, 'slicer', slicer, 'test');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rq1-options-'));
  const options: Rq1OptionsStudyOptions = {
    container,
    settings: TINY_STUDY_SETTINGS,
    seeds: [1, 2],
    variants: ['default', 'mean-fill', 'energy'],
    metrics: ['taylor'],
    screenMetrics: ['var'],
    thetas: [0.9, 0.99],
    keepRatios: [0.3, 0.6, 1],
    randomDraws: 2,
    slicingPerClass: 6,
    testSamples: 20,
    batchSize: 8,
    loadData: async () => data,
    originalModel: async (_setting, seed) =>
      makeTinyMlp({ hidden: [8, 6], numClasses: 3, seed, inputShape: [4, 4, 1] }),
    cacheDir: outDir,
    outDir,
    command: 'neusemslice study rq1-options (test)',
  };
  return { options, slicers, outDir };
}

describe('runRq1OptionsStudy', () => {
  it('runs every variant and metric per setting and seed, with a random baseline beside each slice', async () => {
    const { options, slicers, outDir } = setup();
    const result = await runRq1OptionsStudy(options);
    // Both tiny settings are MLPs: the conv-only variant 'energy' is skipped.
    expect(
      result.points.map(
        (point) => `${point.setting}/${point.seed}/${point.variant}/${point.metric}`,
      ),
    ).toEqual([
      'mlp-mnist/1/default/taylor',
      'mlp-mnist/1/default/var',
      'mlp-mnist/1/mean-fill/taylor',
      'mlp-mnist/2/default/taylor',
      'mlp-mnist/2/default/var',
      'mlp-mnist/2/mean-fill/taylor',
      'lenet5-fashion-mnist/1/default/taylor',
      'lenet5-fashion-mnist/1/default/var',
      'lenet5-fashion-mnist/1/mean-fill/taylor',
      'lenet5-fashion-mnist/2/default/taylor',
      'lenet5-fashion-mnist/2/default/var',
      'lenet5-fashion-mnist/2/mean-fill/taylor',
    ]);
    for (const point of result.points) {
      expect(point.curve.map((entry) => entry.slicer)).toEqual([
        ...Array(3).fill('global'),
        ...Array(3).fill('category-wise'),
        ...Array(2).fill('semantic'),
      ]);
      for (const entry of point.curve) {
        expect(entry.randomMean).toBeGreaterThanOrEqual(0);
        expect(entry.randomMean).toBeLessThanOrEqual(1);
        expect(entry.randomStd).toBeGreaterThanOrEqual(0);
      }
      // k = 1 keeps everything: random slices of that size are the model itself.
      const whole = point.curve.find((entry) => entry.slicer === 'global' && entry.parameter === 1);
      expect(whole?.randomStd).toBe(0);
      expect(whole?.randomMean).toBe(whole?.accuracy);
      expect(point.fill).toBe(point.variant === 'mean-fill' ? 'mean' : 'zero');
    }
    const csv = parseStudyCsv(fs.readFileSync(path.join(outDir, 'rq1-options.csv'), 'utf8'));
    expect(csv.rows).toHaveLength(12 * 8);
    const markdown = fs.readFileSync(path.join(outDir, 'rq1-options.md'), 'utf8');
    expect(markdown).toContain('neusemslice study rq1-options (test)');
    expect(markdown).toContain('| mean-fill |');
    expect(markdown).toContain('## Ranking metric under the semantic criterion');
    const svg = fs.readFileSync(path.join(outDir, 'rq1-options.svg'), 'utf8');
    expect(svg).toContain('<desc>command: neusemslice study rq1-options (test)');
    expect(svg).toContain('random, same sizes as semantic (mean ± std)');

    // A rerun reads every point back from the checkpoint: no slicer is called again.
    const calls = Object.values(slicers).map((slicer) => slicer.sliceCalls + slicer.sweepCalls);
    const again = await runRq1OptionsStudy(options);
    expect(again.points).toEqual(result.points);
    expect(Object.values(slicers).map((slicer) => slicer.sliceCalls + slicer.sweepCalls)).toEqual(
      calls,
    );
  });

  it('counts the checks per variant and picks the variant that wins most often', () => {
    const curve = (semanticAccuracy: number) => [
      {
        slicer: 'global' as const,
        parameter: 0.5,
        compressionRate: 0.2,
        accuracy: 0.8,
        criticalNeurons: 5,
        randomMean: 0.7,
        randomStd: 0,
      },
      {
        slicer: 'global' as const,
        parameter: 1,
        compressionRate: 0,
        accuracy: 0.9,
        criticalNeurons: 10,
        randomMean: 0.9,
        randomStd: 0,
      },
      {
        slicer: 'semantic' as const,
        parameter: 0.9,
        compressionRate: 0.1,
        accuracy: semanticAccuracy,
        criticalNeurons: 7,
        randomMean: 0.84,
        randomStd: 0.01,
      },
    ];
    const point = (variant: string, setting: string, semanticAccuracy: number) => ({
      setting,
      seed: 1,
      variant,
      metric: 'taylor',
      fill: 'zero' as const,
      baseAccuracy: 0.9,
      totalNeurons: 10,
      curve: curve(semanticAccuracy),
    });
    const checks = rq1Checks([
      point('default', 'a', 0.8),
      point('default', 'b', 0.86),
      point('uncentred', 'a', 0.86),
      point('uncentred', 'b', 0.86),
      point('energy', 'a', 0.95),
    ]);
    // Global at compression 0.1 interpolates to 0.85.
    expect(checks[0].baselineAccuracy).toBeCloseTo(0.85, 10);
    expect(checks[0]).toMatchObject({ beatsBaselines: false, beatsRandom: false });
    expect(checks[1]).toMatchObject({ beatsBaselines: true, beatsRandom: true });
    expect(tally(checks.filter((check) => check.variant === 'default'))).toMatchObject({
      checks: 2,
      beatsBaselines: 1,
      beatsRandom: 1,
    });
    // 'energy' wins on a but was not run on b, so it cannot be the default.
    expect(winningVariant(checks, 'taylor')?.variant).toBe('uncentred');
    // Beating baselines that sit at chance level does not count: 'late' is above them, not above random.
    const chance = rq1Checks([
      {
        ...point('late', 'a', 0.86),
        curve: curve(0.86).map((entry) => ({ ...entry, randomMean: 0.9 })),
      },
      point('early', 'a', 0.84),
    ]);
    expect(tally(chance.filter((check) => check.variant === 'late'))).toMatchObject({
      beatsBaselines: 1,
      beatsRandom: 0,
      beatsBoth: 0,
    });
  });

  it('skips conv-only variants on MLPs and refuses unknown variants', () => {
    const [mlp] = TINY_STUDY_SETTINGS;
    const lenet = { ...mlp, id: 'lenet5-x', model: 'lenet5' as const };
    const variants = rq1Variants(['default', 'energy']);
    expect(rq1Runs(mlp, variants, ['taylor'], []).map((run) => run.variant.name)).toEqual([
      'default',
    ]);
    expect(rq1Runs(lenet, variants, ['taylor'], []).map((run) => run.variant.name)).toEqual([
      'default',
      'energy',
    ]);
    expect(() => rq1Variants(['median-fill'])).toThrow(
      `unknown RQ1 variant 'median-fill' (expected ${RQ1_VARIANTS.map((variant) => variant.name).join(' | ')})`,
    );
  });

  it('runs the screen metrics with every screen variant, and only those', async () => {
    const [mlp] = TINY_STUDY_SETTINGS;
    const variants = rq1Variants(['default', 'mean-fill', 'mean-fill+layer-budget']);
    const runs = rq1Runs(mlp, variants, ['taylor'], ['var'], ['default', 'mean-fill+layer-budget']);
    expect(runs.map((run) => `${run.variant.name}/${run.metric}`)).toEqual([
      'default/taylor',
      'default/var',
      'mean-fill/taylor',
      'mean-fill+layer-budget/taylor',
      'mean-fill+layer-budget/var',
    ]);
    const { options } = setup();
    await expect(
      runRq1OptionsStudy({ ...options, variants: ['default'], screenVariants: ['mean-fill'] }),
    ).rejects.toThrow("screenVariants: 'mean-fill' is not among the variants run (default)");
  });

  it('writes a ranking-metric section for each screen variant', async () => {
    const { options } = setup();
    const result = await runRq1OptionsStudy({
      ...options,
      settings: TINY_STUDY_SETTINGS.slice(0, 1),
      seeds: [1],
      variants: ['default', 'mean-fill'],
      screenVariants: ['default', 'mean-fill'],
    });
    const markdown = fs.readFileSync(result.files.markdown, 'utf8');
    for (const variant of ['default', 'mean-fill']) {
      const heading = `## Ranking metric under the semantic criterion (variant ${variant})`;
      expect(markdown).toContain(heading);
      const section = markdown.slice(markdown.indexOf(heading)).split('\n## ')[0];
      expect(section).toMatch(/\| taylor \|/);
      expect(section).toMatch(/\| var \|/);
    }
  });
});
