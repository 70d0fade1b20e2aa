import type * as tf from '@tensorflow/tfjs';
import { type Layer, layerActivation, withoutActivation } from '@neusemslice/core';

/** A layer's output written as y = g(z): z its linear (affine) part, g an elementwise nonlinearity. */
export interface SplitLayer {
  /** The layer's output before its nonlinearity, z. */
  preActivation: tf.Tensor;
  /** The elementwise nonlinearity g, applied to a tensor shaped like z. */
  nonlinearity: (z: tf.Tensor) => tf.Tensor;
}

/** Layers whose call ends with `this.activation.apply(...)` on an affine result. */
const AFFINE_THEN_ACTIVATION = new Set([
  'Dense',
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'DepthwiseConv2D',
  'SeparableConv2D',
]);

/**
 * Activation functions (tfjs-layers class names) that act on each element alone, so the Rescale
 * rule applies. Softmax and log-softmax mix elements and `linear` needs no rule.
 */
const ELEMENTWISE_ACTIVATIONS = new Set([
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'softplus',
  'softsign',
  'tanh',
  'gelu',
  'gelu_new',
  'mish',
  'swish',
]);

/** Standalone layers that are an elementwise nonlinearity of their input. */
const ELEMENTWISE_ACTIVATION_LAYERS = new Set([
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
]);

/**
 * Splits a layer into its affine part and an elementwise nonlinearity on top, computing the
 * affine part on `input`. Undefined for layers without such a nonlinearity: they are linear
 * (batch-norm in inference, pooling by averaging, flatten, dropout off) or get the plain
 * gradient (max-pooling, softmax inside the network, multiplicative merges).
 */
export function splitNonlinearity(
  layer: Layer,
  input: tf.Tensor | tf.Tensor[],
  training: boolean,
): SplitLayer | undefined {
  if (Array.isArray(input)) return undefined;
  const className = layer.getClassName();
  const activation = layerActivation(layer);
  const hasElementwiseActivation =
    activation !== undefined &&
    activation !== null &&
    ELEMENTWISE_ACTIVATIONS.has(activation.getClassName());
  if (AFFINE_THEN_ACTIVATION.has(className) && hasElementwiseActivation) {
    return {
      preActivation: withoutActivation(layer, () => layer.apply(input, { training }) as tf.Tensor),
      nonlinearity: (z) => activation.apply(z),
    };
  }
  if (className === 'Activation' && hasElementwiseActivation) {
    return { preActivation: input, nonlinearity: (z) => activation.apply(z) };
  }
  if (ELEMENTWISE_ACTIVATION_LAYERS.has(className)) {
    return { preActivation: input, nonlinearity: (z) => layer.apply(z, { training }) as tf.Tensor };
  }
  return undefined;
}
