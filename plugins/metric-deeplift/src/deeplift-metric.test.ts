import * as tf from '@tensorflow/tfjs';
import { listComponents, NeuronModel, type ProgressEvent, UsageError } from '@neusemslice/core';
import {
  ArrayDataset,
  createTestContainer,
  describeMetricContract,
  seededRandom,
} from '@neusemslice/core/testing';
import {
  type PlainDenseLayer,
  plainAttributions,
  toTfjsModel,
} from './__fixtures__/dense-relu-reference';
import plugin, { DeepLiftMetric, GradientTimesDeltaMetric } from './index';

// Per-sample attributions are independent of the other samples in a batch, so the mean over the
// data set does not depend on the batch size.
describeMetricContract(() => new DeepLiftMetric(), { batchSizeInvariant: true });
describeMetricContract(() => new GradientTimesDeltaMetric(), { batchSizeInvariant: true });

/** A random 3-5-4-3 ReLU network and data set where units cross zero between x and x₀ = 0. */
function randomNetwork(seed: number): PlainDenseLayer[] {
  const random = seededRandom(seed);
  const layer = (inputs: number, outputs: number, relu: boolean): PlainDenseLayer => ({
    kernel: Array.from({ length: inputs }, () =>
      Array.from({ length: outputs }, () => 2 * random() - 1),
    ),
    bias: Array.from({ length: outputs }, () => random() - 0.5),
    relu,
  });
  return [layer(3, 5, true), layer(5, 4, true), layer(4, 3, false)];
}

function randomData(count: number, seed: number): { inputs: number[][]; data: ArrayDataset } {
  const random = seededRandom(seed);
  const inputs = Array.from({ length: count }, () =>
    Array.from({ length: 3 }, () => 4 * random() - 2),
  );
  const labels = Int32Array.from({ length: count }, (_, index) => index % 3);
  return {
    inputs,
    data: new ArrayDataset('random', Float32Array.from(inputs.flat()), labels, [3], 3),
  };
}

/** Mean over samples of the float64 reference attributions, per hidden layer. */
function plainMeans(
  network: PlainDenseLayer[],
  inputs: number[][],
  targets: number[],
  rule: 'rescale' | 'gradient',
): number[][] {
  const perSample = inputs.map((input, sample) =>
    plainAttributions(network, input, targets[sample], rule),
  );
  return perSample[0].map((layer, layerIndex) =>
    layer.map(
      (_, unit) =>
        perSample.reduce((sum, sample) => sum + sample[layerIndex][unit], 0) / inputs.length,
    ),
  );
}

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-6): void {
  expect(actual).toHaveLength(expected.length);
  Array.from(actual).forEach((value, index) =>
    expect(Math.abs(value - expected[index])).toBeLessThan(tolerance),
  );
}

describe('DeepLiftMetric', () => {
  const network = randomNetwork(41);
  const model = new NeuronModel(toTfjsModel(network));
  const { inputs, data } = randomData(23, 42);
  const labels = Array.from(data.labels());

  it("is the mean over the data of each sample's DeepLIFT attribution to its own label's logit", async () => {
    const scores = await new DeepLiftMetric().score(model, data, { batchSize: 4 });
    const expected = plainMeans(network, inputs, labels, 'rescale');
    expectClose(scores.h1, expected[0]);
    expectClose(scores.h2, expected[1]);
  });

  it('targets options.category for every sample when given', async () => {
    const scores = await new DeepLiftMetric().score(model, data, { batchSize: 4, category: 2 });
    const expected = plainMeans(
      network,
      inputs,
      labels.map(() => 2),
      'rescale',
    );
    expectClose(scores.h1, expected[0]);
    expectClose(scores.h2, expected[1]);
  });

  it('differs from gradient-x-delta below a nonlinearity and agrees with it just under the logits', async () => {
    const deeplift = await new DeepLiftMetric().score(model, data, { batchSize: 8 });
    const gradientTimesDelta = await new GradientTimesDeltaMetric().score(model, data, {
      batchSize: 8,
    });
    expectClose(gradientTimesDelta.h1, plainMeans(network, inputs, labels, 'gradient')[0]);
    const largestGap = Math.max(
      ...Array.from(deeplift.h1, (value, unit) => Math.abs(value - gradientTimesDelta.h1[unit])),
    );
    expect(largestGap).toBeGreaterThan(1e-2);
    // Only linear layers lie between h2 and the logits: both rules give the same multipliers.
    expectClose(deeplift.h2, Array.from(gradientTimesDelta.h2));
  });

  it('reports progress in samples under the task "score deeplift"', async () => {
    const events: ProgressEvent[] = [];
    await new DeepLiftMetric().score(model, data, {
      batchSize: 10,
      onProgress: (event) => events.push(event),
    });
    expect(events.map((event) => event.task)).toEqual([
      'score deeplift',
      'score deeplift',
      'score deeplift',
    ]);
    expect(events.map((event) => event.done)).toEqual([10, 20, 23]);
  });

  it('rejects a bad batch size, an unknown category, out-of-range labels and an empty data set', async () => {
    const metric = new DeepLiftMetric();
    await expect(metric.score(model, data, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(metric.score(model, data, { batchSize: 4, category: 3 })).rejects.toThrow(
      /category 3/,
    );
    const badLabels = new ArrayDataset('bad', new Float32Array(6), Int32Array.from([0, 7]), [3], 8);
    await expect(metric.score(model, badLabels, { batchSize: 4 })).rejects.toThrow(
      /target class 7/,
    );
    const empty = data.subset(new Int32Array(0), 'empty');
    await expect(metric.score(model, empty, { batchSize: 4 })).rejects.toThrow(UsageError);
  });

  it('does not grow the number of tensors over repeated scoring, also after an error', async () => {
    await new DeepLiftMetric().score(model, data, { batchSize: 4 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await new DeepLiftMetric().score(model, data, { batchSize: 4 });
    const badLabels = new ArrayDataset('bad', new Float32Array(6), Int32Array.from([0, 7]), [3], 8);
    await expect(new DeepLiftMetric().score(model, badLabels, { batchSize: 4 })).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the plugin', () => {
  it('registers deeplift and the differently named gradient-x-delta', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/metric-deeplift');
    expect(
      listComponents(container, 'metric')
        .map((metric) => metric.name)
        .sort(),
    ).toEqual(['deeplift', 'gradient-x-delta']);
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
