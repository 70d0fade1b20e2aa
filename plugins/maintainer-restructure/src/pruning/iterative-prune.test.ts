import * as tf from '@tensorflow/tfjs';
import {
  createSlice,
  evaluateAccuracy,
  NeuronModel,
  type Pruner,
  type Slice,
} from '@neusemslice/core';
import { makeSeparableDataset, makeTinyMlp, trainBriefly } from '@neusemslice/core/testing';
import { TestMagnitudePruner } from './__fixtures__/magnitude-pruner';
import { cloneModel } from './clone-model';
import { fullSlice } from './full-slice';
import { iterativePrune } from './iterative-prune';
import { prunableKernels, sliceAliveMasks } from './prunable-weights';

const train = makeSeparableDataset({
  samplesPerClass: 30,
  numClasses: 3,
  inputShape: [4, 4, 1],
  seed: 11,
});
const test = makeSeparableDataset({
  samplesPerClass: 20,
  numClasses: 3,
  inputShape: [4, 4, 1],
  seed: 11,
});
const fineTune = { samples: 60, epochs: 1, batchSize: 16, learningRate: 0.01 };

/** A tiny MLP trained to separate the classes. */
function trainedModel(): NeuronModel {
  const model = makeTinyMlp({ seed: 2 });
  const [all] = [...train.batches(train.size)];
  trainBriefly(model, all.x, all.labels, 60, 0.2);
  all.x.dispose();
  return new NeuronModel(model);
}

function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((weight) => Array.from(weight.dataSync()));
}

/** Number of kernel entries that are exactly zero. */
function zeroKernelEntries(model: tf.LayersModel): number {
  let zeros = 0;
  for (const kernel of prunableKernels(new NeuronModel(model))) {
    for (const value of kernel.variable.read().dataSync()) if (value === 0) zeros++;
  }
  return zeros;
}

/** Wraps a pruner so that from its n-th call on it prunes every weight (accuracy collapses). */
function collapsingFrom(call: number, pruner: Pruner): Pruner {
  let calls = 0;
  return {
    name: 'collapsing',
    description: 'test',
    prune(request) {
      calls++;
      if (calls < call) return pruner.prune(request);
      return Object.fromEntries(
        request.weights.map((weight) => [weight.name, new Uint8Array(weight.values.length)]),
      );
    },
  };
}

describe('iterativePrune', () => {
  const original = trainedModel();
  afterAll(() => original.model.dispose());

  it('removes a share p of the remaining weights per iteration and keeps the caller’s model', async () => {
    const pruner = new TestMagnitudePruner();
    const weightsBefore = weightValues(original.model);
    const result = await iterativePrune({
      model: original,
      slice: fullSlice(original),
      pruner,
      trainData: train,
      testData: test,
      step: 0.2,
      tolerance: 100,
      maxIterations: 3,
      fineTune,
    });
    expect(result.iterations).toBe(3);
    expect(result.stopReason).toBe('max-iterations');
    expect(result.restructured).toBe(false);
    const total = result.prunableWeightsBefore;
    let dead = 0;
    pruner.requests.forEach((request, index) => {
      expect(request.targetSparsity).toBeCloseTo(1 - (1 - dead / total) * 0.8, 10);
      dead = Math.round(request.targetSparsity * total);
      expect(result.history[index].compressionRate).toBeCloseTo(dead / total, 10);
    });
    expect(result.compressionRate).toBeCloseTo(dead / total, 10);
    expect(Math.abs(result.compressionRate - (1 - 0.8 ** 3))).toBeLessThan(3 / total);
    expect(result.prunableWeightsAfter).toBe(total - dead);
    expect(result.parametersBefore - result.parametersAfter).toBe(dead);
    // Pruned weights are exactly zero in the returned model, and the caller's model is untouched.
    expect(zeroKernelEntries(result.model)).toBeGreaterThanOrEqual(dead);
    expect(weightValues(original.model)).toEqual(weightsBefore);
    expect(result.testAccuracy).toBe(result.history[2].testAccuracy);
    result.model.dispose();
  });

  it('stops at the last iteration within the tolerance and returns that iteration’s model', async () => {
    const events: number[] = [];
    const result = await iterativePrune({
      model: original,
      slice: fullSlice(original),
      pruner: collapsingFrom(2, new TestMagnitudePruner()),
      trainData: train,
      testData: test,
      step: 0.1,
      tolerance: 5,
      maxIterations: 10,
      fineTune,
      onProgress: (event) => events.push(event.done),
    });
    expect(result.originalTestAccuracy).toBeGreaterThan(0.9);
    expect(result.history).toHaveLength(2);
    expect(result.history[0].withinTolerance).toBe(true);
    expect(result.history[1].withinTolerance).toBe(false);
    expect(result.stopReason).toBe('tolerance');
    expect(result.iterations).toBe(1);
    expect(result.compressionRate).toBe(result.history[0].compressionRate);
    expect(events).toEqual([1, 2]);
    // The model is iteration 1's: its accuracy and its number of zero kernel entries.
    const { accuracy } = await evaluateAccuracy(new NeuronModel(result.model), test);
    expect(accuracy).toBe(result.history[0].testAccuracy);
    expect(accuracy).toBe(result.testAccuracy);
    result.model.dispose();
  });

  it('counts a slice’s dropped neurons as dead weights and restructures at the end', async () => {
    const critical = Object.fromEntries(
      original.neuronLayers.map((layer) => [
        layer.name,
        Array.from({ length: layer.units }, (_, index) => index).filter((index) => index % 4 !== 0),
      ]),
    );
    const slice = createSlice({ model: original, metric: 't', slicer: 't', options: {}, critical });
    const pruner = new TestMagnitudePruner();
    const restructureCalls: Slice[] = [];
    const result = await iterativePrune({
      model: original,
      slice,
      pruner,
      trainData: train,
      testData: test,
      step: 0.2,
      tolerance: 100,
      maxIterations: 2,
      fineTune,
      restructure: async (model, tunedSlice) => {
        restructureCalls.push(tunedSlice);
        return cloneModel(model.model);
      },
    });
    const kernels = prunableKernels(original);
    const sliceMasks = sliceAliveMasks(original, kernels, slice);
    expect(result.sliceCompressionRate).toBeGreaterThan(0);
    // The first request already has the slice's weights dead.
    for (const weight of pruner.requests[0].weights) {
      expect(Array.from(weight.aliveMask)).toEqual(Array.from(sliceMasks[weight.name]));
    }
    expect(pruner.requests[0].targetSparsity).toBeCloseTo(
      1 - (1 - result.sliceCompressionRate) * 0.8,
      10,
    );
    expect(result.compressionRate).toBeGreaterThan(result.sliceCompressionRate);
    // The cut network was fine-tuned once before the first pruning step.
    const originalFc1 = Array.from(original.model.getLayer('fc1').getWeights()[0].dataSync());
    const firstFc1 = pruner.requests[0].weights[0];
    expect(firstFc1.name).toBe('fc1/kernel');
    expect(
      originalFc1.some(
        (value, index) => firstFc1.aliveMask[index] && firstFc1.values[index] !== value,
      ),
    ).toBe(true);
    expect(Number.isFinite(result.recoveredTestAccuracy)).toBe(true);
    expect(restructureCalls).toHaveLength(1);
    expect(restructureCalls[0].critical).toEqual(slice.critical);
    expect(result.restructured).toBe(true);
    result.model.dispose();
  });

  it('starts pruning from the freshly cut network with recoverSlice false', async () => {
    const critical = { fc1: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
    const slice = createSlice({ model: original, metric: 't', slicer: 't', options: {}, critical });
    const pruner = new TestMagnitudePruner();
    const result = await iterativePrune({
      model: original,
      slice,
      pruner,
      trainData: train,
      testData: test,
      maxIterations: 1,
      tolerance: 100,
      fineTune,
      recoverSlice: false,
      restructure: async (model) => cloneModel(model.model),
    });
    expect(result.recoveredTestAccuracy).toBe(result.slicedTestAccuracy);
    const originalFc1 = original.model.getLayer('fc1').getWeights()[0].dataSync();
    const firstFc1 = pruner.requests[0].weights[0];
    firstFc1.values.forEach((value, index) =>
      expect(value).toBe(firstFc1.aliveMask[index] ? originalFc1[index] : 0),
    );
    result.model.dispose();
  });

  it('does not leak tensors over repeated runs', async () => {
    const run = async () =>
      (
        await iterativePrune({
          model: original,
          slice: fullSlice(original),
          pruner: collapsingFrom(2, new TestMagnitudePruner()),
          trainData: train,
          testData: test,
          maxIterations: 3,
          fineTune,
          originalTestAccuracy: 1,
        })
      ).model.dispose();
    await run();
    const tensorsBefore = tf.memory().numTensors;
    await run();
    await run();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses bad settings and a slice that drops neurons without a restructure step', async () => {
    const base = {
      model: original,
      slice: fullSlice(original),
      pruner: new TestMagnitudePruner(),
      trainData: train,
      testData: test,
    };
    await expect(iterativePrune({ ...base, step: 1.5 })).rejects.toThrow(
      /step must be a number in \(0, 1\), got 1.5/,
    );
    await expect(iterativePrune({ ...base, maxIterations: 0 })).rejects.toThrow(/maxIterations/);
    await expect(iterativePrune({ ...base, tolerance: -1 })).rejects.toThrow(/tolerance/);
    const partial = createSlice({
      model: original,
      metric: 't',
      slicer: 't',
      options: {},
      critical: { fc1: [0] },
    });
    await expect(iterativePrune({ ...base, slice: partial })).rejects.toThrow(/restructure/);
  });
});
