import { describeMetricContract } from '@neusemslice/core/testing';
import { NeuronModel } from '@neusemslice/core';
import { AvgMetric } from './avg-metric';
import { hiddenOutputs, TWO_NET_INPUTS, makeTwoNeuronNet, twoNeuronData } from '@neusemslice/core/testing';

describe('avg metric', () => {
  it('is the mean of each neuron’s output, computed by hand', async () => {
    const outputs = TWO_NET_INPUTS.map(hiddenOutputs);
    const expected = [0, 1].map((unit) => outputs.reduce((sum, row) => sum + row[unit], 0) / outputs.length);
    const scores = await new AvgMetric().score(new NeuronModel(makeTwoNeuronNet()), twoNeuronData(), { batchSize: 3 });
    expect(Object.keys(scores)).toEqual(['hidden']);
    expect(scores.hidden[0]).toBeCloseTo(expected[0], 6);
    expect(scores.hidden[1]).toBeCloseTo(expected[1], 6);
  });

  it('rejects a bad batch size and a foreign category with clear errors', async () => {
    const model = new NeuronModel(makeTwoNeuronNet());
    await expect(new AvgMetric().score(model, twoNeuronData(), { batchSize: 0 })).rejects.toThrow('metric-avg: batchSize must be an integer ≥ 1, got 0');
    await expect(new AvgMetric().score(model, twoNeuronData(), { batchSize: 2, category: 4 })).rejects.toThrow(
      'metric-avg: category 4 is not a class of this model (expected 0 … 1)',
    );
  });
});

describeMetricContract(() => new AvgMetric(), { batchSizeInvariant: true });
