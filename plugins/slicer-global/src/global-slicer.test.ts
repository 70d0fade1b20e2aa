import { keepCount, listComponents, NeuronModel } from '@neusemslice/core';
import {
  createTestContainer,
  describeSlicerContract,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
  MeanActivationMetric,
} from '@neusemslice/core/testing';
import plugin, { GlobalSlicer } from './index';

describeSlicerContract(
  () => new GlobalSlicer(),
  () => new MeanActivationMetric(),
  { keepRatio: 0.4 },
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

describe('GlobalSlicer', () => {
  it('keeps exactly ⌈keepRatio · units⌉ neurons per layer, the best-scored on all of D', async () => {
    for (const { model, data } of fixtures()) {
      const scores = await new MeanActivationMetric().score(model, data, { batchSize: 8 });
      for (const keepRatio of [0.1, 0.5, 0.7, 1]) {
        const slice = await new GlobalSlicer().slice({
          model,
          data,
          metric: new MeanActivationMetric(),
          options: { keepRatio },
          batchSize: 8,
        });
        expect(slice.options).toEqual({ keepRatio });
        expect(slice.perCategory).toBeUndefined();
        for (const layer of model.neuronLayers) {
          const kept = slice.critical[layer.name];
          expect(kept).toHaveLength(keepCount(keepRatio, layer.units));
          const layerScores = scores[layer.name];
          const lowestKept = Math.min(...kept.map((unit) => layerScores[unit]));
          const dropped = [...Array(layer.units).keys()].filter((unit) => !kept.includes(unit));
          for (const unit of dropped) expect(layerScores[unit]).toBeLessThanOrEqual(lowestKept);
        }
      }
    }
  });

  it('sweeps keep ratios from one scoring pass, each equal to its own slice and nested', async () => {
    const [{ model, data }] = fixtures();
    const metric = new MeanActivationMetric();
    const score = jest.spyOn(metric, 'score');
    const ratios = [0.2, 0.5, 1];
    const slices = await new GlobalSlicer().sweep(
      { model, data, metric, options: {}, batchSize: 8 },
      ratios,
    );
    expect(score).toHaveBeenCalledTimes(1);
    expect(slices.map((slice) => slice.options.keepRatio)).toEqual(ratios);
    for (const [index, keepRatio] of ratios.entries()) {
      const single = await new GlobalSlicer().slice({
        model,
        data,
        metric,
        options: { keepRatio },
        batchSize: 8,
      });
      expect(slices[index].critical).toEqual(single.critical);
      if (index > 0) {
        for (const layer of model.neuronLayers) {
          const wider = new Set(slices[index].critical[layer.name]);
          expect(slices[index - 1].critical[layer.name].every((unit) => wider.has(unit))).toBe(
            true,
          );
        }
      }
    }
  });

  it('rejects bad options with clear messages', async () => {
    const [{ model, data }] = fixtures();
    const slicer = new GlobalSlicer();
    const request = (options: Record<string, unknown>) => ({
      model,
      data,
      metric: new MeanActivationMetric(),
      options,
    });
    await expect(slicer.slice(request({}))).rejects.toThrow(
      'slicer-global: option keepRatio is required',
    );
    await expect(slicer.slice(request({ keepRatio: 0 }))).rejects.toThrow(
      'slicer-global: keepRatio must be a number in (0, 1], got 0',
    );
    await expect(slicer.slice(request({ keepRatio: 1.5 }))).rejects.toThrow('got 1.5');
    await expect(slicer.slice(request({ keepRatio: 0.5, theta: 0.9 }))).rejects.toThrow(
      "slicer-global: unknown option 'theta' (expected keepRatio)",
    );
    await expect(slicer.sweep(request({}), [0.5, 2])).rejects.toThrow(
      'slicer-global: keepRatio #2 of the sweep must be a number in (0, 1], got 2',
    );
    await expect(slicer.sweep(request({}), [])).rejects.toThrow(/at least one keepRatio/);
  });
});

describe('the plugin', () => {
  it('registers the global slicer', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/slicer-global');
    expect(
      listComponents(container, 'slicer').map((slicer) => [slicer.name, slicer.sweepOption]),
    ).toEqual([['global', 'keepRatio']]);
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
