import * as tf from '@tensorflow/tfjs';
import {
  countKeptParameters,
  createSlice,
  isUsageError,
  masksFromNeuronSets,
  NeuronModel,
  weightOwnership,
} from '@neusemslice/core';
import { makeTinyCnn, makeTinyMlp, seededRandom } from '@neusemslice/core/testing';
import { measureModelSize } from './model-size';
import { type KeptNeurons, restructureFromSlice, restructureModel } from './restructure-model';

/** conv → avg-pool → dropout → conv → global-avg-pool → dense → logits, no batch-norm. */
function makePoolingCnn(seed: number): tf.LayersModel {
  const model = tf.sequential({ name: 'pooling_cnn' });
  model.add(
    tf.layers.conv2d({
      inputShape: [6, 6, 2],
      filters: 5,
      kernelSize: 3,
      activation: 'relu',
      name: 'conv_a',
      kernelInitializer: tf.initializers.heNormal({ seed }),
      biasInitializer: tf.initializers.randomUniform({ minval: 0, maxval: 0.2, seed: seed + 1 }),
    }),
  );
  model.add(tf.layers.averagePooling2d({ poolSize: 2, name: 'avg' }));
  model.add(tf.layers.dropout({ rate: 0.5, name: 'drop' }));
  model.add(
    tf.layers.conv2d({
      filters: 6,
      kernelSize: 1,
      name: 'conv_b',
      kernelInitializer: tf.initializers.heNormal({ seed: seed + 2 }),
    }),
  );
  model.add(tf.layers.activation({ activation: 'elu', name: 'elu_b' }));
  model.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  model.add(tf.layers.dense({ units: 4, activation: 'tanh', name: 'fc' }));
  model.add(tf.layers.dense({ units: 3, name: 'logits' }));
  return model;
}

/** Random, non-trivial batch-norm parameters and statistics, so cutting them is visible. */
function randomiseBatchNorm(model: tf.LayersModel, seed: number): void {
  const random = seededRandom(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.getWeights().map((weight, position) => {
      const data = Float32Array.from({ length: weight.size }, () =>
        position === 3 ? 0.5 + random() : random() - 0.3,
      );
      return tf.tensor(data, weight.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

function randomBatch(shape: number[], seed: number): tf.Tensor {
  const random = seededRandom(seed);
  const size = shape.reduce((product, dim) => product * dim, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => random()),
    shape,
  );
}

/** Every other neuron of each layer, starting at 1, so first and last are both exercised. */
function oddNeurons(model: NeuronModel): KeptNeurons {
  return Object.fromEntries(
    model.neuronLayers.map((layer) => [
      layer.name,
      Array.from({ length: layer.units }, (_, index) => index).filter((index) => index % 2 === 1),
    ]),
  );
}

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
}

const cases = [
  {
    label: 'dense chain (MLP)',
    build: () => makeTinyMlp({ seed: 11, hidden: [9, 7] }),
    inputShape: [4, 4, 1],
  },
  {
    label: 'conv → batch-norm → relu → pool → conv → flatten → dense',
    build: () => {
      const model = makeTinyCnn({ seed: 12 });
      randomiseBatchNorm(model, 13);
      return model;
    },
    inputShape: [6, 6, 1],
  },
  {
    label: 'conv → avg-pool → dropout → conv → global-avg-pool → dense',
    build: () => makePoolingCnn(14),
    inputShape: [6, 6, 2],
  },
];

describe('restructureModel', () => {
  for (const { label, build, inputShape } of cases) {
    describe(label, () => {
      it('gives the masked original’s logits, with the kept parameter count', async () => {
        const neuronModel = new NeuronModel(build());
        const kept = oddNeurons(neuronModel);
        const restructured = restructureModel(neuronModel, kept);
        const x = randomBatch([16, ...inputShape], 5);
        const masks = masksFromNeuronSets(neuronModel, kept as Record<string, number[]>);
        const expected = neuronModel.logits(x, masks);
        const actual = restructured.predict(x) as tf.Tensor;
        expect(actual.shape).toEqual([16, neuronModel.numClasses]);
        expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-5);
        // Silencing neurons does change the outputs, so the comparison above can fail.
        const unmasked = neuronModel.logits(x);
        expect(maxAbsDifference(unmasked, expected)).toBeGreaterThan(1e-3);

        const counted = countKeptParameters(weightOwnership(neuronModel), masks);
        expect(measureModelSize(restructured).parameters).toBe(counted.kept);
        expect(counted.kept).toBeLessThan(counted.total);
        for (const layer of neuronModel.neuronLayers) {
          const config = restructured.getLayer(layer.name).getConfig();
          expect(config.units ?? config.filters).toBe(kept[layer.name].length);
        }
        tf.dispose([x, expected, actual, unmasked]);
        restructured.dispose();
        neuronModel.model.dispose();
      });

      it('saves a standard layers model that loads with tf.loadLayersModel and predicts the same', async () => {
        const neuronModel = new NeuronModel(build());
        const restructured = restructureModel(neuronModel, oddNeurons(neuronModel));
        const loaded = await roundTrip(restructured);
        const x = randomBatch([8, ...inputShape], 6);
        const before = restructured.predict(x) as tf.Tensor;
        const after = loaded.predict(x) as tf.Tensor;
        expect(maxAbsDifference(before, after)).toBe(0);
        tf.dispose([x, before, after]);
        loaded.dispose();
        restructured.dispose();
        neuronModel.model.dispose();
      });

      it('leaves the original untouched and leaks no tensor', () => {
        const neuronModel = new NeuronModel(build());
        const fingerprint = neuronModel.fingerprint();
        const kept = oddNeurons(neuronModel);
        restructureModel(neuronModel, kept).dispose();
        const tensorsBefore = tf.memory().numTensors;
        restructureModel(neuronModel, kept).dispose();
        expect(tf.memory().numTensors).toBe(tensorsBefore);
        neuronModel.weightsChanged();
        expect(neuronModel.fingerprint()).toEqual(fingerprint);
        neuronModel.model.dispose();
      });
    });
  }

  it('keeps every neuron of a layer left out, and of the logits layer', () => {
    const neuronModel = new NeuronModel(makeTinyMlp({ seed: 2, hidden: [6, 5] }));
    const restructured = restructureModel(neuronModel, { fc2: [0, 4] });
    expect(restructured.getLayer('fc1').getConfig().units).toBe(6);
    expect(restructured.getLayer('fc2').getConfig().units).toBe(2);
    expect(restructured.getLayer('logits').getConfig().units).toBe(3);
    restructured.dispose();
    neuronModel.model.dispose();
  });

  it.each([
    [{ fc1: [0, 12] }, /kept neuron 12 of layer 'fc1' is out of range 0 … 11/],
    [{ fc1: [1.5] }, /kept neuron 1.5 of layer 'fc1' is out of range/],
    [{ fc1: [3, 3] }, /kept neuron 3 of layer 'fc1' is listed twice/],
    [{ fc2: [] }, /layer 'fc2' keeps no neuron/],
    [{ logits: [0] }, /unknown neuron layer 'logits'/],
  ])('refuses kept neurons %j with a UsageError', (kept, message) => {
    const neuronModel = new NeuronModel(makeTinyMlp({ seed: 2 }));
    let caught: unknown;
    try {
      restructureModel(neuronModel, kept as KeptNeurons);
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(message);
    neuronModel.model.dispose();
  });

  it('refuses a residual graph, naming the merging layer', () => {
    const input = tf.input({ shape: [4, 4, 2], name: 'image' });
    const branch = tf.layers
      .conv2d({ filters: 2, kernelSize: 1, activation: 'relu', name: 'branch' })
      .apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'res_add' }).apply([branch, input]) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({ name: 'flatten' }).apply(sum) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 3, name: 'logits' }).apply(flat) as tf.SymbolicTensor;
    const neuronModel = new NeuronModel(tf.model({ inputs: input, outputs: logits }));
    const tensorsBefore = tf.memory().numTensors;
    expect(() => restructureModel(neuronModel, { branch: [0] })).toThrow(
      /layer 'res_add' \(Add\) reads 2 inputs; physical restructuring supports chain models only.*masking still works/,
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    neuronModel.model.dispose();
  });
});

describe('restructureFromSlice', () => {
  it('keeps the slice’s critical neurons', () => {
    const neuronModel = new NeuronModel(makeTinyMlp({ seed: 4 }));
    const slice = createSlice({
      model: neuronModel,
      metric: 'test',
      slicer: 'test',
      options: {},
      critical: { fc1: [0, 2, 5], fc2: [7] },
    });
    const restructured = restructureFromSlice(neuronModel, slice);
    expect(restructured.getLayer('fc1').getConfig().units).toBe(3);
    expect(restructured.getLayer('fc2').getConfig().units).toBe(1);
    restructured.dispose();
    neuronModel.model.dispose();
  });

  it('refuses a slice made for other weights or another architecture', () => {
    const neuronModel = new NeuronModel(makeTinyMlp({ seed: 4 }));
    const sliceFor = (model: NeuronModel) =>
      createSlice({
        model,
        metric: 'test',
        slicer: 'test',
        options: {},
        critical: { fc1: [0], fc2: [1, 2] },
      });
    const otherWeights = new NeuronModel(makeTinyMlp({ seed: 5 }));
    const otherShape = new NeuronModel(makeTinyMlp({ seed: 4, hidden: [12, 6] }));
    expect(() => restructureFromSlice(neuronModel, sliceFor(otherWeights))).toThrow(
      /slice was made for other weights/,
    );
    expect(() => restructureFromSlice(neuronModel, sliceFor(otherShape))).toThrow(
      /another architecture/,
    );
    // The same architecture, weights changed since slicing: allowed on request.
    const restructured = restructureFromSlice(neuronModel, sliceFor(otherWeights), {
      allowWeightChange: true,
    });
    expect(restructured.getLayer('fc1').getConfig().units).toBe(1);
    restructured.dispose();
    for (const model of [neuronModel, otherWeights, otherShape]) model.model.dispose();
  });
});
