import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { createModel } from './registry';

const conv = (kernel: number, inChannels: number, filters: number) =>
  kernel * kernel * inChannels * filters + filters;
const dense = (inputs: number, units: number) => inputs * units + units;

describe('alexnet', () => {
  it('builds the CIFAR-sized AlexNet and runs one image through it', () => {
    const model = createModel('alexnet', { numClasses: 10, seed: 1 });
    const expected =
      conv(5, 3, 64) +
      conv(5, 64, 192) +
      conv(3, 192, 384) +
      conv(3, 384, 256) +
      conv(3, 256, 256) +
      dense(4 * 4 * 256, 1024) +
      dense(1024, 512) +
      dense(512, 10);
    expect(model.countParams()).toBe(expected);
    expect(new NeuronModel(model).neuronLayers.map((layer) => layer.name)).toEqual([
      'conv1',
      'conv2',
      'conv3',
      'conv4',
      'conv5',
      'fc1',
      'fc2',
    ]);
    const logits = tf.tidy(() => model.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor);
    expect(logits.shape).toEqual([1, 10]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    logits.dispose();
    model.dispose();
  });
});
