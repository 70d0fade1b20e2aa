import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type LabeledDataset, NeuronModel, type ProgressEvent, provide } from '@neusemslice/core';
import { makeSeparableDataset, makeTinyMlp } from '@neusemslice/core/testing';
import * as tf from '@tensorflow/tfjs';
import { container, type DependencyContainer } from 'tsyringe';
import { parseStudyCsv } from './__fixtures__/csv-parse';
import {
  type CountingSlicer,
  FakeMetric,
  fakeCategoryWiseSlicer,
  fakeDeepArcSlicer,
  fakeGlobalSlicer,
  fakeSemanticSlicer,
} from './__fixtures__/fake-components';
import { trainFewSteps } from './__fixtures__/train';
import { parseWellFormedXml } from './__fixtures__/xml-check';
import {
  DEFAULT_BANDS,
  DEFAULT_EXTRA_KEEP_RATIOS,
  DEFAULT_KEEP_RATIOS,
  DEFAULT_THETAS,
  type MaskingStudyResult,
  runMaskingStudy,
} from './masking-study';

const NUM_CLASSES = 3;

function fixture() {
  // One draw of prototypes: the first 30 samples train and slice, the other 60 test.
  const all = makeSeparableDataset({
    samplesPerClass: 30,
    numClasses: NUM_CLASSES,
    inputShape: [4, 4, 1],
    seed: 11,
  });
  const slicingData = all.subset(
    Int32Array.from({ length: 30 }, (_, i) => i),
    'tiny/slicing',
  );
  const testData = all.subset(
    Int32Array.from({ length: 60 }, (_, i) => 30 + i),
    'tiny/test',
  );
  const model = new NeuronModel(makeTinyMlp({ hidden: [12, 8], numClasses: NUM_CLASSES, seed: 3 }));
  const [batch] = [...slicingData.batches(30)];
  trainFewSteps(model.model, batch.x, batch.labels, 40, 0.2);
  batch.x.dispose();
  model.weightsChanged();
  return { model, slicingData, testData };
}

function studyContainer() {
  const child: DependencyContainer = container.createChildContainer();
  const metrics = [new FakeMetric('fake', 1), new FakeMetric('other', 2)];
  const slicers: Record<string, CountingSlicer> = {
    global: fakeGlobalSlicer(),
    'category-wise': fakeCategoryWiseSlicer(),
    semantic: fakeSemanticSlicer(),
    deeparc: fakeDeepArcSlicer(),
  };
  for (const metric of metrics) provide(child, 'metric', metric, 'test');
  for (const slicer of Object.values(slicers)) provide(child, 'slicer', slicer, 'test');
  return { child, metrics, slicers };
}

describe('runMaskingStudy on a tiny MLP with fake metrics and slicers', () => {
  const { model, slicingData, testData } = fixture();
  const { child, metrics, slicers } = studyContainer();
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'masking-study-'));
  const events: ProgressEvent[] = [];
  let result: MaskingStudyResult;

  beforeAll(async () => {
    result = await runMaskingStudy({
      container: child,
      model,
      modelLabel: 'Tiny MLP/Separable',
      slicingData,
      testData,
      metrics: ['fake', 'other'],
      batchSize: 16,
      outDir,
      onProgress: (event) => events.push(event),
      command: 'neusemslice study masking --model tiny --seed 7',
      seed: 7,
      backend: 'cpu',
    });
  });

  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('writes the five files, prefixed by the model slug, each naming command, seed and backend', () => {
    const names = fs.readdirSync(outDir).sort();
    expect(names).toEqual(
      ['fig5.csv', 'fig5.svg', 'pilot.csv', 'pilot.md', 'summary.md'].map(
        (part) => `masking-tiny-mlp-separable-${part}`,
      ),
    );
    for (const file of Object.values(result.files)) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain('neusemslice study masking --model tiny --seed 7');
      expect(text).toMatch(/seed:? 7/i);
      expect(text).toMatch(/backend:? cpu/i);
    }
  });

  it('writes a pilot.csv that parses and matches the returned rows', () => {
    const csv = parseStudyCsv(fs.readFileSync(result.files.pilotCsv, 'utf8'));
    expect(csv.header.slice(0, 2)).toEqual(['metric', 'setting']);
    expect(csv.rows).toHaveLength(result.pilot.length);
    // Per metric: one global row per band, and per band one row per category plus their mean.
    expect(result.pilot.length).toBe(2 * DEFAULT_BANDS.length * (1 + NUM_CLASSES + 1));
    csv.rows.forEach((row, index) => {
      expect(Number(row.accuracy)).toBeCloseTo(result.pilot[index].accuracy, 5);
      expect(row.category).toBe(String(result.pilot[index].category));
    });
  });

  it("masks exactly the band's neuron count in every pilot cell", () => {
    for (const row of result.pilot) {
      const expected = model.neuronLayers.reduce(
        (sum, layer) =>
          sum + Math.round(row.band[1] * layer.units) - Math.round(row.band[0] * layer.units),
        0,
      );
      expect(row.maskedNeurons).toBe(expected);
    }
  });

  it('reports the category-wise mean as the mean of the per-category accuracies', () => {
    for (const metric of ['fake', 'other'])
      for (const band of DEFAULT_BANDS) {
        const cells = result.pilot.filter(
          (row) =>
            row.metric === metric && row.setting === 'category-wise' && row.band[0] === band[0],
        );
        const perCategory = cells.filter((row) => typeof row.category === 'number');
        const mean = cells.find((row) => row.category === 'mean');
        expect(perCategory).toHaveLength(NUM_CLASSES);
        expect(mean?.accuracy).toBeCloseTo(
          perCategory.reduce((s, r) => s + r.accuracy, 0) / NUM_CLASSES,
          12,
        );
      }
  });

  it('writes pilot.md with Tables 1–3 and trend arrows', () => {
    const text = fs.readFileSync(result.files.pilotMarkdown, 'utf8');
    for (const heading of ['## Table 1', '## Table 2', '## Table 3', '### fake', '### other'])
      expect(text).toContain(heading);
    expect(text).toMatch(/% [↑↓→]/);
    expect(text).toContain('Category 2');
  });

  it('writes a fig5.csv point per slicer value, and one DeepArc point', () => {
    const csv = parseStudyCsv(fs.readFileSync(result.files.fig5Csv, 'utf8'));
    const perMetric = 2 * DEFAULT_KEEP_RATIOS.length + DEFAULT_THETAS.length;
    expect(csv.rows).toHaveLength(2 * perMetric + 1);
    expect(csv.rows.filter((row) => row.slicer === 'deeparc')).toEqual([
      expect.objectContaining({ metric: '-', parameter: '0.99', compressionRate: '0' }),
    ]);
    for (const row of csv.rows) {
      for (const column of ['compressionRate', 'accuracy']) {
        const value = Number(row[column]);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(Number(row.criticalNeurons)).toBeLessThanOrEqual(Number(row.totalNeurons));
      expect(Number(row.totalNeurons)).toBe(model.neuronCount);
    }
  });

  it('gives global compression rates that fall as k grows, and none at k = 100%', () => {
    for (const metric of ['fake', 'other']) {
      const global = result.points.filter((p) => p.metric === metric && p.slicer === 'global');
      expect(global.map((p) => p.parameter)).toEqual([...DEFAULT_KEEP_RATIOS]);
      for (let i = 1; i < global.length; i++)
        expect(global[i].compressionRate).toBeLessThanOrEqual(global[i - 1].compressionRate);
      expect(global[0].compressionRate).toBeGreaterThan(0.5);
      const whole = global[global.length - 1];
      expect(whole.compressionRate).toBe(0);
      expect(whole.accuracy).toBeCloseTo(result.baseAccuracy, 12);
    }
  });

  it('checks every (metric, Θ) against the interpolated baselines', () => {
    expect(result.checks).toHaveLength(2 * DEFAULT_THETAS.length);
    for (const check of result.checks) {
      if (check.verdict === 'not comparable') {
        expect(check.globalAccuracy ?? check.categoryWiseAccuracy).toBeUndefined();
      } else {
        expect(check.margin).toBeCloseTo(
          check.semanticAccuracy - (check.baselineAccuracy as number),
          12,
        );
        expect(check.verdict).toBe((check.margin as number) >= 0 ? 'pass' : 'fail');
      }
    }
    const summary = fs.readFileSync(result.files.summary, 'utf8');
    expect(summary).toContain('| Θ | compression rate | semantic |');
    expect(summary).toMatch(/Test accuracy without masks: \d+\.\d\d%/);
    expect(summary).toContain('tiny/test, 60 samples');
  });

  it('writes a well-formed SVG with one panel per metric and the random band', () => {
    const svg = fs.readFileSync(result.files.fig5Svg, 'utf8');
    const elements = parseWellFormedXml(svg);
    expect(elements[0].name).toBe('svg');
    for (const metric of ['fake', 'other']) expect(svg).toContain(`>${metric}</text>`);
    expect(svg).toContain('random, same sizes as semantic (mean ± std)');
  });

  it('puts a random baseline of the same per-layer sizes beside every slice', () => {
    const slicePoints = result.points.filter((point) => point.slicer !== 'deeparc');
    for (const point of slicePoints) {
      expect(point.randomMean).toBeGreaterThanOrEqual(0);
      expect(point.randomStd).toBeGreaterThanOrEqual(0);
      // Keeping every neuron leaves nothing to draw: the random slice is the whole model.
      if (point.criticalNeurons === point.totalNeurons) {
        expect(point.randomMean).toBe(result.baseAccuracy);
        expect(point.randomStd).toBe(0);
      }
    }
    expect(result.checks.every((check) => check.randomMean !== undefined)).toBe(true);
    const summary = fs.readFileSync(result.files.summary, 'utf8');
    expect(summary).toContain('## Each slicer against random slices of its own per-layer sizes');
    expect(summary).toMatch(/Above the random baseline's mean: \d+ of \d+\./);
  });

  it('scores each metric once on all data and once per category, and sweeps where it can', () => {
    for (const metric of metrics) {
      expect(metric.globalCalls).toBe(1);
      expect(metric.categoryCalls).toBe(NUM_CLASSES);
    }
    expect(slicers.semantic.sweepCalls).toBe(2);
    expect(slicers.semantic.sliceCalls).toBe(0);
    // The grid and the candidates below it come from the same pass (one slice call each here).
    expect(slicers.global.sliceCalls).toBe(
      2 * (DEFAULT_KEEP_RATIOS.length + DEFAULT_EXTRA_KEEP_RATIOS.length),
    );
    expect(slicers.deeparc.sliceCalls).toBe(1);
  });

  it('reports progress with named tasks up to the announced total', () => {
    expect(events.map((event) => event.task)).toContain('study: fake semantic Θ=0.95');
    expect(events.map((event) => event.task)).toContain('study: other global k=0.3');
    const last = events[events.length - 1];
    expect(last.done).toBe(last.total);
  });

  it('leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    await runMaskingStudy({
      container: child,
      model,
      modelLabel: 'leak check',
      slicingData,
      testData,
      metrics: ['fake'],
      bands: [[0, 0.5]],
      keepRatios: [0.5],
      thetas: [0.95],
      outDir,
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names bad input', async () => {
    const base = { container: child, model, modelLabel: 'x', slicingData, testData, outDir };
    await expect(runMaskingStudy({ ...base, metrics: ['nope'] })).rejects.toThrow(
      "unknown metric 'nope' (registered: fake, other)",
    );
    await expect(
      runMaskingStudy({ ...base, metrics: ['fake'], bands: [[0.3, 0.2]] }),
    ).rejects.toThrow(/bands/);
    await expect(runMaskingStudy({ ...base, metrics: ['fake'], thetas: [1.5] })).rejects.toThrow(
      /thetas.*1\.5/,
    );
  });

  it('works without a deeparc slicer', async () => {
    const bare = container.createChildContainer();
    provide(bare, 'metric', new FakeMetric('fake', 1), 'test');
    for (const make of [fakeGlobalSlicer, fakeCategoryWiseSlicer, fakeSemanticSlicer])
      provide(bare, 'slicer', make(), 'test');
    const small: LabeledDataset = testData;
    const run = await runMaskingStudy({
      container: bare,
      model,
      modelLabel: 'no deeparc',
      slicingData,
      testData: small,
      metrics: ['fake'],
      bands: [[0, 0.2]],
      keepRatios: [0.5, 1],
      thetas: [0.9],
      outDir,
    });
    expect(run.points.some((point) => point.slicer === 'deeparc')).toBe(false);
    expect(fs.readFileSync(run.files.summary, 'utf8')).toContain('No slicer named `deeparc`');
  });
});

describe('runMaskingStudy when semantic slices compress beyond the k = 10% point', () => {
  // 40 and 30 neurons: k = 10% keeps 4 and 3, k = 2% keeps 1 of each.
  const data = fixture();
  const model = new NeuronModel(
    makeTinyMlp({ hidden: [40, 30], numClasses: NUM_CLASSES, seed: 5 }),
  );
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'masking-extra-k-'));
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  /** A semantic slicer that keeps the single top neuron of each layer at every Θ. */
  function topOneSemantic(): CountingSlicer {
    const inner = fakeGlobalSlicer();
    return {
      ...inner,
      name: 'semantic',
      sweepOption: 'theta',
      async slice(request) {
        return inner.slice({ ...request, options: { ...request.options, keepRatio: 0.01 } });
      },
    };
  }

  async function study(extraKeepRatios?: number[]) {
    const child = container.createChildContainer();
    provide(child, 'metric', new FakeMetric('fake', 1), 'test');
    for (const slicer of [fakeGlobalSlicer(), fakeCategoryWiseSlicer(), topOneSemantic()])
      provide(child, 'slicer', slicer, 'test');
    return runMaskingStudy({
      container: child,
      model,
      modelLabel: `extra k ${extraKeepRatios === undefined ? 'default' : 'none'}`,
      slicingData: data.slicingData,
      testData: data.testData,
      metrics: ['fake'],
      bands: [[0, 0.5]],
      thetas: [0.9, 0.95],
      randomDraws: 1,
      batchSize: 32,
      outDir,
      ...(extraKeepRatios ? { extraKeepRatios } : {}),
    });
  }

  it('is not comparable on the paper grid alone', async () => {
    const run = await study([]);
    expect(run.checks.map((check) => check.verdict)).toEqual(['not comparable', 'not comparable']);
    expect(run.points.every((p) => p.parameterName !== 'keepRatio' || p.parameter >= 0.1)).toBe(
      true,
    );
  });

  it('adds k below 10% until global reaches the semantic compression, and says so', async () => {
    const run = await study();
    for (const check of run.checks) {
      expect(check.verdict).not.toBe('not comparable');
      expect(check.globalAccuracy).toBeDefined();
    }
    const global = run.points.filter((p) => p.slicer === 'global');
    const added = global.filter((p) => p.parameter < 0.1).map((p) => p.parameter);
    // Descending from 9%, it stops at the first k that compresses as far as semantic (1 + 1 kept).
    expect(added.length).toBeGreaterThan(0);
    expect(Math.min(...added)).toBeGreaterThanOrEqual(0.01);
    const semanticRate = Math.max(
      ...run.points.filter((p) => p.slicer === 'semantic').map((p) => p.compressionRate),
    );
    const reached = global.map((p) => p.compressionRate);
    expect(Math.max(...reached)).toBeGreaterThanOrEqual(semanticRate);
    // Every added k but the smallest fell short: none was measured without need.
    for (const point of global.filter((p) => p.parameter < 0.1 && p.parameter > Math.min(...added)))
      expect(point.compressionRate).toBeLessThan(semanticRate);
    // The paper grid stays in full.
    for (const k of DEFAULT_KEEP_RATIOS) expect(global.some((p) => p.parameter === k)).toBe(true);
    const summary = fs.readFileSync(run.files.summary, 'utf8');
    expect(summary).toContain("Keep ratios added below the paper's grid");
    expect(summary).toMatch(new RegExp(`\\| fake \\| ${added.join(', ')} \\|`));
  });
});
