import * as tf from '@tensorflow/tfjs';
import { dense, logits } from './layer-blocks';
import { scaledWidth, type ZooBuildOptions } from './model-options';
import { SeededInitializers } from './seeded-initializers';

/** Hidden widths of the paper's MLP (784-512-256-10 on MNIST). */
export const MLP_HIDDEN_UNITS = [512, 256] as const;

/** The paper's MLP: flatten → fc1 (512, ReLU) → fc2 (256, ReLU) → logits. */
export function buildMlp(options: ZooBuildOptions): tf.LayersModel {
  const init = new SeededInitializers(options.seed);
  const input = tf.input({ name: 'input', shape: options.inputShape });
  let x =
    options.inputShape.length > 1
      ? (tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor)
      : input;
  MLP_HIDDEN_UNITS.forEach((units, index) => {
    x = dense(x, `fc${index + 1}`, scaledWidth(units, options), init, 'relu');
  });
  return tf.model({ name: 'mlp', inputs: input, outputs: logits(x, options.numClasses, init) });
}
