import * as tf from '@tensorflow/tfjs';
import { convBnRelu, dense, logits } from './layer-blocks';
import { scaledWidth, type ZooBuildOptions } from './model-options';
import { SeededInitializers } from './seeded-initializers';

/**
 * A VGG for small images: blocks of 3x3 conv → batch-norm → ReLU, each block ended by a 2x2
 * max-pool, then a small classifier fc1 (512) → fc2 (512) → logits (3 dense layers, as in VGG).
 * Layers are named `conv<block>_<n>`, `bn<block>_<n>`, `relu<block>_<n>`, `pool<block>`.
 */
export function buildVgg(
  modelName: string,
  filtersPerBlock: readonly (readonly number[])[],
  options: ZooBuildOptions,
): tf.LayersModel {
  const init = new SeededInitializers(options.seed);
  const input = tf.input({ name: 'input', shape: options.inputShape });
  let x = input;
  filtersPerBlock.forEach((blockFilters, blockIndex) => {
    const block = blockIndex + 1;
    blockFilters.forEach((filters, convIndex) => {
      const suffix = `${block}_${convIndex + 1}`;
      x = convBnRelu(
        x,
        { conv: `conv${suffix}`, bn: `bn${suffix}`, relu: `relu${suffix}` },
        { filters: scaledWidth(filters, options), kernelSize: 3 },
        init,
      );
    });
    x = tf.layers
      .maxPooling2d({ name: `pool${block}`, poolSize: 2, strides: 2 })
      .apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = dense(x, 'fc1', scaledWidth(512, options), init, 'relu');
  x = dense(x, 'fc2', scaledWidth(512, options), init, 'relu');
  return tf.model({ name: modelName, inputs: input, outputs: logits(x, options.numClasses, init) });
}
