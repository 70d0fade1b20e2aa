import * as tf from '@tensorflow/tfjs';
import { ArrayDataset } from './array-dataset';

/** A 2 → 2 (relu) → 2 network with chosen weights, small enough to check metrics by hand. */
export const TWO_NET_HIDDEN_KERNEL = [
  [1, -2],
  [0.5, 1],
];
export const TWO_NET_HIDDEN_BIAS = [0.1, -0.2];
export const TWO_NET_LOGITS_KERNEL = [
  [2, -1],
  [-1, 3],
];
export const TWO_NET_LOGITS_BIAS = [0, 0.5];
export const TWO_NET_INPUTS = [
  [1, 2],
  [3, -1],
  [0.5, 0.5],
  [-1, 1],
];
export const TWO_NET_LABELS = [0, 1, 1, 0];

export function makeTwoNeuronNet(): tf.Sequential {
  const model = tf.sequential({ name: 'two_neuron_net' });
  model.add(tf.layers.dense({ inputShape: [2], units: 2, activation: 'relu', name: 'hidden' }));
  model.add(tf.layers.dense({ units: 2, name: 'logits' }));
  model
    .getLayer('hidden')
    .setWeights([tf.tensor2d(TWO_NET_HIDDEN_KERNEL), tf.tensor1d(TWO_NET_HIDDEN_BIAS)]);
  model
    .getLayer('logits')
    .setWeights([tf.tensor2d(TWO_NET_LOGITS_KERNEL), tf.tensor1d(TWO_NET_LOGITS_BIAS)]);
  return model;
}

export function twoNeuronData(): ArrayDataset {
  return new ArrayDataset(
    'four-points',
    Float32Array.from(TWO_NET_INPUTS.flat()),
    Int32Array.from(TWO_NET_LABELS),
    [2],
    2,
  );
}

/** relu(x TWO_NET_HIDDEN_KERNEL + b) for one input, in plain JS. */
export function hiddenOutputs(input: number[]): number[] {
  return [0, 1].map((unit) =>
    Math.max(
      0,
      input[0] * TWO_NET_HIDDEN_KERNEL[0][unit] +
        input[1] * TWO_NET_HIDDEN_KERNEL[1][unit] +
        TWO_NET_HIDDEN_BIAS[unit],
    ),
  );
}
