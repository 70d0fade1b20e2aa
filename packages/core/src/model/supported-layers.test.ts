import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from './neuron-model';

/** A functional dense chain with an explicit Input, as users build with tf.model. */
function functionalMlp(): tf.LayersModel {
  const input = tf.input({ shape: [6], name: 'features' });
  const hidden = tf.layers
    .dense({ units: 5, activation: 'relu', name: 'hidden', kernelInitializer: 'glorotUniform' })
    .apply(input) as tf.SymbolicTensor;
  const branch = tf.layers.dense({ units: 5, name: 'branch' }).apply(hidden) as tf.SymbolicTensor;
  const merged = tf.layers.add({ name: 'merge' }).apply([hidden, branch]) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 3, name: 'logits' }).apply(merged) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'functional-mlp' });
}

/** A model with `layer` between a dense layer and the logits. */
function modelWith(inputShape: number[], layer: tf.layers.Layer): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  const middle = layer.apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(middle) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 4, name: 'hidden' }).apply(flat) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2 }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'user-model' });
}

describe('supported layers', () => {
  it('reads a functional tf.model (explicit Input, dense layers, a residual Add) like predict', () => {
    const model = functionalMlp();
    const view = new NeuronModel(model);
    expect(view.neuronLayers.map((layer) => layer.name)).toEqual(['hidden', 'branch']);
    expect(view.inputShape).toEqual([6]);
    const x = tf.randomUniform([4, 6], -1, 1, 'float32', 3);
    const expected = model.predict(x) as tf.Tensor;
    const logits = view.logits(x);
    expect(Array.from(logits.dataSync())).toEqual(
      Array.from(expected.dataSync()).map((value) => expect.closeTo(value, 5)),
    );
    // Silencing every neuron of both layers leaves only the logits layer's bias.
    const silenced = view.logits(x, { hidden: new Array(5).fill(0), branch: new Array(5).fill(0) });
    const bias = (model.getLayer('logits').getWeights()[1] as tf.Tensor).dataSync();
    expect(Array.from(silenced.dataSync().slice(0, 3))).toEqual(
      Array.from(bias).map((value) => expect.closeTo(value, 6)),
    );
    tf.dispose([x, expected, logits, silenced]);
  });

  it.each([
    [
      'Conv1D',
      () => modelWith([8, 2], tf.layers.conv1d({ filters: 3, kernelSize: 2, name: 'c1' })),
      'c1',
    ],
    [
      'SeparableConv2D',
      () =>
        modelWith([6, 6, 1], tf.layers.separableConv2d({ filters: 2, kernelSize: 3, name: 'sep' })),
      'sep',
    ],
    [
      'SimpleRNN',
      () =>
        modelWith([5, 3], tf.layers.simpleRNN({ units: 3, returnSequences: true, name: 'rnn' })),
      'rnn',
    ],
    [
      'LSTM',
      () => modelWith([5, 3], tf.layers.lstm({ units: 3, returnSequences: true, name: 'lstm' })),
      'lstm',
    ],
  ])(
    'refuses %s, naming the layer, its class and the supported set',
    (className, make, layerName) => {
      expect(() => new NeuronModel(make())).toThrow(
        new RegExp(
          `layer '${layerName}' of model 'user-model' is a ${className}, which is not supported; supported: neurons in Dense, Conv2D; passed through: InputLayer, .*Concatenate \\(see docs/supported-layers\\.md\\)`,
        ),
      );
    },
  );

  it('refuses LayerNormalization instead of reading neurons before it', () => {
    const input = tf.input({ shape: [6] });
    const dense = tf.layers.dense({ units: 4, name: 'fc' }).apply(input) as tf.SymbolicTensor;
    const normed = tf.layers.layerNormalization({ name: 'ln' }).apply(dense) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 2 }).apply(normed) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output, name: 'normed' });
    expect(() => new NeuronModel(model)).toThrow(
      /layer 'ln' of model 'normed' is a LayerNormalization, refused: it normalises each sample across a layer's neurons/,
    );
  });
});
