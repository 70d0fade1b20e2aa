import * as tf from '@tensorflow/tfjs';
import { createSlice, NeuronModel } from '@neusemslice/core';
import { makeTinyCnn, makeTinyMlp } from '@neusemslice/core/testing';
import {
  aliveWeightCount,
  mergePrunerMasks,
  prunableKernels,
  prunableWeightCount,
  readPrunableWeights,
  sliceAliveMasks,
  zeroDeadWeights,
} from './prunable-weights';
import { fullSlice } from './full-slice';

function allNeuronsBut(model: NeuronModel, dropped: Record<string, number[]>) {
  return Object.fromEntries(
    model.neuronLayers.map((layer) => [
      layer.name,
      Array.from({ length: layer.units }, (_, index) => index).filter(
        (index) => !(dropped[layer.name] ?? []).includes(index),
      ),
    ]),
  );
}

describe('prunableKernels', () => {
  it('lists every dense and conv kernel, the logits layer included, and no bias', () => {
    const model = new NeuronModel(makeTinyCnn());
    const kernels = prunableKernels(model);
    expect(kernels.map((kernel) => kernel.name)).toEqual([
      'conv1/kernel',
      'conv2/kernel',
      'fc1/kernel',
      'logits/kernel',
    ]);
    expect(kernels.map((kernel) => kernel.layerKind)).toEqual([
      'conv2d',
      'conv2d',
      'dense',
      'dense',
    ]);
    const kernelSizes = model.model.layers
      .filter((layer) => ['Dense', 'Conv2D'].includes(layer.getClassName()))
      .reduce((sum, layer) => sum + layer.getWeights()[0].size, 0);
    expect(prunableWeightCount(kernels)).toBe(kernelSizes);
    model.model.dispose();
  });
});

describe('sliceAliveMasks', () => {
  it('leaves every weight alive for a slice that keeps every neuron', () => {
    const model = new NeuronModel(makeTinyMlp());
    const kernels = prunableKernels(model);
    const masks = sliceAliveMasks(model, kernels, fullSlice(model));
    expect(aliveWeightCount(masks)).toBe(prunableWeightCount(kernels));
    model.model.dispose();
  });

  it("kills a dropped dense neuron's incoming column and the next layer's row that reads it", () => {
    const model = new NeuronModel(makeTinyMlp({ hidden: [5, 4] }));
    const kernels = prunableKernels(model);
    const slice = createSlice({
      model,
      metric: 'test',
      slicer: 'test',
      options: {},
      critical: allNeuronsBut(model, { fc1: [2] }),
    });
    const masks = sliceAliveMasks(model, kernels, slice);
    const fc1 = masks['fc1/kernel']; // [16, 5]
    const fc2 = masks['fc2/kernel']; // [5, 4]
    for (let row = 0; row < 16; row++) {
      for (let unit = 0; unit < 5; unit++) expect(fc1[row * 5 + unit]).toBe(unit === 2 ? 0 : 1);
    }
    for (let row = 0; row < 5; row++) {
      for (let unit = 0; unit < 4; unit++) expect(fc2[row * 4 + unit]).toBe(row === 2 ? 0 : 1);
    }
    expect(masks['logits/kernel'].every((value) => value === 1)).toBe(true);
    model.model.dispose();
  });

  it('kills the flattened dense rows of a dropped conv filter', () => {
    const model = new NeuronModel(makeTinyCnn());
    const kernels = prunableKernels(model);
    const slice = createSlice({
      model,
      metric: 'test',
      slicer: 'test',
      options: {},
      critical: allNeuronsBut(model, { conv2: [1] }),
    });
    const masks = sliceAliveMasks(model, kernels, slice);
    const conv2 = masks['conv2/kernel']; // [3, 3, 4, 5]
    conv2.forEach((value, index) => expect(value).toBe(index % 5 === 1 ? 0 : 1));
    const fc1 = masks['fc1/kernel']; // [3·3·5, 6], channels last
    fc1.forEach((value, index) => expect(value).toBe(Math.floor(index / 6) % 5 === 1 ? 0 : 1));
    model.model.dispose();
  });
});

describe('zeroDeadWeights and readPrunableWeights', () => {
  it('zeroes exactly the dead entries and hands the pruner copies of the values', () => {
    const model = new NeuronModel(makeTinyMlp());
    const kernels = prunableKernels(model);
    const before = readPrunableWeights(kernels, sliceAliveMasks(model, kernels, fullSlice(model)));
    const masks = Object.fromEntries(
      kernels.map((kernel) => [
        kernel.name,
        Uint8Array.from({ length: kernel.size }, (_, index) => (index % 3 === 0 ? 0 : 1)),
      ]),
    );
    zeroDeadWeights(kernels, masks);
    const after = readPrunableWeights(kernels, masks);
    after.forEach((weight, which) => {
      weight.values.forEach((value, index) =>
        expect(value).toBe(index % 3 === 0 ? 0 : before[which].values[index]),
      );
    });
    expect(before[0].values.some((value, index) => index % 3 === 0 && value !== 0)).toBe(true);
    model.model.dispose();
  });

  it('does not leak tensors', () => {
    const model = new NeuronModel(makeTinyCnn());
    const kernels = prunableKernels(model);
    const masks = sliceAliveMasks(model, kernels, fullSlice(model));
    const tensorsBefore = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      sliceAliveMasks(model, kernels, fullSlice(model));
      zeroDeadWeights(kernels, masks);
      readPrunableWeights(kernels, masks);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.model.dispose();
  });
});

describe('mergePrunerMasks', () => {
  const model = new NeuronModel(makeTinyMlp({ hidden: [3], numClasses: 2 }));
  const kernels = prunableKernels(model);
  const before = Object.fromEntries(
    kernels.map((kernel) => [kernel.name, new Uint8Array(kernel.size).fill(1)]),
  );
  before['fc1/kernel'][0] = 0;
  afterAll(() => model.model.dispose());

  it('keeps dead weights dead even when a pruner answers otherwise', () => {
    const answer = Object.fromEntries(
      kernels.map((kernel) => [kernel.name, new Uint8Array(kernel.size).fill(1)]),
    );
    const merged = mergePrunerMasks('p', kernels, before, answer);
    expect(merged['fc1/kernel'][0]).toBe(0);
    expect(aliveWeightCount(merged)).toBe(prunableWeightCount(kernels) - 1);
  });

  it('names the pruner and kernel when a mask is missing or has the wrong length', () => {
    expect(() => mergePrunerMasks('p', kernels, before, {})).toThrow(
      /pruner 'p' returned no mask for 'fc1\/kernel'/,
    );
    const short = Object.fromEntries(kernels.map((kernel) => [kernel.name, new Uint8Array(1)]));
    expect(() => mergePrunerMasks('p', kernels, before, short)).toThrow(/1 entries/);
  });
});
