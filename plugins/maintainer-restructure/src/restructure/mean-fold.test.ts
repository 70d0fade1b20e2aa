import * as tf from '@tensorflow/tfjs';
import { isUsageError, masksFromNeuronSets, NeuronModel } from '@neusemslice/core';
import { makeTinyMlp, seededRandom } from '@neusemslice/core/testing';
import { type KeptNeurons, restructureModel } from './restructure-model';

/** conv (same) → batch-norm → relu → max-pool → conv (given padding) → max-pool → flatten → dense → logits. */
function makeFoldCnn(seed: number, secondPadding: 'valid' | 'same'): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential({ name: 'fold_cnn' });
  model.add(
    tf.layers.conv2d({
      inputShape: [8, 8, 1],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      name: 'conv1',
      kernelInitializer: init(1),
    }),
  );
  model.add(
    tf.layers.batchNormalization({
      name: 'bn1',
      gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed }),
      betaInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: seed + 9 }),
    }),
  );
  model.add(tf.layers.activation({ activation: 'relu', name: 'relu1' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  model.add(
    tf.layers.conv2d({
      filters: 5,
      kernelSize: 3,
      padding: secondPadding,
      activation: 'relu',
      name: 'conv2',
      kernelInitializer: init(2),
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(
    tf.layers.dense({ units: 6, activation: 'relu', name: 'fc1', kernelInitializer: init(3) }),
  );
  model.add(tf.layers.dense({ units: 3, name: 'logits', kernelInitializer: init(4) }));
  return model;
}

/** Random kept sets (at least one neuron per layer) and positive means for every neuron layer. */
function randomCut(neuronModel: NeuronModel, seed: number) {
  const random = seededRandom(seed);
  const kept: KeptNeurons = {};
  const means: Record<string, Float32Array> = {};
  for (const layer of neuronModel.neuronLayers) {
    const keep = Array.from({ length: layer.units }, (_, index) => index).filter(
      (index) => index === 0 || random() < 0.5,
    );
    kept[layer.name] = keep;
    means[layer.name] = Float32Array.from({ length: layer.units }, () => 0.1 + random());
  }
  return { kept, means };
}

/** Logits with the dropped neurons outputting their means instead of their values. */
function meanReplacedLogits(
  neuronModel: NeuronModel,
  x: tf.Tensor,
  kept: KeptNeurons,
  means: Record<string, Float32Array>,
): tf.Tensor {
  const masks = masksFromNeuronSets(neuronModel, kept as Record<string, number[]>);
  return tf.tidy(() =>
    neuronModel.run(x, {
      masks,
      onNeuronOutput: (layer, output) =>
        tf.add(
          output,
          tf.tensor1d(
            means[layer.name].map((mean, index) => (1 - masks[layer.name][index]) * mean),
          ),
        ),
    }),
  );
}

function expectFoldMatches(neuronModel: NeuronModel, inputShape: number[], seed: number): void {
  const { kept, means } = randomCut(neuronModel, seed);
  const x = tf.randomUniform([5, ...inputShape], 0, 1, 'float32', seed);
  const restructured = restructureModel(neuronModel, kept, { means });
  const expected = meanReplacedLogits(neuronModel, x, kept, means);
  const actual = new NeuronModel(restructured).logits(x);
  const plainRestructured = restructureModel(neuronModel, kept);
  const withoutFold = new NeuronModel(plainRestructured).logits(x);
  const difference = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0];
  const foldEffect = tf.max(tf.abs(tf.sub(withoutFold, expected))).dataSync()[0];
  expect(difference).toBeLessThan(1e-4);
  // The means matter: without the fold the outputs differ from mean replacement.
  expect(foldEffect).toBeGreaterThan(1e-3);
  tf.dispose([x, expected, actual, withoutFold]);
  restructured.dispose();
  plainRestructured.dispose();
}

describe('restructureModel with means (mean replacement folded into biases)', () => {
  it('equals the mean-replaced masked MLP on its logits', () => {
    const model = makeTinyMlp({ hidden: [10, 7], numClasses: 3, seed: 4 });
    const neuronModel = new NeuronModel(model);
    expectFoldMatches(neuronModel, [...neuronModel.inputShape], 21);
    model.dispose();
  });

  it('equals the mean-replaced masked CNN through batch-norm, pooling, a valid conv and flatten', () => {
    const model = makeFoldCnn(7, 'valid');
    const neuronModel = new NeuronModel(model);
    expectFoldMatches(neuronModel, [8, 8, 1], 22);
    model.dispose();
  });

  it("refuses to fold into a 'same' convolution, naming both layers", () => {
    const model = makeFoldCnn(8, 'same');
    const neuronModel = new NeuronModel(model);
    const { kept, means } = randomCut(neuronModel, 23);
    let error: unknown;
    try {
      restructureModel(neuronModel, kept, { means }).dispose();
    } catch (caught) {
      error = caught;
    }
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /mean replacement cannot fold layer 'conv1' into 'conv2': its padding 'same'/,
    );
    model.dispose();
  });

  it('refuses means that do not fit a layer and leaves no tensors behind', () => {
    const model = makeTinyMlp({ hidden: [6], numClasses: 3, seed: 5 });
    const neuronModel = new NeuronModel(model);
    const layer = neuronModel.neuronLayers[0];
    expect(() =>
      restructureModel(neuronModel, { [layer.name]: [0, 1] }, { means: { [layer.name]: [1] } }),
    ).toThrow(`means of layer '${layer.name}' have 1 entries; the layer has 6 neurons`);
    const means = { [layer.name]: new Float32Array(6).fill(0.5) };
    restructureModel(neuronModel, { [layer.name]: [0, 1] }, { means }).dispose();
    const before = tf.memory().numTensors;
    for (let call = 0; call < 3; call++)
      restructureModel(neuronModel, { [layer.name]: [0, 1] }, { means }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
