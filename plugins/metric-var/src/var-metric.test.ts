import { NeuronModel } from '@neusemslice/core';
import {
  describeMetricContract,
  hiddenOutputs,
  makeTwoNeuronNet,
  TWO_NET_INPUTS,
  twoNeuronData,
} from '@neusemslice/core/testing';
import { makeOneByTwoCnn, oneByTwoImages } from './__fixtures__/one-by-two-cnn';
import { VarMetric } from './var-metric';

describe('var metric', () => {
  /**
   * The two-neuron net's hidden outputs on its four inputs (see the avg metric's test):
   *   unit 0: 2.1, 2.6, 0.85, 0, mean 1.3875, squared deviations 0.50765625, 1.47015625,
   *           0.28890625, 1.92515625 → population variance 4.191875 / 4 = 1.04796875
   *   unit 1: 0, 0, 0, 2.8, mean 0.7 → (3 · 0.49 + 2.1²) / 4 = 5.88 / 4 = 1.47
   */
  it('is the population variance of each neuron’s output, computed by hand', async () => {
    const scores = await new VarMetric().score(
      new NeuronModel(makeTwoNeuronNet()),
      twoNeuronData(),
      { batchSize: 3 },
    );
    expect(Object.keys(scores)).toEqual(['hidden']);
    expect(scores.hidden[0]).toBeCloseTo(1.04796875, 6);
    expect(scores.hidden[1]).toBeCloseTo(1.47, 6);
  });

  it('agrees with a plain-JS forward pass on every batch size', async () => {
    const outputs = TWO_NET_INPUTS.map(hiddenOutputs);
    const expected = [0, 1].map((unit) => {
      const mean = outputs.reduce((sum, row) => sum + row[unit], 0) / outputs.length;
      return outputs.reduce((sum, row) => sum + (row[unit] - mean) ** 2, 0) / outputs.length;
    });
    for (const batchSize of [1, 2, 3, 4, 100]) {
      const scores = await new VarMetric().score(
        new NeuronModel(makeTwoNeuronNet()),
        twoNeuronData(),
        { batchSize },
      );
      expect(scores.hidden[0]).toBeCloseTo(expected[0], 6);
      expect(scores.hidden[1]).toBeCloseTo(expected[1], 6);
    }
  });

  /**
   * Channel 0 is relu(p), channel 1 relu(−p). On the images (1, 3), (2, 2), (0, −4) their spatial
   * means are (2, 0), (2, 0), (0, 2): both channels have variance ((2/3)² · 2 + (4/3)²) / 3 = 8/9
   * over the data. The variance over every pixel instead would be 11/9 for channel 0.
   */
  it('takes the variance of a conv channel’s spatial mean, not over pixels', async () => {
    const scores = await new VarMetric().score(
      new NeuronModel(makeOneByTwoCnn()),
      oneByTwoImages(),
      {
        batchSize: 2,
      },
    );
    expect(scores.conv[0]).toBeCloseTo(8 / 9, 6);
    expect(scores.conv[1]).toBeCloseTo(8 / 9, 6);
  });
});

describeMetricContract(() => new VarMetric(), { batchSizeInvariant: true });
