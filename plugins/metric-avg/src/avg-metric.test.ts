import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import {
  describeMetricContract,
  hiddenOutputs,
  makeSeparableDataset,
  makeTinyCnn,
  makeTwoNeuronNet,
  TWO_NET_INPUTS,
  twoNeuronData,
} from '@neusemslice/core/testing';
import { AvgMetric } from './avg-metric';

describe('avg metric', () => {
  /**
   * The two-neuron net's hidden layer is relu(x·[[1, −2], [0.5, 1]] + (0.1, −0.2)). On its four
   * inputs (1, 2), (3, −1), (0.5, 0.5), (−1, 1):
   *   unit 0: 2.1, 2.6, 0.85, 0 (−0.4 clipped) → mean 5.55 / 4 = 1.3875
   *   unit 1: 0, 0, 0, 2.8 (three negatives clipped) → mean 2.8 / 4 = 0.7
   */
  it('is the mean of each neuron’s output, computed by hand', async () => {
    const scores = await new AvgMetric().score(
      new NeuronModel(makeTwoNeuronNet()),
      twoNeuronData(),
      { batchSize: 3 },
    );
    expect(Object.keys(scores)).toEqual(['hidden']);
    expect(scores.hidden).toBeInstanceOf(Float64Array);
    expect(scores.hidden[0]).toBeCloseTo(1.3875, 6);
    expect(scores.hidden[1]).toBeCloseTo(0.7, 6);
  });

  it('agrees with a plain-JS forward pass on every batch size', async () => {
    const outputs = TWO_NET_INPUTS.map(hiddenOutputs);
    const expected = [0, 1].map(
      (unit) => outputs.reduce((sum, row) => sum + row[unit], 0) / outputs.length,
    );
    for (const batchSize of [1, 2, 3, 4, 100]) {
      const scores = await new AvgMetric().score(
        new NeuronModel(makeTwoNeuronNet()),
        twoNeuronData(),
        { batchSize },
      );
      expect(scores.hidden[0]).toBeCloseTo(expected[0], 6);
      expect(scores.hidden[1]).toBeCloseTo(expected[1], 6);
    }
  });

  it('averages a conv channel over space and samples', async () => {
    const model = new NeuronModel(makeTinyCnn({ seed: 2 }));
    const data = makeSeparableDataset({
      samplesPerClass: 2,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 2,
    });
    const scores = await new AvgMetric().score(model, data, { batchSize: 4 });
    // conv1's neurons are the outputs of relu1 (after batch-norm), read directly from the graph.
    const [batch] = [...data.batches(data.size)];
    const probe = tf.model({
      inputs: model.model.inputs,
      outputs: model.model.getLayer('relu1').output,
    });
    const expected = tf.tidy(() => tf.mean(probe.predict(batch.x) as tf.Tensor, [0, 1, 2]));
    const expectedValues = Array.from(expected.dataSync());
    tf.dispose([batch.x, expected]);
    expectedValues.forEach((value, channel) => expect(scores.conv1[channel]).toBeCloseTo(value, 5));
  });

  it('rejects a bad batch size and a foreign category with clear errors', async () => {
    const model = new NeuronModel(makeTwoNeuronNet());
    await expect(new AvgMetric().score(model, twoNeuronData(), { batchSize: 0 })).rejects.toThrow(
      'metric-avg: batchSize must be an integer ≥ 1, got 0',
    );
    await expect(
      new AvgMetric().score(model, twoNeuronData(), { batchSize: 2, category: 4 }),
    ).rejects.toThrow('metric-avg: category 4 is not a class of this model (expected 0 … 1)');
  });
});

describeMetricContract(() => new AvgMetric(), { batchSizeInvariant: true });
