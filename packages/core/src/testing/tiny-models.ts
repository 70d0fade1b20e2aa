import * as tf from '@tensorflow/tfjs';
import { crossEntropyFromLogits } from '../model/neuron-model';

/** A small MLP: flatten → dense relu layers → logits, seeded. */
export function makeTinyMlp(
  options: { inputShape?: number[]; hidden?: number[]; numClasses?: number; seed?: number } = {},
): tf.Sequential {
  const seed = options.seed ?? 1;
  const model = tf.sequential({ name: 'tiny_mlp' });
  model.add(tf.layers.flatten({ inputShape: options.inputShape ?? [4, 4, 1], name: 'flatten' }));
  (options.hidden ?? [12, 8]).forEach((units, index) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        name: `fc${index + 1}`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + index }),
        biasInitializer: tf.initializers.randomUniform({
          minval: 0,
          maxval: 0.1,
          seed: seed + 100 + index,
        }),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: options.numClasses ?? 3,
      name: 'logits',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 50 }),
    }),
  );
  return model;
}

/** A small CNN with a conv → batch-norm → relu chain, pooling and a dense head, seeded. */
export function makeTinyCnn(
  options: { inputShape?: number[]; numClasses?: number; seed?: number } = {},
): tf.LayersModel {
  const seed = options.seed ?? 1;
  const input = tf.input({ shape: options.inputShape ?? [6, 6, 1], name: 'image' });
  let x = tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      name: 'conv1',
      kernelInitializer: tf.initializers.heNormal({ seed }),
    })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .batchNormalization({
      name: 'bn1',
      gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed + 1 }),
      betaInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.3, seed: seed + 2 }),
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'relu1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({
      filters: 5,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      name: 'conv2',
      kernelInitializer: tf.initializers.heNormal({ seed: seed + 3 }),
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: 6,
      activation: 'relu',
      name: 'fc1',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 4 }),
    })
    .apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({
      units: options.numClasses ?? 3,
      name: 'logits',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 5 }),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'tiny_cnn' });
}

/** A few full-batch gradient steps so scores reflect learnt features, deterministic. */
export function trainBriefly(
  model: tf.LayersModel,
  x: tf.Tensor,
  labels: Int32Array,
  steps = 30,
  learningRate = 0.1,
): void {
  const optimizer = tf.train.sgd(learningRate);
  const numClasses = model.outputs[0].shape[1] as number;
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses);
  for (let step = 0; step < steps; step++) {
    const cost = optimizer.minimize(
      () => crossEntropyFromLogits(model.apply(x, { training: true }) as tf.Tensor, oneHot),
      true,
    );
    cost?.dispose();
  }
  oneHot.dispose();
  optimizer.dispose();
}
