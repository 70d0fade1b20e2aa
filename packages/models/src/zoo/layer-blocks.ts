import * as tf from '@tensorflow/tfjs';
import type { SeededInitializers } from './seeded-initializers';

/**
 * Batch-norm with PyTorch's constants (momentum 0.1 there = 0.9 here, epsilon 1e-5): Keras's
 * default momentum 0.99 leaves the moving statistics far behind after a short training run.
 */
export function batchNorm(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ name, axis: -1, momentum: 0.9, epsilon: 1e-5 });
}

export interface ConvSpec {
  filters: number;
  kernelSize: number;
  strides?: number;
  /** Add a bias to the convolution (redundant before batch-norm; VGG keeps it, ResNet does not). */
  useBias?: boolean;
}

/**
 * conv → batch-norm → ReLU, as three named layers (`<conv>`, `<bn>`, `<relu>`) so the neuron view
 * reads each channel's post-activation output at the ReLU.
 */
export function convBnRelu(
  input: tf.SymbolicTensor,
  names: { conv: string; bn: string; relu?: string },
  spec: ConvSpec,
  init: SeededInitializers,
): tf.SymbolicTensor {
  const normalized = convBn(input, names, spec, init);
  if (!names.relu) return normalized;
  return tf.layers.reLU({ name: names.relu }).apply(normalized) as tf.SymbolicTensor;
}

/** conv → batch-norm, without activation (the last conv of a residual branch). */
export function convBn(
  input: tf.SymbolicTensor,
  names: { conv: string; bn: string },
  spec: ConvSpec,
  init: SeededInitializers,
): tf.SymbolicTensor {
  const convolved = tf.layers
    .conv2d({
      name: names.conv,
      filters: spec.filters,
      kernelSize: spec.kernelSize,
      strides: spec.strides ?? 1,
      padding: 'same',
      useBias: spec.useBias ?? true,
      kernelInitializer: init.heNormal(names.conv),
    })
    .apply(input) as tf.SymbolicTensor;
  return batchNorm(names.bn).apply(convolved) as tf.SymbolicTensor;
}

/** A dense layer with a seeded Glorot kernel; `activation` undefined gives linear outputs. */
export function dense(
  input: tf.SymbolicTensor,
  name: string,
  units: number,
  init: SeededInitializers,
  activation?: 'relu',
): tf.SymbolicTensor {
  return tf.layers
    .dense({ name, units, activation, kernelInitializer: init.glorotUniform(name) })
    .apply(input) as tf.SymbolicTensor;
}

/** The logits layer every zoo model ends with: dense, linear (losses take softmax of logits). */
export function logits(
  input: tf.SymbolicTensor,
  numClasses: number,
  init: SeededInitializers,
): tf.SymbolicTensor {
  return dense(input, 'logits', numClasses, init);
}
