import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { createModel } from './registry';

describe('lenet5', () => {
  it('has LeNet-5’s layers, shapes and parameter count on 28x28x1 images', () => {
    const model = createModel('lenet5', { numClasses: 10, seed: 1 });
    const shapes = Object.fromEntries(model.layers.map((layer) => [layer.name, layer.outputShape]));
    expect(shapes).toEqual({
      input: [null, 28, 28, 1],
      conv1: [null, 28, 28, 6],
      pool1: [null, 14, 14, 6],
      conv2: [null, 10, 10, 16],
      pool2: [null, 5, 5, 16],
      flatten: [null, 400],
      fc1: [null, 120],
      fc2: [null, 84],
      logits: [null, 10],
    });
    const conv1 = 5 * 5 * 1 * 6 + 6;
    const conv2 = 5 * 5 * 6 * 16 + 16;
    const dense = 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10;
    expect(model.countParams()).toBe(conv1 + conv2 + dense);
    expect(new NeuronModel(model).neuronLayers.map((layer) => layer.name)).toEqual([
      'conv1',
      'conv2',
      'fc1',
      'fc2',
    ]);
    model.dispose();
  });

  it('runs a forward pass', () => {
    const model = createModel('lenet5', { numClasses: 10, seed: 1 });
    const logits = tf.tidy(() => model.predict(tf.ones([2, 28, 28, 1])) as tf.Tensor);
    expect(logits.shape).toEqual([2, 10]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    logits.dispose();
    model.dispose();
  });
});
