import { crossEntropyFromLogits } from '@neusemslice/core';
import * as tf from '@tensorflow/tfjs';

/**
 * A few deterministic full-batch SGD steps. Core's `trainBriefly` uses tf.losses.softmaxCrossEntropy,
 * whose gradient leaks a tensor and trips tfjs's leak check under IS_TEST; this uses core's
 * crossEntropyFromLogits instead.
 */
export function trainFewSteps(
  model: tf.LayersModel,
  x: tf.Tensor,
  labels: Int32Array,
  steps: number,
  learningRate: number,
): void {
  const optimizer = tf.train.sgd(learningRate);
  const numClasses = model.outputs[0].shape[1] as number;
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses));
  for (let step = 0; step < steps; step++) {
    optimizer
      .minimize(() =>
        crossEntropyFromLogits(model.apply(x, { training: true }) as tf.Tensor, oneHot),
      )
      ?.dispose();
  }
  oneHot.dispose();
  optimizer.dispose();
}
