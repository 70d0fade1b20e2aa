import * as tf from '@tensorflow/tfjs';
import { dense, logits } from './layer-blocks';
import { scaledWidth, type ZooBuildOptions } from './model-options';
import { SeededInitializers } from './seeded-initializers';

/** The five convolutions of the CIFAR-sized AlexNet; a max-pool follows those marked `pool`. */
const ALEXNET_CONVS = [
  { name: 'conv1', filters: 64, kernelSize: 5, pool: 'pool1' },
  { name: 'conv2', filters: 192, kernelSize: 5, pool: 'pool2' },
  { name: 'conv3', filters: 384, kernelSize: 3 },
  { name: 'conv4', filters: 256, kernelSize: 3 },
  { name: 'conv5', filters: 256, kernelSize: 3, pool: 'pool3' },
] as const;

/**
 * AlexNet scaled to 32x32 inputs: AlexNet's five convolutions (64, 192, 384, 256, 256 filters,
 * stride 1, same padding, ReLU) with three 2x2 max-pools, then fc1 (1024) → fc2 (512) → logits.
 * No local response normalisation and no dropout, so training stays deterministic.
 */
export function buildAlexnet(options: ZooBuildOptions): tf.LayersModel {
  const init = new SeededInitializers(options.seed);
  const input = tf.input({ name: 'input', shape: options.inputShape });
  let x = input;
  for (const conv of ALEXNET_CONVS) {
    x = tf.layers
      .conv2d({
        name: conv.name,
        filters: scaledWidth(conv.filters, options),
        kernelSize: conv.kernelSize,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init.heNormal(conv.name),
      })
      .apply(x) as tf.SymbolicTensor;
    if ('pool' in conv) {
      x = tf.layers
        .maxPooling2d({ name: conv.pool, poolSize: 2, strides: 2 })
        .apply(x) as tf.SymbolicTensor;
    }
  }
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = dense(x, 'fc1', scaledWidth(1024, options), init, 'relu');
  x = dense(x, 'fc2', scaledWidth(512, options), init, 'relu');
  return tf.model({ name: 'alexnet', inputs: input, outputs: logits(x, options.numClasses, init) });
}
