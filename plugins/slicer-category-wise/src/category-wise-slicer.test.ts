import { indicesByClass, keepCount, listComponents, NeuronModel } from '@neusemslice/core';
import {
  createTestContainer,
  describeSlicerContract,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
  MeanActivationMetric,
} from '@neusemslice/core/testing';
import plugin, { CategoryWiseSlicer } from './index';

describeSlicerContract(
  () => new CategoryWiseSlicer(),
  () => new MeanActivationMetric(),
  { keepRatio: 0.3 },
);

const fixtures = () => [
  {
    model: new NeuronModel(makeTinyMlp({ seed: 3, hidden: [10, 7] })),
    data: makeSeparableDataset({
      samplesPerClass: 10,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 7,
    }),
  },
  {
    model: new NeuronModel(makeTinyCnn({ seed: 4 })),
    data: makeSeparableDataset({
      samplesPerClass: 5,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 8,
    }),
  },
];

describe('CategoryWiseSlicer', () => {
  it('keeps exactly ⌈keepRatio · units⌉ per category and layer, the best on D_c, and their union', async () => {
    for (const { model, data } of fixtures()) {
      const byClass = indicesByClass(data);
      for (const keepRatio of [0.2, 0.5, 0.7]) {
        const slice = await new CategoryWiseSlicer().slice({
          model,
          data,
          metric: new MeanActivationMetric(),
          options: { keepRatio },
          batchSize: 4,
        });
        expect(slice.options).toEqual({ keepRatio });
        expect(Object.keys(slice.perCategory ?? {}).map(Number)).toEqual([0, 1, 2]);
        for (const category of [0, 1, 2]) {
          const scores = await new MeanActivationMetric().score(
            model,
            data.subset(byClass[category]),
            {
              batchSize: 8,
              category,
            },
          );
          for (const layer of model.neuronLayers) {
            const kept = slice.perCategory?.[category][layer.name] ?? [];
            expect(kept).toHaveLength(keepCount(keepRatio, layer.units));
            const lowestKept = Math.min(...kept.map((unit) => scores[layer.name][unit]));
            for (let unit = 0; unit < layer.units; unit++) {
              if (!kept.includes(unit))
                expect(scores[layer.name][unit]).toBeLessThanOrEqual(lowestKept);
            }
          }
        }
        for (const layer of model.neuronLayers) {
          const union = new Set(
            Object.values(slice.perCategory ?? {}).flatMap((sets) => sets[layer.name]),
          );
          expect(slice.critical[layer.name]).toEqual([...union].sort((a, b) => a - b));
        }
      }
    }
  });

  it('leaves categories without samples out', async () => {
    const [{ model, data }] = fixtures();
    const byClass = indicesByClass(data);
    const withoutClassOne = data.subset(Int32Array.from([...byClass[0], ...byClass[2]]));
    const slice = await new CategoryWiseSlicer().slice({
      model,
      data: withoutClassOne,
      metric: new MeanActivationMetric(),
      options: { keepRatio: 0.5 },
    });
    expect(Object.keys(slice.perCategory ?? {}).map(Number)).toEqual([0, 2]);
  });

  it('sweeps keep ratios from one scoring pass per category, each equal to its own slice', async () => {
    const [{ model, data }] = fixtures();
    const metric = new MeanActivationMetric();
    const score = jest.spyOn(metric, 'score');
    const ratios = [0.3, 0.6, 1];
    const slices = await new CategoryWiseSlicer().sweep(
      { model, data, metric, options: {}, batchSize: 8 },
      ratios,
    );
    expect(score).toHaveBeenCalledTimes(3);
    for (const [index, keepRatio] of ratios.entries()) {
      const single = await new CategoryWiseSlicer().slice({
        model,
        data,
        metric,
        options: { keepRatio },
        batchSize: 8,
      });
      expect(slices[index].critical).toEqual(single.critical);
      expect(slices[index].perCategory).toEqual(single.perCategory);
    }
    for (const layer of model.neuronLayers)
      expect(slices[2].critical[layer.name]).toHaveLength(layer.units);
  });

  it('rejects bad options with clear messages', async () => {
    const [{ model, data }] = fixtures();
    const slicer = new CategoryWiseSlicer();
    const request = (options: Record<string, unknown>) => ({
      model,
      data,
      metric: new MeanActivationMetric(),
      options,
    });
    await expect(slicer.slice(request({}))).rejects.toThrow(
      'slicer-category-wise: option keepRatio is required',
    );
    await expect(slicer.slice(request({ keepRatio: -0.1 }))).rejects.toThrow(
      'slicer-category-wise: keepRatio must be a number in (0, 1], got -0.1',
    );
    await expect(slicer.slice(request({ keepRatio: 0.5, k: 3 }))).rejects.toThrow(
      "slicer-category-wise: unknown option 'k' (expected keepRatio)",
    );
    await expect(slicer.sweep(request({}), [Number.NaN])).rejects.toThrow(
      'slicer-category-wise: keepRatio #1 of the sweep must be a number in (0, 1], got NaN',
    );
  });
});

describe('the plugin', () => {
  it('registers the category-wise slicer', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/slicer-category-wise');
    expect(
      listComponents(container, 'slicer').map((slicer) => [slicer.name, slicer.sweepOption]),
    ).toEqual([['category-wise', 'keepRatio']]);
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
