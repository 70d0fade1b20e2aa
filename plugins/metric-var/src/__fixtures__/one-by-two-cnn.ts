import * as tf from '@tensorflow/tfjs';
import { ArrayDataset } from '@neusemslice/core/testing';

/**
 * A CNN on 1×2 images: conv 'conv' with two 1×1 filters, weights (1, −1), no bias, relu (so
 * channel 0 is relu(p) and channel 1 is relu(−p) at each pixel p), then flatten and two logits.
 */
export function makeOneByTwoCnn(): tf.LayersModel {
  const input = tf.input({ shape: [1, 2, 1], name: 'image' });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'relu', name: 'conv' });
  const flat = tf.layers.flatten({ name: 'flatten' }).apply(conv.apply(input)) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 2, name: 'logits' }).apply(flat) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: 'one_by_two_cnn' });
  const weights = [tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.zeros([2])];
  conv.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** Images (1, 3), (2, 2) and (0, −4), labels 0, 1, 0. */
export function oneByTwoImages(): ArrayDataset {
  return new ArrayDataset(
    'three-images',
    Float32Array.from([1, 3, 2, 2, 0, -4]),
    Int32Array.from([0, 1, 0]),
    [1, 2, 1],
    2,
  );
}
