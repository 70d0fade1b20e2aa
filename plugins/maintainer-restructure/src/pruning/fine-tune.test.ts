import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { makeSeparableDataset, makeTinyMlp } from '@neusemslice/core/testing';
import { OPTIMIZER_NAMES } from '@neusemslice/models';
import {
  checkFineTuneOptions,
  DEFAULT_FINE_TUNE,
  drawSamples,
  fineTuneWithMasks,
} from './fine-tune';
import { prunableKernels, readPrunableWeights, zeroDeadWeights } from './prunable-weights';

const data = makeSeparableDataset({
  samplesPerClass: 20,
  numClasses: 3,
  inputShape: [4, 4, 1],
  seed: 3,
});

describe('fineTuneWithMasks', () => {
  it.each(OPTIMIZER_NAMES)(
    'holds every pruned weight at exactly zero with %s',
    async (optimizer) => {
      const model = new NeuronModel(makeTinyMlp({ seed: 5 }));
      const kernels = prunableKernels(model);
      // Every other entry pruned, so the held weights sit next to moving ones.
      const masks = Object.fromEntries(
        kernels.map((kernel) => [
          kernel.name,
          Uint8Array.from({ length: kernel.size }, (_, index) => index % 2),
        ]),
      );
      zeroDeadWeights(kernels, masks);
      const before = readPrunableWeights(kernels, masks);
      const tensorsBefore = tf.memory().numTensors;
      for (let round = 0; round < 2; round++) {
        await fineTuneWithMasks(model.model, kernels, masks, data, {
          ...DEFAULT_FINE_TUNE,
          optimizer,
          learningRate: 0.05,
          epochs: 2,
          batchSize: 16,
          seed: round,
        });
      }
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      const after = readPrunableWeights(kernels, masks);
      let aliveMoved = 0;
      after.forEach((weight, which) => {
        weight.values.forEach((value, index) => {
          if (index % 2 === 0) expect(value === 0).toBe(true);
          else if (value !== before[which].values[index]) aliveMoved++;
        });
      });
      expect(aliveMoved).toBeGreaterThan(0);
      model.model.dispose();
    },
  );
});

describe('drawSamples', () => {
  it('draws a seeded subset of the asked size, the whole set when it has no more', () => {
    const first = drawSamples(data, 10, 1);
    expect(first.size).toBe(10);
    expect(Array.from(drawSamples(data, 10, 1).labels())).toEqual(Array.from(first.labels()));
    expect(drawSamples(data, 1000, 1)).toBe(data);
  });
});

describe('checkFineTuneOptions', () => {
  it('fills in defaults and refuses bad or unknown options, naming them', () => {
    expect(checkFineTuneOptions(undefined)).toEqual(DEFAULT_FINE_TUNE);
    expect(checkFineTuneOptions({ samples: 100 }).samples).toBe(100);
    expect(() => checkFineTuneOptions({ epoch: 2 })).toThrow(/unknown option 'epoch'/);
    expect(() => checkFineTuneOptions({ optimizer: 'rmsprop' })).toThrow(
      /fineTune.optimizer must be one of .*, got "rmsprop"/,
    );
    expect(() => checkFineTuneOptions({ learningRate: -1 })).toThrow(/fineTune.learningRate/);
    expect(() => checkFineTuneOptions(3)).toThrow(/fineTune must be an object, got 3/);
  });
});
