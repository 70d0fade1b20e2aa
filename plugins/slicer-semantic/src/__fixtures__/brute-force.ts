import * as tf from '@tensorflow/tfjs';
import { linearCka, type NeuronModel } from '@neusemslice/core';

/** A row-major samples × (units · positions) matrix, neuron-major columns, in float64. */
export interface NeuronFeatures {
  values: Float64Array;
  samples: number;
  units: number;
  /** Values per neuron (1, or H·W of a flattened conv map). */
  positions: number;
}

/** Columns of the neurons in `neurons` (all their positions), as a new matrix. */
function columnsOf(features: NeuronFeatures, neurons: ArrayLike<number>): Float64Array {
  const { values, samples, units, positions } = features;
  const width = units * positions;
  const picked = new Float64Array(samples * neurons.length * positions);
  let offset = 0;
  for (let row = 0; row < samples; row++) {
    for (let index = 0; index < neurons.length; index++) {
      const start = row * width + neurons[index] * positions;
      for (let s = 0; s < positions; s++) picked[offset++] = values[start + s];
    }
  }
  return picked;
}

/** CKA of every prefix of `order` with all neurons, by core's `linearCka` on the raw columns. */
export function bruteForceCurve(
  features: NeuronFeatures,
  order: ArrayLike<number>,
  centered: boolean,
): Float64Array {
  const { samples, units, positions } = features;
  const whole = { values: features.values, samples, features: units * positions };
  const curve = new Float64Array(units);
  for (let size = 1; size <= units; size++) {
    const prefix = Array.from(order).slice(0, size);
    curve[size - 1] = linearCka(
      { values: columnsOf(features, prefix), samples, features: size * positions },
      whole,
      { centered },
    );
  }
  return curve;
}

/** F̃ᵀF̃ (or FᵀF uncentred) of a samples × features matrix, in float64. */
export function crossProductOf(
  values: Float64Array,
  samples: number,
  features: number,
  centered: boolean,
): Float64Array {
  const means = new Float64Array(features);
  if (centered) {
    for (let row = 0; row < samples; row++)
      for (let column = 0; column < features; column++)
        means[column] += values[row * features + column] / samples;
  }
  const product = new Float64Array(features * features);
  for (let row = 0; row < samples; row++) {
    for (let i = 0; i < features; i++) {
      const a = values[row * features + i] - means[i];
      for (let j = 0; j < features; j++)
        product[i * features + j] += a * (values[row * features + j] - means[j]);
    }
  }
  return product;
}

/** Random features with shared latent factors (so prefixes differ in CKA), seeded. */
export function correlatedFeatures(
  random: () => number,
  samples: number,
  units: number,
  positions = 1,
): NeuronFeatures {
  const factors = 3;
  const latent = Float64Array.from({ length: samples * factors }, () => random() - 0.5);
  const width = units * positions;
  const loadings = Float64Array.from({ length: factors * width }, () => 2 * random() - 1);
  const values = new Float64Array(samples * width);
  for (let row = 0; row < samples; row++) {
    for (let column = 0; column < width; column++) {
      let value = 0.3 * (random() - 0.5) + 0.2;
      for (let f = 0; f < factors; f++)
        value += latent[row * factors + f] * loadings[f * width + column];
      values[row * width + column] = Math.max(0, value); // ReLU-like, with some dead entries
    }
  }
  return { values, samples, units, positions };
}

/**
 * Every neuron layer's post-activation output on `x`, neuron-major and in float64: spatial means,
 * whole maps (channel by channel) when `flattened` is true, or mean squares when it is 'energy'.
 */
export function capturedFeatures(
  model: NeuronModel,
  x: tf.Tensor,
  flattened: boolean | 'energy',
): Record<string, NeuronFeatures> {
  const captured: Record<string, NeuronFeatures> = {};
  tf.tidy(() => {
    model.run(x, {
      onNeuronOutput: (layer, output) => {
        const samples = output.shape[0];
        let matrix: tf.Tensor = output;
        let positions = 1;
        if (output.rank === 4) {
          const [, height, width] = output.shape;
          if (flattened === 'energy') {
            matrix = tf.mean(tf.square(output), [1, 2]);
          } else if (flattened) {
            positions = height * width;
            matrix = tf.reshape(tf.transpose(output, [0, 3, 1, 2]), [samples, -1]);
          } else {
            matrix = tf.mean(output, [1, 2]);
          }
        }
        captured[layer.name] = {
          values: Float64Array.from(matrix.dataSync()),
          samples,
          units: layer.units,
          positions,
        };
        return output;
      },
    });
  });
  return captured;
}
