import * as tf from '@tensorflow/tfjs';
import { evaluateAccuracy, NeuronModel } from '@neusemslice/core';
import { makeSeparableDataset, makeTinyMlp } from '@neusemslice/core/testing';
import { checkMaskFill, maskedAccuracy, neuronMeans } from './masked-evaluation';

function fixture() {
  const data = makeSeparableDataset({
    samplesPerClass: 12,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 4,
  });
  const model = new NeuronModel(makeTinyMlp({ hidden: [8, 6], numClasses: 3, seed: 2 }));
  return { data, model };
}

describe('mean replacement', () => {
  const { data, model } = fixture();

  it('computes one mean per neuron, the average of its outputs over the data', async () => {
    const means = await neuronMeans(model, data, 5);
    const [batch] = [...data.batches(data.size)];
    const { outputs, logits } = model.neuronOutputs(batch.x);
    const layerName = model.neuronLayers[0].name;
    const expected = tf.tidy(() => tf.mean(outputs[layerName], 0));
    const expectedValues = expected.dataSync();
    means[layerName].forEach((mean, index) => expect(mean).toBeCloseTo(expectedValues[index], 5));
    tf.dispose([batch.x, logits, expected, ...Object.values(outputs)]);
  });

  it('equals plain masking when nothing is masked; a dropped layer outputs its constant means', async () => {
    const means = await neuronMeans(model, data, 8);
    const first = model.neuronLayers[0];
    const keepAll = { [first.name]: new Float32Array(first.units).fill(1) };
    const plain = (await evaluateAccuracy(model, data, { masks: keepAll })).accuracy;
    expect(await maskedAccuracy(model, data, { masks: keepAll, means, batchSize: 7 })).toBe(plain);
    // A whole layer replaced by its means: every sample gets the same class, 1 of 3 balanced ones.
    const dropAll = { [first.name]: new Float32Array(first.units) };
    const constant = await maskedAccuracy(model, data, { masks: dropAll, means, batchSize: 7 });
    expect(constant).toBeCloseTo(1 / 3, 5);
  });

  it('leaves no tensors behind over repeated calls', async () => {
    const means = await neuronMeans(model, data, 8);
    const first = model.neuronLayers[0];
    const masks = { [first.name]: Float32Array.from({ length: first.units }, (_, i) => i % 2) };
    await maskedAccuracy(model, data, { masks, means, batchSize: 8 });
    const before = tf.memory().numTensors;
    for (let call = 0; call < 3; call++)
      await maskedAccuracy(model, data, { masks, means, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses unknown fills and means that do not fit the masks', async () => {
    expect(checkMaskFill('mean')).toBe('mean');
    expect(() => checkMaskFill('median')).toThrow(`fill must be 'zero' or 'mean', got "median"`);
    const first = model.neuronLayers[0];
    await expect(
      maskedAccuracy(model, data, {
        masks: { [first.name]: new Float32Array(first.units) },
        means: { [first.name]: new Float32Array(1) },
        batchSize: 8,
      }),
    ).rejects.toThrow(
      `maskFill of layer '${first.name}' has 1 values; its mask has ${first.units}`,
    );
  });
});
