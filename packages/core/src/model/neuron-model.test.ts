import * as tf from '@tensorflow/tfjs';
import { makeSeparableDataset, makeTinyCnn, makeTinyMlp } from '../testing';
import { NeuronModel } from './neuron-model';

describe('NeuronModel', () => {
  const mlp = makeTinyMlp({ seed: 11 });
  const cnn = makeTinyCnn({ seed: 12 });
  const x = tf.randomUniform([5, 4, 4, 1], 0, 1, 'float32', 1);
  const image = tf.randomUniform([3, 6, 6, 1], 0, 1, 'float32', 2);

  it('finds dense and conv neuron layers, follows batch-norm and activation, and skips the logits layer', () => {
    const view = new NeuronModel(cnn);
    expect(
      view.neuronLayers.map(({ name, kind, units, outputLayerName }) => ({
        name,
        kind,
        units,
        outputLayerName,
      })),
    ).toEqual([
      { name: 'conv1', kind: 'conv2d', units: 4, outputLayerName: 'relu1' },
      { name: 'conv2', kind: 'conv2d', units: 5, outputLayerName: 'conv2' },
      { name: 'fc1', kind: 'dense', units: 6, outputLayerName: 'fc1' },
    ]);
    expect(view.logitsLayerName).toBe('logits');
    expect(view.numClasses).toBe(3);
    expect(new NeuronModel(mlp).neuronLayers.map((layer) => layer.name)).toEqual(['fc1', 'fc2']);
  });

  it('computes the same logits as model.predict', () => {
    for (const [model, input] of [
      [mlp, x],
      [cnn, image],
    ] as const) {
      const expected = model.predict(input) as tf.Tensor;
      const actual = new NeuronModel(model).logits(input);
      expect(Array.from(actual.dataSync())).toEqual(
        Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)),
      );
      tf.dispose([expected, actual]);
    }
  });

  it('reads logits before a softmax output', () => {
    const withSoftmax = tf.sequential();
    withSoftmax.add(
      tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu', name: 'hidden' }),
    );
    withSoftmax.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
    const input = tf.ones([1, 3]);
    const logits = new NeuronModel(withSoftmax).logits(input);
    const probabilities = withSoftmax.predict(input) as tf.Tensor;
    const softmaxOfLogits = tf.softmax(logits);
    expect(Math.abs(logits.sum().dataSync()[0] - 1)).toBeGreaterThan(1e-6);
    expect(Array.from(softmaxOfLogits.dataSync())).toEqual(
      Array.from(probabilities.dataSync()).map((v) => expect.closeTo(v, 5)),
    );
    tf.dispose([input, logits, probabilities, softmaxOfLogits]);
  });

  it('masks a neuron exactly like zeroing its weights, without touching the model', () => {
    const view = new NeuronModel(mlp);
    const before = view.fingerprint().weightsSha256;
    const mask = new Float32Array(12).fill(1);
    mask[3] = 0;
    const masked = view.logits(x, { fc1: mask });

    const copy = makeTinyMlp({ seed: 11 });
    const [kernel, bias] = copy.getLayer('fc1').getWeights();
    const kernelValues = kernel.arraySync() as number[][];
    kernelValues.forEach((row) => (row[3] = 0));
    const biasValues = bias.arraySync() as number[];
    biasValues[3] = 0;
    copy.getLayer('fc1').setWeights([tf.tensor(kernelValues), tf.tensor(biasValues)]);
    const expected = copy.predict(x) as tf.Tensor;
    expect(Array.from(masked.dataSync())).toEqual(
      Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)),
    );
    view.weightsChanged();
    expect(view.fingerprint().weightsSha256).toBe(before);
    tf.dispose([masked, expected, kernel, bias]);
  });

  it('returns post-activation neuron outputs, conv channels averaged over space', () => {
    const view = new NeuronModel(cnn);
    const { outputs, logits } = view.neuronOutputs(image);
    expect(outputs.conv1.shape).toEqual([3, 4]);
    expect(outputs.conv2.shape).toEqual([3, 5]);
    expect(outputs.fc1.shape).toEqual([3, 6]);
    const reluMaps = tf
      .model({ inputs: cnn.inputs, outputs: cnn.getLayer('relu1').output as tf.SymbolicTensor })
      .predict(image) as tf.Tensor;
    const expected = tf.mean(reluMaps, [1, 2]);
    expect(Array.from(outputs.conv1.dataSync())).toEqual(
      Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)),
    );
    expect(Math.min(...outputs.conv1.dataSync())).toBeGreaterThanOrEqual(0);
    tf.dispose([...Object.values(outputs), logits, reluMaps, expected]);
  });

  it('takes gradients of a class logit with respect to neuron outputs (checked by finite differences)', () => {
    const view = new NeuronModel(mlp);
    const { outputs, gradients, objective } = view.neuronGradients(x, {
      kind: 'logit',
      classIndex: 1,
    });
    // fc2 feeds the logits linearly, so d logit_1 / d fc2_j is the kernel entry [j, 1] for every sample.
    const logitsKernel = mlp.getLayer('logits').getWeights()[0].arraySync() as number[][];
    const gradientRows = gradients.fc2.arraySync() as number[][];
    gradientRows.forEach((row) =>
      row.forEach((value, j) => expect(value).toBeCloseTo(logitsKernel[j][1], 5)),
    );
    // Finite difference through fc1: bump one fc1 output via a mask of 1 + ε.
    const epsilon = 1e-2;
    const mask = new Float32Array(12).fill(1);
    const neuron = 5;
    mask[neuron] = 1 + epsilon;
    const base = view.logits(x);
    const bumped = view.logits(x, { fc1: mask });
    const delta = tf.sum(tf.sub(bumped, base).slice([0, 1], [-1, 1])).dataSync()[0];
    const predicted =
      tf.sum(tf.mul(outputs.fc1, gradients.fc1).slice([0, neuron], [-1, 1])).dataSync()[0] *
      epsilon;
    expect(delta).toBeCloseTo(predicted, 4);
    expect(objective).toBeCloseTo(tf.sum(base.slice([0, 1], [-1, 1])).dataSync()[0], 4);
    tf.dispose([...Object.values(outputs), ...Object.values(gradients), base, bumped]);
  });

  it('takes cross-entropy gradients of conv maps without leaking tensors', () => {
    const view = new NeuronModel(cnn);
    const labels = Int32Array.from([0, 1, 2]);
    const first = view.neuronGradients(image, { kind: 'cross-entropy', labels });
    expect(first.gradients.conv1.shape).toEqual([3, 6, 6, 4]);
    expect(first.outputs.conv2.shape).toEqual([3, 3, 3, 5]);
    tf.dispose([...Object.values(first.outputs), ...Object.values(first.gradients)]);
    const before = tf.memory().numTensors;
    const second = view.neuronGradients(image, { kind: 'cross-entropy', labels });
    tf.dispose([...Object.values(second.outputs), ...Object.values(second.gradients)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects wrong input shapes, unknown layers, bad masks and classes with clear errors', () => {
    const view = new NeuronModel(mlp);
    const wrong = tf.zeros([2, 5, 5, 1]);
    expect(() => view.logits(wrong)).toThrow(
      "input batch has shape [2, 5, 5, 1]; model 'tiny_mlp' expects [batch, 4, 4, 1]",
    );
    expect(() => view.layer('fc9')).toThrow(
      "unknown neuron layer 'fc9' (this model's neuron layers: fc1, fc2)",
    );
    expect(() => view.logits(x, { fc1: [1, 0] })).toThrow(
      "mask of layer 'fc1' has 2 entries; the layer has 12 neurons",
    );
    expect(() => view.neuronGradients(x, { kind: 'logit', classIndex: 7 })).toThrow(
      'class 7 is not a class of this model (expected 0 … 2)',
    );
    wrong.dispose();
  });

  it('evaluates a data set in batches', async () => {
    const { evaluateAccuracy } = await import('./evaluate');
    const data = makeSeparableDataset({
      samplesPerClass: 4,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 1,
    });
    const report = await evaluateAccuracy(new NeuronModel(mlp), data, { batchSize: 5 });
    expect(report.samples).toBe(12);
    expect(report.perClassAccuracy).toHaveLength(3);
  });
});
