import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { provide } from '@neusemslice/core';
import { createTestContainer, makeTinyMlp } from '@neusemslice/core/testing';
import * as tf from '@tensorflow/tfjs';
import {
  FakeMetric,
  fakeCategoryWiseSlicer,
  fakeGlobalSlicer,
  fakeSemanticSlicer,
} from './__fixtures__/fake-components';
import { TINY_STUDY_SETTINGS, tinyStudyData } from './__fixtures__/study-fixtures';
import { maskingRunCounts } from './masking-setting-report';
import {
  type MaskingSettingStudyOptions,
  maskingSettingSummaryFile,
  runMaskingSettingStudy,
} from './masking-setting-study';

const data = tinyStudyData({ numClasses: 3, trainPerClass: 12, testPerClass: 8 });

function setup() {
  const container = createTestContainer();
  provide(container, 'metric', new FakeMetric('taylor', 1), 'test');
  for (const slicer of [fakeGlobalSlicer(), fakeCategoryWiseSlicer(), fakeSemanticSlicer()])
    provide(container, 'slicer', slicer, 'test');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'masking-setting-'));
  const trainedSeeds: number[] = [];
  const options: MaskingSettingStudyOptions = {
    container,
    setting: TINY_STUDY_SETTINGS[0],
    seeds: [1, 2],
    metrics: ['taylor'],
    bands: [[0, 0.5]],
    keepRatios: [0.3, 0.6, 1],
    thetas: [0.9, 0.99],
    randomDraws: 2,
    slicingPerClass: 6,
    testSamples: 20,
    batchSize: 8,
    loadData: async () => data,
    originalModel: async (_setting, seed) => {
      trainedSeeds.push(seed);
      return makeTinyMlp({ hidden: [8, 6], numClasses: 3, seed, inputShape: [4, 4, 1] });
    },
    cacheDir: path.join(outDir, 'cache'),
    outDir,
    command: 'neusemslice study masking --setting mlp-mnist --seeds 2 (test)',
    backend: 'cpu',
  };
  return { options, outDir, trainedSeeds };
}

describe('maskingRunCounts', () => {
  const row = (theta: number, semanticAccuracy: number, randomMean?: number) => ({
    metric: 'taylor',
    theta,
    compressionRate: 0.5,
    semanticAccuracy,
    baselineAccuracy: 0.9,
    margin: semanticAccuracy - 0.9,
    verdict: semanticAccuracy >= 0.9 ? ('pass' as const) : ('fail' as const),
    randomMean,
  });

  it('counts Θ ≥ 0.9 points at or below the random mean, and only those with random draws', () => {
    const counts = maskingRunCounts([
      row(0.9, 0.95, 0.5),
      row(0.95, 0.5, 0.5), // a tie is not above
      row(0.85, 0.4, 0.5), // below, but under Θ = 0.9
      row(0.99, 0.8), // no random draws
    ]);
    expect(counts).toEqual({
      pass: 1,
      fail: 3,
      notComparable: 0,
      aboveRandom: 1,
      notAboveRandomFromTheta90: 1,
      randomMeasured: 3,
      total: 4,
    });
    // A study without random draws measures nothing against random: nothing counts as missed.
    expect(maskingRunCounts([row(0.9, 0.5), row(0.99, 0.6)])).toMatchObject({
      notAboveRandomFromTheta90: 0,
      randomMeasured: 0,
    });
  });
});

describe('runMaskingSettingStudy', () => {
  const { options, outDir, trainedSeeds } = setup();
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('runs the masking study on every seed’s model, each with its own files', async () => {
    const result = await runMaskingSettingStudy(options);
    expect(result.runs.map((run) => run.seed)).toEqual([1, 2]);
    expect(trainedSeeds).toEqual([1, 2]);
    for (const run of result.runs) {
      expect(run.checks).toHaveLength(2);
      expect(run.files.summary).toBe(`masking-mlp-mnist-seed-${run.seed}-summary.md`);
      for (const name of Object.values(run.files))
        expect(fs.existsSync(path.join(outDir, name))).toBe(true);
    }
    // Different models: different accuracies somewhere on the curves.
    const [one, two] = result.runs.map((run) => run.points.map((point) => point.accuracy));
    expect(one).not.toEqual(two);
    expect(result.files.summary).toBe(maskingSettingSummaryFile(outDir, 'MLP-MNIST'));
  });

  it('writes one summary with per-model counts, their totals and the issue target', () => {
    const text = fs.readFileSync(maskingSettingSummaryFile(outDir, 'MLP-MNIST'), 'utf8');
    expect(text).toContain('# Masking study (RQ1) over 2 trained models: MLP-MNIST');
    expect(text).toContain('- Seeds: 1, 2');
    expect(text).toContain('(test)');
    expect(text).toMatch(/- Machine: .+cores/);
    expect(text).toContain('![Figure 5 of the seed-1 model](masking-mlp-mnist-seed-1-fig5.svg)');
    // 90% of the (metric, Θ) points per model for MLP-MNIST: 2 of 2 here, 4 of 4 in all.
    expect(text).toMatch(/\| seed 1 \| \d+\.\d\d% \| \d of 2 \| \d \| \d \| ≥ 2: (met|missed) \|/);
    expect(text).toMatch(/\| \*\*all models\*\* \| {2}\| \*\*\d of 4\*\* \|/);
  });

  it('gives totals equal to the sum of the models’ counts', async () => {
    const result = await runMaskingSettingStudy(options);
    const counts = result.runs.map((run) => maskingRunCounts(run.checks));
    const pass = counts.reduce((sum, count) => sum + count.pass, 0);
    const text = fs.readFileSync(result.files.summary, 'utf8');
    expect(text).toContain(`**${pass} of 4**`);
    for (const count of counts)
      expect(count.pass + count.fail + count.notComparable).toBe(count.total);
  });

  it('reads finished models from the checkpoint and runs only a new seed', async () => {
    trainedSeeds.length = 0;
    const before = tf.memory().numTensors;
    const result = await runMaskingSettingStudy({ ...options, seeds: [1, 2, 3] });
    expect(trainedSeeds).toEqual([3]);
    expect(result.runs.map((run) => run.seed)).toEqual([1, 2, 3]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a checkpoint of another configuration and bad input', async () => {
    await expect(runMaskingSettingStudy({ ...options, thetas: [0.95] })).rejects.toThrow(
      /belongs to another configuration/,
    );
    await expect(runMaskingSettingStudy({ ...options, seeds: [] })).rejects.toThrow(/seeds/);
    await expect(runMaskingSettingStudy({ ...options, slicingPerClass: 0 })).rejects.toThrow(
      /slicingPerClass/,
    );
  });
});
