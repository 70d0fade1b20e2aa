import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { loadModelFromDir } from './model-dir';

/** Keras 2 layer configs as tensorflowjs_converter writes them into model.json. */
function kerasDense(name: string, units: number, activation: string): object {
  return {
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      dtype: 'float32',
      units,
      activation,
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
  };
}

/** A directory holding a converted Keras model: model.json + group1-shard1of1.bin. */
function writeConvertedModel(
  topology: object,
  weights: { name: string; shape: number[] }[],
): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'converted-keras-'));
  const sizes = weights.map(({ shape }) => shape.reduce((product, size) => product * size, 1));
  const values = Float32Array.from(
    { length: sizes.reduce((sum, size) => sum + size, 0) },
    (_, index) => Math.sin(index * 12.9898) * 0.3,
  );
  fs.writeFileSync(
    path.join(directory, 'model.json'),
    JSON.stringify({
      format: 'layers-model',
      generatedBy: 'keras v2.13.1',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: { keras_version: '2.13.1', backend: 'tensorflow', model_config: topology },
      weightsManifest: [
        {
          paths: ['group1-shard1of1.bin'],
          weights: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })),
        },
      ],
    }),
  );
  fs.writeFileSync(path.join(directory, 'group1-shard1of1.bin'), Buffer.from(values.buffer));
  return directory;
}

describe('users’ models', () => {
  it('loads and reads a Keras Sequential model converted by tensorflowjs_converter', async () => {
    const directory = writeConvertedModel(
      {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            {
              class_name: 'InputLayer',
              config: {
                batch_input_shape: [null, 8],
                dtype: 'float32',
                sparse: false,
                ragged: false,
                name: 'dense_input',
              },
            },
            kerasDense('dense', 6, 'relu'),
            kerasDense('dense_1', 3, 'softmax'),
          ],
        },
      },
      [
        { name: 'dense/kernel', shape: [8, 6] },
        { name: 'dense/bias', shape: [6] },
        { name: 'dense_1/kernel', shape: [6, 3] },
        { name: 'dense_1/bias', shape: [3] },
      ],
    );
    const model = await loadModelFromDir(directory);
    const view = new NeuronModel(model);
    expect(view.neuronLayers.map((layer) => [layer.name, layer.units])).toEqual([['dense', 6]]);
    expect(view.inputShape).toEqual([8]);
    const x = tf.ones([2, 8]);
    // The logits are read before the softmax: their softmax is the model's output.
    const logits = view.logits(x);
    const probabilities = model.predict(x) as tf.Tensor;
    const softmaxOfLogits = tf.softmax(logits);
    expect(Array.from(softmaxOfLogits.dataSync())).toEqual(
      Array.from(probabilities.dataSync()).map((value) => expect.closeTo(value, 5)),
    );
    tf.dispose([x, logits, probabilities, softmaxOfLogits]);
    model.dispose();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('loads a Keras functional model (class Functional) converted the same way', async () => {
    const layer = (spec: object, inbound: string | undefined): object => ({
      ...spec,
      name: (spec as { config: { name: string } }).config.name,
      inbound_nodes: inbound ? [[[inbound, 0, 0, {}]]] : [],
    });
    const directory = writeConvertedModel(
      {
        class_name: 'Functional',
        config: {
          name: 'model',
          layers: [
            layer(
              {
                class_name: 'InputLayer',
                config: {
                  batch_input_shape: [null, 4],
                  dtype: 'float32',
                  sparse: false,
                  ragged: false,
                  name: 'input_1',
                },
              },
              undefined,
            ),
            layer(kerasDense('hidden', 5, 'relu'), 'input_1'),
            layer(kerasDense('out', 2, 'linear'), 'hidden'),
          ],
          input_layers: [['input_1', 0, 0]],
          output_layers: [['out', 0, 0]],
        },
      },
      [
        { name: 'hidden/kernel', shape: [4, 5] },
        { name: 'hidden/bias', shape: [5] },
        { name: 'out/kernel', shape: [5, 2] },
        { name: 'out/bias', shape: [2] },
      ],
    );
    const model = await loadModelFromDir(directory);
    expect(new NeuronModel(model).neuronLayers.map((neurons) => neurons.name)).toEqual(['hidden']);
    model.dispose();
    fs.rmSync(directory, { recursive: true, force: true });
  });
});
