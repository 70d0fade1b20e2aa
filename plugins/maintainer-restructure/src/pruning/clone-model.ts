import type * as tf from '@tensorflow/tfjs';

export { cloneModel } from '@neusemslice/core';

/** Number of parameters (every weight, trainable or not) of a model. */
export function parameterCount(model: tf.LayersModel): number {
  return model.weights.reduce(
    (sum, weight) => sum + weight.shape.reduce((product: number, size) => product * (size ?? 1), 1),
    0,
  );
}
