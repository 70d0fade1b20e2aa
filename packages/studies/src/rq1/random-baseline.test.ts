import * as tf from '@tensorflow/tfjs';
import { evaluateAccuracy, NeuronModel } from '@neusemslice/core';
import { makeSeparableDataset, makeTinyMlp } from '@neusemslice/core/testing';
import { layerSizes, RandomBaselines } from './random-baseline';

function fixture() {
  const data = makeSeparableDataset({
    samplesPerClass: 10,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 9,
  });
  const model = new NeuronModel(makeTinyMlp({ hidden: [10, 6], numClasses: 3, seed: 5 }));
  return { data, model };
}

describe('RandomBaselines', () => {
  const { data, model } = fixture();
  const [first, second] = model.neuronLayers;
  const all = (units: number) => Array.from({ length: units }, (_, index) => index);

  it('keeping every neuron gives the unmasked accuracy with no spread', async () => {
    const baselines = new RandomBaselines(model, data, { draws: 3, seed: 1, batchSize: 8 });
    const full = { [first.name]: all(first.units), [second.name]: all(second.units) };
    const unmasked = (await evaluateAccuracy(model, data)).accuracy;
    expect(await baselines.at(full)).toEqual({ accuracyMean: unmasked, accuracyStd: 0, draws: 3 });
  });

  it('depends only on the per-layer sizes and the seed, and repeats', async () => {
    const a = new RandomBaselines(model, data, { draws: 4, seed: 2, batchSize: 8 });
    const b = new RandomBaselines(model, data, { draws: 4, seed: 2, batchSize: 8 });
    const slice = { [first.name]: [0, 1, 2], [second.name]: [0, 1] };
    const sameSizes = { [first.name]: [5, 7, 9], [second.name]: [3, 4] };
    const result = await a.at(slice);
    expect(await b.at(sameSizes)).toEqual(result);
    expect(result.draws).toBe(4);
    expect(result.accuracyStd).toBeGreaterThanOrEqual(0);
    expect(layerSizes(slice)).toEqual({ [first.name]: 3, [second.name]: 2 });
  });

  it('measures a size once and leaves no tensors behind', async () => {
    const baselines = new RandomBaselines(model, data, { draws: 2, seed: 3, batchSize: 8 });
    const slice = { [first.name]: [1, 2], [second.name]: [0] };
    await baselines.at(slice);
    const before = tf.memory().numTensors;
    const again = await baselines.at({ [first.name]: [3, 4], [second.name]: [5] });
    expect(again).toBe(await baselines.at(slice));
    await new RandomBaselines(model, data, { draws: 2, seed: 4, batchSize: 8 }).at(slice);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses fewer than one draw', () => {
    expect(() => new RandomBaselines(model, data, { draws: 0, seed: 1, batchSize: 8 })).toThrow(
      'randomDraws must be an integer ≥ 1, got 0',
    );
  });
});
