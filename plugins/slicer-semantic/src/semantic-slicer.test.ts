import {
  indicesByClass,
  listComponents,
  NeuronModel,
  rankNeurons,
  scorePerCategory,
  type Slice,
  sliceFromJson,
  sliceToJson,
} from '@neusemslice/core';
import {
  createTestContainer,
  describeSlicerContract,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
  MeanActivationMetric,
} from '@neusemslice/core/testing';
import { bruteForceCurve, capturedFeatures } from './__fixtures__/brute-force';
import plugin, { SemanticSlicer } from './index';
import type { PrefixDiagnostics } from './semantic-slicer';

describeSlicerContract(
  () => new SemanticSlicer(),
  () => new MeanActivationMetric(),
  { theta: 0.9 },
);
describeSlicerContract(
  () => new SemanticSlicer(),
  () => new MeanActivationMetric(),
  {
    theta: 0.8,
    step: 2,
    features: 'flattened',
    centered: false,
  },
);

function mlpFixture(seed = 3) {
  return {
    model: new NeuronModel(makeTinyMlp({ seed, hidden: [16, 10] })),
    data: makeSeparableDataset({
      samplesPerClass: 15,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 7,
    }),
  };
}

function cnnFixture() {
  return {
    model: new NeuronModel(makeTinyCnn({ seed: 4 })),
    data: makeSeparableDataset({
      samplesPerClass: 8,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 8,
    }),
  };
}

const prefixesOf = (slice: Slice) => slice.options.prefixes as PrefixDiagnostics;

/**
 * Checks a slice against Algorithm 1 done by brute force: core's linearCka of every prefix of the
 * metric's ranking on D_c, on features captured straight from the model.
 */
async function expectMatchesBruteForce(
  model: NeuronModel,
  data: ReturnType<typeof makeSeparableDataset>,
  slice: Slice,
  options: { theta: number; step: number; flattened: boolean | 'energy'; centered: boolean },
): Promise<void> {
  const scores = await scorePerCategory(new MeanActivationMetric(), model, data, { batchSize: 8 });
  const byClass = indicesByClass(data);
  for (const [category, categoryScores] of scores) {
    const indices = byClass[category];
    const [batch] = [...data.subset(indices).batches(indices.length)];
    const captured = capturedFeatures(model, batch.x, options.flattened);
    batch.x.dispose();
    for (const layer of model.neuronLayers) {
      const order = rankNeurons(categoryScores[layer.name]);
      const curve = bruteForceCurve(captured[layer.name], order, options.centered);
      const chosen = prefixesOf(slice)[category][layer.name];
      // The recorded CKA is the prefix's true CKA (float32 features, so 1e-5).
      expect(chosen.similarity).toBeCloseTo(curve[chosen.size - 1], 5);
      expect(curve[chosen.size - 1]).toBeGreaterThanOrEqual(options.theta - 1e-5);
      for (let size = options.step; size < chosen.size; size += options.step) {
        expect(curve[size - 1]).toBeLessThan(options.theta + 1e-5);
      }
      expect(slice.perCategory?.[category][layer.name]).toEqual(
        order.slice(0, chosen.size).sort((a, b) => a - b),
      );
    }
  }
}

describe('SemanticSlicer', () => {
  it('keeps, per category and layer, the smallest ranked prefix with CKA ≥ theta (brute force)', async () => {
    const { model, data } = mlpFixture();
    for (const centered of [true, false]) {
      const slice = await new SemanticSlicer().slice({
        model,
        data,
        metric: new MeanActivationMetric(),
        options: { theta: 0.93, centered },
        batchSize: 7,
      });
      await expectMatchesBruteForce(model, data, slice, {
        theta: 0.93,
        step: 1,
        flattened: false,
        centered,
      });
    }
  });

  it('does the same on conv spatial means and on flattened conv maps, with a step', async () => {
    const { model, data } = cnnFixture();
    for (const flattened of [false, true]) {
      const slice = await new SemanticSlicer().slice({
        model,
        data,
        metric: new MeanActivationMetric(),
        options: { theta: 0.9, step: 2, features: flattened ? 'flattened' : 'spatial-mean' },
        batchSize: 5,
      });
      await expectMatchesBruteForce(model, data, slice, {
        theta: 0.9,
        step: 2,
        flattened,
        centered: true,
      });
    }
  });

  it('ranks conv channels by their energy (mean of squares) when features is energy (brute force)', async () => {
    const { model, data } = cnnFixture();
    for (const centered of [true, false]) {
      const slice = await new SemanticSlicer().slice({
        model,
        data,
        metric: new MeanActivationMetric(),
        options: { theta: 0.9, features: 'energy', centered },
        batchSize: 5,
      });
      await expectMatchesBruteForce(model, data, slice, {
        theta: 0.9,
        step: 1,
        flattened: 'energy',
        centered,
      });
    }
  });

  it('with combine layer-budget keeps per layer as many neurons as the largest category prefix, most shared first', async () => {
    const { model, data } = mlpFixture();
    const request = { model, data, metric: new MeanActivationMetric() };
    const union = await new SemanticSlicer().slice({
      ...request,
      options: { theta: 0.95, combine: 'union' },
    });
    const budget = await new SemanticSlicer().slice({
      ...request,
      options: { theta: 0.95, combine: 'layer-budget' },
    });
    expect(budget.options.combine).toBe('layer-budget');
    expect(budget.perCategory).toEqual(union.perCategory);
    for (const layer of model.neuronLayers) {
      const prefixes = Object.values(budget.perCategory ?? {}).map((sets) => sets[layer.name]);
      const largest = Math.max(...prefixes.map((prefix) => prefix.length));
      expect(budget.critical[layer.name]).toHaveLength(largest);
      expect(budget.critical[layer.name].length).toBeLessThanOrEqual(
        union.critical[layer.name].length,
      );
      // Every kept neuron is in the union, and none left out is wanted by more categories.
      const votes = (neuron: number) => prefixes.filter((prefix) => prefix.includes(neuron)).length;
      const kept = new Set(budget.critical[layer.name]);
      const fewestKeptVotes = Math.min(...[...kept].map(votes));
      for (const neuron of union.critical[layer.name]) {
        if (!kept.has(neuron)) expect(votes(neuron)).toBeLessThanOrEqual(fewestKeptVotes);
      }
      for (const neuron of kept) expect(union.critical[layer.name]).toContain(neuron);
    }
  });

  it('keeps the union over categories by default and records the options and chosen prefixes', async () => {
    const { model, data } = mlpFixture();
    const slice = await new SemanticSlicer().slice({
      model,
      data,
      metric: new MeanActivationMetric(),
      options: { theta: 0.9 },
    });
    expect(slice.slicer).toBe('semantic');
    expect(slice.options).toMatchObject({
      theta: 0.9,
      step: 1,
      features: 'spatial-mean',
      centered: true,
      combine: 'union',
    });
    expect(Object.keys(slice.perCategory ?? {}).map(Number)).toEqual([0, 1, 2]);
    for (const layer of model.neuronLayers) {
      const union = new Set(
        Object.values(slice.perCategory ?? {}).flatMap((sets) => sets[layer.name]),
      );
      expect(slice.critical[layer.name]).toEqual([...union].sort((a, b) => a - b));
      for (const category of [0, 1, 2]) {
        expect(prefixesOf(slice)[category][layer.name].size).toBe(
          slice.perCategory?.[category][layer.name].length,
        );
      }
    }
    // The diagnostics survive the slice file.
    const reloaded = sliceFromJson(sliceToJson(slice), 'slice.json');
    expect(reloaded.options.prefixes).toEqual(slice.options.prefixes);
  });

  it('slices identically for the same seed', async () => {
    const first = mlpFixture(12);
    const second = mlpFixture(12);
    const request = { metric: new MeanActivationMetric(), options: { theta: 0.95 }, batchSize: 8 };
    const a = await new SemanticSlicer().slice({ ...request, ...first });
    const b = await new SemanticSlicer().slice({ ...request, ...second });
    expect(b.critical).toEqual(a.critical);
    expect(b.perCategory).toEqual(a.perCategory);
    expect(b.options.prefixes).toEqual(a.options.prefixes);
  });

  it('sweeps theta from one scan: nested sets, equal to slicing at each theta', async () => {
    const { model, data } = mlpFixture();
    const thetas = [0.5, 0.8, 0.9, 0.95, 0.99, 1];
    const request = {
      model,
      data,
      metric: new MeanActivationMetric(),
      options: { step: 1 },
      batchSize: 8,
    };
    const slicer = new SemanticSlicer();
    const slices = await slicer.sweep(request, thetas);
    expect(slices.map((slice) => slice.options.theta)).toEqual(thetas);
    for (let index = 1; index < slices.length; index++) {
      const [lower, higher] = [slices[index - 1], slices[index]];
      for (const layer of model.neuronLayers) {
        for (const category of [0, 1, 2]) {
          const higherSet = new Set(higher.perCategory?.[category][layer.name]);
          expect(
            lower.perCategory?.[category][layer.name].every((unit) => higherSet.has(unit)),
          ).toBe(true);
        }
        const higherCritical = new Set(higher.critical[layer.name]);
        expect(lower.critical[layer.name].every((unit) => higherCritical.has(unit))).toBe(true);
      }
    }
    // Θ = 1 keeps whole layers except neurons that add nothing (e.g. dead ones); Θ = 0.5 keeps fewer.
    const sizes = slices.map((slice) =>
      Object.values(slice.critical).reduce((sum, set) => sum + set.length, 0),
    );
    expect(sizes[0]).toBeLessThan(sizes[sizes.length - 1]);
    const single = await slicer.slice({ ...request, options: { theta: 0.9 } });
    expect(slices[2].critical).toEqual(single.critical);
    expect(slices[2].perCategory).toEqual(single.perCategory);
  });

  it('honours the step: every per-category set has a multiple of step neurons or the whole layer', async () => {
    const { model, data } = mlpFixture();
    const slice = await new SemanticSlicer().slice({
      model,
      data,
      metric: new MeanActivationMetric(),
      options: { theta: 0.97, step: 3 },
    });
    for (const layer of model.neuronLayers) {
      for (const sets of Object.values(slice.perCategory ?? {})) {
        const size = sets[layer.name].length;
        expect(size % 3 === 0 || size === layer.units).toBe(true);
      }
    }
  });

  it('reports progress per category', async () => {
    const { model, data } = mlpFixture();
    const events: string[] = [];
    await new SemanticSlicer().slice({
      model,
      data,
      metric: new MeanActivationMetric(),
      options: {},
      onProgress: (event) => {
        if (event.task === 'slice semantic') events.push(`${event.done}/${event.total}`);
      },
    });
    expect(events).toEqual(['1/3', '2/3', '3/3']);
  });

  it('rejects bad options with clear messages', async () => {
    const { model, data } = mlpFixture();
    const slicer = new SemanticSlicer();
    const slice = (options: Record<string, unknown>, batchSize?: number) =>
      slicer.slice({ model, data, metric: new MeanActivationMetric(), options, batchSize });
    await expect(slice({ theta: 1.5 })).rejects.toThrow(
      'slicer-semantic: theta must be a number in (0, 1], got 1.5',
    );
    await expect(slice({ theta: 0 })).rejects.toThrow('theta must be a number in (0, 1], got 0');
    await expect(slice({ theta: '0.9' })).rejects.toThrow(
      'theta must be a number in (0, 1], got 0.9',
    );
    await expect(slice({ step: 0 })).rejects.toThrow(
      'slicer-semantic: step must be an integer ≥ 1, got 0',
    );
    await expect(slice({ step: 1.5 })).rejects.toThrow('step must be an integer ≥ 1, got 1.5');
    await expect(slice({ features: 'map' })).rejects.toThrow(
      `slicer-semantic: features must be 'spatial-mean' or 'flattened' or 'energy', got "map"`,
    );
    await expect(slice({ centered: 'yes' })).rejects.toThrow(
      'slicer-semantic: centered must be true or false, got "yes"',
    );
    await expect(slice({ thetta: 0.9 })).rejects.toThrow(
      "slicer-semantic: unknown option 'thetta' (expected theta, step, features, centered, combine)",
    );
    await expect(slice({ combine: 'intersection' })).rejects.toThrow(
      `slicer-semantic: combine must be 'union' or 'layer-budget', got "intersection"`,
    );
    await expect(slice({}, 0)).rejects.toThrow('batchSize must be an integer ≥ 1, got 0');
    await expect(
      slicer.sweep({ model, data, metric: new MeanActivationMetric(), options: {} }, [0.9, 1.2]),
    ).rejects.toThrow('slicer-semantic: theta #2 of the sweep must be a number in (0, 1], got 1.2');
    await expect(
      slicer.sweep({ model, data, metric: new MeanActivationMetric(), options: {} }, []),
    ).rejects.toThrow(/at least one theta/);
    await expect(
      slicer.slice({
        model,
        data: data.subset(new Int32Array(0)),
        metric: new MeanActivationMetric(),
        options: {},
      }),
    ).rejects.toThrow(/is empty/);
  });
});

describe('the plugin', () => {
  it('registers the semantic slicer', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/slicer-semantic');
    const slicers = listComponents(container, 'slicer');
    expect(slicers.map((slicer) => slicer.name)).toEqual(['semantic']);
    expect(slicers[0].sweepOption).toBe('theta');
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
