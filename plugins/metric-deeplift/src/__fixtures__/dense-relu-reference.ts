import * as tf from '@tensorflow/tfjs';

/** One dense layer in plain numbers: kernel[in][out], bias[out], ReLU or linear. */
export interface PlainDenseLayer {
  kernel: number[][];
  bias: number[];
  relu: boolean;
}

interface PlainPass {
  preActivations: number[][];
  activations: number[][];
}

function forward(layers: PlainDenseLayer[], input: number[]): PlainPass {
  const preActivations: number[][] = [];
  const activations: number[][] = [];
  let current = input;
  for (const { kernel, bias, relu } of layers) {
    const z = bias.map((b, out) =>
      current.reduce((sum, value, inp) => sum + value * kernel[inp][out], b),
    );
    preActivations.push(z);
    current = relu ? z.map((v) => Math.max(0, v)) : z;
    activations.push(current);
  }
  return { preActivations, activations };
}

/**
 * DeepLIFT (or gradient × Δ) in float64 for a dense ReLU network, written the long way:
 * attribution of each hidden layer's neurons to logit `target`, zero baseline. Returns one
 * array per hidden layer (all layers but the last, which gives the logits).
 */
export function plainAttributions(
  layers: PlainDenseLayer[],
  input: number[],
  target: number,
  rule: 'rescale' | 'gradient',
): number[][] {
  const actual = forward(layers, input);
  const baseline = forward(
    layers,
    input.map(() => 0),
  );
  const last = layers.length - 1;
  // Multiplier of the last hidden layer's outputs: the logit is linear in them.
  let multiplier = layers[last].kernel.map((row) => row[target]);
  const result: number[][] = [];
  for (let hidden = last - 1; hidden >= 0; hidden--) {
    const delta = actual.activations[hidden].map(
      (value, unit) => value - baseline.activations[hidden][unit],
    );
    result[hidden] = delta.map((d, unit) => d * multiplier[unit]);
    if (hidden === 0) break;
    // Through layer `hidden`'s ReLU (Rescale or plain derivative), then its kernel.
    const z = actual.preActivations[hidden];
    const z0 = baseline.preActivations[hidden];
    const slope = z.map((value, unit) => {
      const plain = value > 0 ? 1 : 0;
      if (rule === 'gradient' || Math.abs(value - z0[unit]) < 1e-10) return plain;
      return delta[unit] / (value - z0[unit]);
    });
    const below = layers[hidden].kernel;
    multiplier = below.map((row) =>
      row.reduce((sum, weight, unit) => sum + weight * slope[unit] * multiplier[unit], 0),
    );
  }
  return result;
}

/** The same network as a tfjs model (hidden layers `h1`, `h2`, …, logits `logits`). */
export function toTfjsModel(layers: PlainDenseLayer[]): tf.Sequential {
  const model = tf.sequential({ name: 'plain_dense' });
  layers.forEach((layer, index) => {
    const isLast = index === layers.length - 1;
    model.add(
      tf.layers.dense({
        units: layer.bias.length,
        activation: layer.relu ? 'relu' : 'linear',
        name: isLast ? 'logits' : `h${index + 1}`,
        ...(index === 0 ? { inputShape: [layer.kernel.length] } : {}),
      }),
    );
  });
  model.layers.forEach((tfLayer, index) => {
    tfLayer.setWeights([tf.tensor2d(layers[index].kernel), tf.tensor1d(layers[index].bias)]);
  });
  return model;
}
