import * as tf from '@tensorflow/tfjs';
import { dense, logits } from './layer-blocks';
import { scaledWidth, type ZooBuildOptions } from './model-options';
import { SeededInitializers } from './seeded-initializers';

/**
 * LeNet-5 for 28x28 images: conv1 (6@5x5, same, ReLU) → pool1 → conv2 (16@5x5, valid, ReLU) →
 * pool2 → flatten → fc1 (120) → fc2 (84) → logits. Max-pooling and ReLU replace the original's
 * subsampling and tanh, as in most modern re-implementations.
 */
export function buildLenet5(options: ZooBuildOptions): tf.LayersModel {
  const init = new SeededInitializers(options.seed);
  const input = tf.input({ name: 'input', shape: options.inputShape });
  let x = input;
  const convs = [
    { name: 'conv1', filters: 6, padding: 'same' as const },
    { name: 'conv2', filters: 16, padding: 'valid' as const },
  ];
  convs.forEach((conv, index) => {
    x = tf.layers
      .conv2d({
        name: conv.name,
        filters: scaledWidth(conv.filters, options),
        kernelSize: 5,
        padding: conv.padding,
        activation: 'relu',
        kernelInitializer: init.heNormal(conv.name),
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers
      .maxPooling2d({ name: `pool${index + 1}`, poolSize: 2, strides: 2 })
      .apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = dense(x, 'fc1', scaledWidth(120, options), init, 'relu');
  x = dense(x, 'fc2', scaledWidth(84, options), init, 'relu');
  return tf.model({ name: 'lenet5', inputs: input, outputs: logits(x, options.numClasses, init) });
}
