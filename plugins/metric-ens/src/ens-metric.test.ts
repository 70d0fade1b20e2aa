import { describeMetricContract, makeSeparableDataset, makeTinyMlp } from '@neusemslice/core/testing';
import { NeuronModel } from '@neusemslice/core';
import { AvgMetric } from '@neusemslice/metric-avg';
import { VarMetric } from '@neusemslice/metric-var';
import { EnsMetric, minMaxNormalise } from './ens-metric';

describe('ens metric', () => {
  it('min-max normalises within a layer, a constant layer to zeros', () => {
    expect(Array.from(minMaxNormalise(Float64Array.from([2, 4, 3])))).toEqual([0, 1, 0.5]);
    expect(Array.from(minMaxNormalise(Float64Array.from([5, 5])))).toEqual([0, 0]);
  });

  it('is the mean of the normalised avg and var scores', async () => {
    const model = new NeuronModel(makeTinyMlp({ seed: 4 }));
    const data = makeSeparableDataset({ samplesPerClass: 10, numClasses: 3, inputShape: [4, 4, 1], seed: 4 });
    const [ens, avg, variance] = await Promise.all([
      new EnsMetric().score(model, data, { batchSize: 7 }),
      new AvgMetric().score(model, data, { batchSize: 7 }),
      new VarMetric().score(model, data, { batchSize: 7 }),
    ]);
    for (const layer of model.neuronLayers) {
      const normalisedAvg = minMaxNormalise(avg[layer.name]);
      const normalisedVar = minMaxNormalise(variance[layer.name]);
      ens[layer.name].forEach((value: number, index: number) => expect(value).toBeCloseTo((normalisedAvg[index] + normalisedVar[index]) / 2, 10));
      expect(Math.max(...ens[layer.name])).toBeLessThanOrEqual(1);
      expect(Math.min(...ens[layer.name])).toBeGreaterThanOrEqual(0);
    }
  });
});

describeMetricContract(() => new EnsMetric(), { batchSizeInvariant: true });
