import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import {
  ArrayDataset,
  describeMetricContract,
  makeSeparableDataset,
  makeTinyMlp,
} from '@neusemslice/core/testing';
import { AvgMetric } from '@neusemslice/metric-avg';
import { VarMetric } from '@neusemslice/metric-var';
import { EnsMetric, minMaxNormalise } from './ens-metric';

/**
 * 2 → h1 (3 relu units) → h2 (2 relu units) → 2 logits, with h1 = relu(x₀, x₁, x₀ − x₁) and h2
 * constant: zero kernel, biases (0.2, 0.7).
 */
function makeHandNet(): tf.LayersModel {
  const model = tf.sequential({ name: 'ens_hand_net' });
  model.add(tf.layers.dense({ inputShape: [2], units: 3, activation: 'relu', name: 'h1' }));
  model.add(tf.layers.dense({ units: 2, activation: 'relu', name: 'h2' }));
  model.add(tf.layers.dense({ units: 2, name: 'logits' }));
  const h1 = [
    tf.tensor2d([
      [1, 0, 1],
      [0, 1, -1],
    ]),
    tf.zeros([3]),
  ];
  const h2 = [tf.zeros([3, 2]), tf.tensor1d([0.2, 0.7])];
  model.getLayer('h1').setWeights(h1);
  model.getLayer('h2').setWeights(h2);
  tf.dispose([...h1, ...h2]);
  return model;
}

describe('ens metric', () => {
  /**
   * On the inputs (0, 2), (2, 0), (1, 1), (3, 1):
   *   h1 outputs: unit 0 = 0, 2, 1, 3 (mean 1.5, variance 1.25); unit 1 = 2, 0, 1, 1 (mean 1,
   *   variance 0.5); unit 2 = 0, 2, 0, 2 (mean 1, variance 1).
   *   Normalised avg (1.5, 1, 1) → (1, 0, 0); normalised var (1.25, 0.5, 1) → (1, 0, 2/3);
   *   ens = (1, 0, 1/3).
   *   h2 outputs are constant (0.2 and 0.7): avg → (0, 1), var (0, 0) is constant → (0, 0);
   *   ens = (0, 0.5).
   */
  const handData = new ArrayDataset(
    'four-points',
    Float32Array.from([0, 2, 2, 0, 1, 1, 3, 1]),
    Int32Array.from([0, 1, 0, 1]),
    [2],
    2,
  );

  async function expectHandValues(batchSize: number): Promise<void> {
    const scores = await new EnsMetric().score(new NeuronModel(makeHandNet()), handData, {
      batchSize,
    });
    expect(Object.keys(scores).sort()).toEqual(['h1', 'h2']);
    [1, 0, 1 / 3].forEach((expected, unit) => expect(scores.h1[unit]).toBeCloseTo(expected, 6));
    [0, 0.5].forEach((expected, unit) => expect(scores.h2[unit]).toBeCloseTo(expected, 6));
  }

  it.each([1, 2, 4])(
    'is the mean of the normalised avg and var, computed by hand (batch size %i)',
    expectHandValues,
  );

  // Float32 batch moments would give three 0.2s a variance of 2e-16 instead of 0, which min-max
  // normalisation blows up to a whole range; core's RunningMoments sums batches in float64.
  it('treats a constant layer as constant whatever the batch size (batch size 3)', () =>
    expectHandValues(3));

  it('min-max normalises within a layer, a constant layer to zeros', () => {
    expect(Array.from(minMaxNormalise(Float64Array.from([2, 4, 3])))).toEqual([0, 1, 0.5]);
    expect(Array.from(minMaxNormalise(Float64Array.from([5, 5])))).toEqual([0, 0]);
  });

  it('is the mean of the normalised avg and var metrics’ scores', async () => {
    const model = new NeuronModel(makeTinyMlp({ seed: 4 }));
    const data = makeSeparableDataset({
      samplesPerClass: 10,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 4,
    });
    const [ens, avg, variance] = await Promise.all([
      new EnsMetric().score(model, data, { batchSize: 7 }),
      new AvgMetric().score(model, data, { batchSize: 7 }),
      new VarMetric().score(model, data, { batchSize: 7 }),
    ]);
    for (const layer of model.neuronLayers) {
      const normalisedAvg = minMaxNormalise(avg[layer.name]);
      const normalisedVar = minMaxNormalise(variance[layer.name]);
      ens[layer.name].forEach((value: number, index: number) =>
        expect(value).toBeCloseTo((normalisedAvg[index] + normalisedVar[index]) / 2, 10),
      );
      expect(Math.max(...ens[layer.name])).toBeLessThanOrEqual(1);
      expect(Math.min(...ens[layer.name])).toBeGreaterThanOrEqual(0);
    }
  });
});

describeMetricContract(() => new EnsMetric(), { batchSizeInvariant: true });
