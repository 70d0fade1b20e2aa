import { describeMetricContract } from '@neusemslice/core/testing';
import { NeuronModel } from '@neusemslice/core';
import { VarMetric } from './var-metric';
import { hiddenOutputs, TWO_NET_INPUTS, makeTwoNeuronNet, twoNeuronData } from '@neusemslice/core/testing';

describe('var metric', () => {
  it('is the population variance of each neuron’s output, computed by hand', async () => {
    const outputs = TWO_NET_INPUTS.map(hiddenOutputs);
    const expected = [0, 1].map((unit) => {
      const mean = outputs.reduce((sum, row) => sum + row[unit], 0) / outputs.length;
      return outputs.reduce((sum, row) => sum + (row[unit] - mean) ** 2, 0) / outputs.length;
    });
    const scores = await new VarMetric().score(new NeuronModel(makeTwoNeuronNet()), twoNeuronData(), { batchSize: 3 });
    expect(scores.hidden[0]).toBeCloseTo(expected[0], 6);
    expect(scores.hidden[1]).toBeCloseTo(expected[1], 6);
  });
});

describeMetricContract(() => new VarMetric(), { batchSizeInvariant: true });
