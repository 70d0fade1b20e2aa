import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { createModel } from './registry';

function weightBytes(model: tf.LayersModel): Buffer[] {
  return model
    .getWeights()
    .map((weight) => Buffer.from((weight.dataSync() as Float32Array).buffer));
}

describe('mlp', () => {
  it('is the paper’s 784-512-256-10 network with linear logits', () => {
    const model = createModel('mlp', { numClasses: 10, seed: 1 });
    // 784·512+512 + 512·256+256 + 256·10+10
    expect(model.countParams()).toBe(784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10);
    expect(model.countParams()).toBe(535818);
    expect(model.layers.map((layer) => layer.name)).toEqual([
      'input',
      'flatten',
      'fc1',
      'fc2',
      'logits',
    ]);
    const activations = model.layers
      .slice(2)
      .map((layer) => (layer.getConfig() as { activation: string }).activation);
    expect(activations).toEqual(['relu', 'relu', 'linear']);
    const neuronModel = new NeuronModel(model);
    expect(neuronModel.neuronLayers.map((layer) => [layer.name, layer.units])).toEqual([
      ['fc1', 512],
      ['fc2', 256],
    ]);
    expect(neuronModel.logitsLayerName).toBe('logits');
    model.dispose();
  });

  it('runs a forward pass on 28x28x1 images and gives logits, not probabilities', () => {
    const model = createModel('mlp', { numClasses: 10, seed: 1 });
    const images = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 7);
    const logits = model.predict(images) as tf.Tensor;
    expect(logits.shape).toEqual([3, 10]);
    const rowSums = tf.sum(logits, 1).arraySync() as number[];
    expect(rowSums.some((sum) => Math.abs(sum - 1) > 1e-3)).toBe(true);
    expect(logits.min().arraySync()).toBeLessThan(0);
    tf.dispose([images, logits]);
    model.dispose();
  });

  it('gives bit-identical weights for the same seed and different ones for another seed', () => {
    const first = createModel('mlp', { numClasses: 10, seed: 42 });
    const second = createModel('mlp', { numClasses: 10, seed: 42 });
    const other = createModel('mlp', { numClasses: 10, seed: 43 });
    const firstWeights = weightBytes(first);
    weightBytes(second).forEach((bytes, index) =>
      expect(bytes.equals(firstWeights[index])).toBe(true),
    );
    // Kernels differ with the seed (biases start at zero either way).
    expect(weightBytes(other)[0].equals(firstWeights[0])).toBe(false);
    // Layers have their own seeds: fc1 and fc2 kernels do not start from the same stream.
    const fc1Start = first.getLayer('fc1').getWeights()[0].dataSync().slice(0, 8);
    const fc2Start = first.getLayer('fc2').getWeights()[0].dataSync().slice(0, 8);
    expect(Array.from(fc1Start)).not.toEqual(Array.from(fc2Start));
    [first, second, other].forEach((model) => model.dispose());
  });

  it('scales its hidden widths with widthScale and takes any input shape', () => {
    const model = createModel('mlp', {
      inputShape: [4, 4, 1],
      numClasses: 3,
      seed: 1,
      widthScale: 1 / 16,
    });
    expect(model.countParams()).toBe(16 * 32 + 32 + 32 * 16 + 16 + 16 * 3 + 3);
    model.dispose();
  });
});
