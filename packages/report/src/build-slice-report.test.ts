import * as tf from '@tensorflow/tfjs';
import { createSlice, isUsageError, NeuronModel, provide } from '@neusemslice/core';
import { makeTinyMlp } from '@neusemslice/core/testing';
import { GlobalSlicer } from '@neusemslice/slicer-global';
import { SemanticSlicer } from '@neusemslice/slicer-semantic';
import {
  disposeFixture,
  tinyReportFixture,
  type TinyReportFixture,
} from './__fixtures__/tiny-report';
import { buildSliceReport } from './build-slice-report';

const THETAS = [0.6, 0.8, 0.95];

describe('buildSliceReport', () => {
  let fixture: TinyReportFixture;
  beforeAll(async () => {
    fixture = await tinyReportFixture();
  });
  afterAll(() => disposeFixture(fixture));

  const build = (extra: Partial<Parameters<typeof buildSliceReport>[0]> = {}) =>
    buildSliceReport({
      model: fixture.model,
      slice: fixture.slice,
      testData: fixture.test,
      trainData: fixture.train,
      container: fixture.container,
      sweepValues: THETAS,
      sweepPerClass: 6,
      randomDraws: 3,
      batchSize: 16,
      ...extra,
    });

  it('shows each layer × class share of critical neurons from the per-class sets', async () => {
    const { figures } = await build();
    const layers = fixture.model.neuronLayers;
    expect(figures.criticalShares).toHaveLength(layers.length * 3);
    for (const row of figures.criticalShares) {
      const expected = fixture.slice.perCategory?.[row.category][row.layer].length;
      expect(row.critical).toBe(expected);
      expect(row.share).toBeCloseTo(row.critical / row.units, 12);
    }
    for (const row of figures.layerSizes) {
      expect(row.critical).toBe(fixture.slice.critical[row.layer].length);
    }
  });

  it('gives a symmetric class overlap with 1 on the diagonal, per layer and over all', async () => {
    const { figures } = await build();
    const scopes = new Set(figures.classOverlap.map((row) => row.scope));
    expect(scopes.size).toBe(fixture.model.neuronLayers.length + 1);
    const byKey = new Map(
      figures.classOverlap.map((row) => [`${row.scope}|${row.classA}|${row.classB}`, row.jaccard]),
    );
    for (const row of figures.classOverlap) {
      if (row.classA === row.classB) expect(row.jaccard).toBe(1);
      expect(byKey.get(`${row.scope}|${row.classB}|${row.classA}`)).toBe(row.jaccard);
      expect(row.jaccard).toBeGreaterThanOrEqual(0);
      expect(row.jaccard).toBeLessThanOrEqual(1);
    }
  });

  it('sweeps Θ: slices grow with Θ, each with a random-slice band', async () => {
    const { figures } = await build();
    expect(figures.sweepOption).toBe('theta');
    expect(figures.sweep.map((row) => row.value)).toEqual(THETAS);
    for (let index = 1; index < figures.sweep.length; index++) {
      expect(figures.sweep[index].critical).toBeGreaterThanOrEqual(
        figures.sweep[index - 1].critical,
      );
    }
    for (const row of figures.sweep) {
      expect(row.sliceAccuracy).toBeGreaterThanOrEqual(0);
      expect(row.sliceAccuracy).toBeLessThanOrEqual(1);
      expect(row.randomStd).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(row.randomMean)).toBe(true);
    }
    expect(figures.sweepSamples).toBe(18);
  });

  it('gives per-class accuracy of the masked and restructured models, which agree', async () => {
    const { figures } = await build();
    const { rows, overall } = figures.classAccuracy;
    const of = (model: string) => rows.filter((row) => row.model === model);
    expect(of('original')).toHaveLength(3);
    expect(of('restructured').map((row) => row.accuracy)).toEqual(
      of('masked').map((row) => row.accuracy),
    );
    expect(overall.restructured).toBe(overall.masked);
    expect(figures.notes.accuracy).toEqual([]);
  });

  it('skips the restructured model with a note when no restructure maintainer is registered', async () => {
    const bare = await tinyReportFixture({ restructure: false });
    try {
      const { figures, html } = await buildSliceReport({
        model: bare.model,
        slice: bare.slice,
        testData: bare.test,
        container: bare.container,
      });
      expect(figures.classAccuracy.rows.some((row) => row.model === 'restructured')).toBe(false);
      expect(figures.notes.accuracy.join(' ')).toMatch(/restructure/);
      expect(figures.notes.sweep.join(' ')).toMatch(/no training data/);
      expect(html).toContain('no &#39;restructure&#39; maintainer');
    } finally {
      disposeFixture(bare);
    }
  });

  it('counts neurons gained, lost and kept against a second slice', async () => {
    const wider = await new SemanticSlicer().slice({
      model: fixture.model,
      data: fixture.train,
      metric: fixture.metric,
      options: { theta: 0.99 },
    });
    const { figures, html } = await build({ compare: wider });
    for (const row of figures.changes ?? []) {
      expect(row.kept + row.lost).toBe(fixture.slice.critical[row.layer].length);
      expect(row.kept + row.gained).toBe(wider.critical[row.layer].length);
    }
    expect(figures.changes).toHaveLength(fixture.model.neuronLayers.length);
    expect(html).toContain('data-section="changes"');
  });

  it('shows per-layer sizes only for a slice without per-class sets', async () => {
    provide(fixture.container, 'slicer', new GlobalSlicer(), 'test');
    const flat = createSlice({
      model: fixture.model,
      metric: 'mean-activation',
      slicer: 'global',
      options: { keepRatio: 0.5 },
      critical: { fc1: [0, 1, 2], fc2: [3] },
    });
    const { figures } = await build({ slice: flat, trainData: undefined });
    expect(figures.criticalShares).toEqual([]);
    expect(figures.classOverlap).toEqual([]);
    expect(figures.layerSizes.find((row) => row.layer === 'fc1')?.critical).toBe(3);
    expect(figures.notes.composition.join(' ')).toMatch(/only the per-layer sizes/);
  });

  it('writes one page with every section, its data and the chart scripts inline', async () => {
    const { html } = await build({ commandLine: 'neusemslice report --model m' });
    for (const id of ['summary', 'composition', 'overlap', 'sweep', 'accuracy']) {
      expect(html).toContain(`data-section="${id}"`);
    }
    expect(html).toContain('vegaEmbed');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    // An inline script ends only at its own closing tag.
    const scriptBodies = html
      .split('<script')
      .slice(1)
      .map((part) => part.split('</script>')[0]);
    for (const body of scriptBodies) expect(body).not.toMatch(/<\/script/i);
    expect(html).toContain('neusemslice report --model m');
  });

  it('checks its options and the slice before any work', async () => {
    const rejects = async (promise: Promise<unknown>, pattern: RegExp) => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isUsageError(error)).toBe(true);
      expect((error as Error).message).toMatch(pattern);
    };
    await rejects(build({ testSamples: 0 }), /testSamples must be an integer in \[1, .*got 0/);
    await rejects(build({ sweepValues: [] }), /sweepValues must be a non-empty list/);
    const other = new NeuronModel(makeTinyMlp({ seed: 9, hidden: [10, 8] }));
    try {
      await rejects(build({ model: other }), /other weights/);
    } finally {
      other.model.dispose();
    }
  });

  it('leaves no tensors behind', async () => {
    await build();
    const before = tf.memory().numTensors;
    await build();
    await build();
    expect(tf.memory().numTensors).toBe(before);
  });
});
