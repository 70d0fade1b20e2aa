import * as tf from '@tensorflow/tfjs';
import { crossEntropyFromLogits, type LabeledDataset } from '@neusemslice/core';
import type { ExtraLoss } from '@neusemslice/models';

/** One parameter tensor of EWC: the live variable, its task-A value θ* and its Fisher diagonal. */
export interface EwcAnchor {
  variable: tf.Variable;
  /** θ*: the value after task A (a copy, owned by the anchor). */
  anchor: tf.Tensor;
  /** Diagonal of the Fisher information at θ*, same shape (owned by the anchor). */
  fisher: tf.Tensor;
}

/**
 * The diagonal (empirical) Fisher information of the model's trainable weights at their current
 * values (Kirkpatrick et al. 2017): F_i = mean over samples of (∂ log p(y | x; θ) / ∂θ_i)², one
 * gradient per sample with its true label y, layers in inference mode. Returns one anchor per
 * trainable weight with θ* copied. The caller disposes the anchors (`disposeAnchors`).
 */
export function fisherAnchors(model: tf.LayersModel, samples: LabeledDataset): EwcAnchor[] {
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const sums: tf.Tensor[] = variables.map((variable) => tf.zeros(variable.shape));
  const numClasses = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
  let count = 0;
  for (const batch of samples.batches(1)) {
    try {
      tf.tidy(() => {
        const oneHot = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), numClasses).toFloat();
        const { value, grads } = tf.variableGrads(
          () =>
            crossEntropyFromLogits(model.apply(batch.x, { training: false }) as tf.Tensor, oneHot),
          variables,
        );
        value.dispose();
        variables.forEach((variable, index) => {
          const gradient = grads[variable.name];
          if (!gradient) return;
          const updated = tf.keep(tf.add(sums[index], tf.square(gradient)));
          sums[index].dispose();
          sums[index] = updated;
        });
      });
    } finally {
      batch.x.dispose();
    }
    count++;
  }
  return variables.map((variable, index) => {
    const fisher = tf.tidy(() => tf.div(sums[index], Math.max(count, 1)));
    sums[index].dispose();
    return { variable, anchor: tf.clone(variable), fisher };
  });
}

/** λ/2 Σ_i F_i (θ_i − θ*_i)² over every anchor; call inside a gradient tape to train on it. */
export function ewcPenalty(anchors: readonly EwcAnchor[], lambda: number): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    for (const { variable, anchor, fisher } of anchors) {
      total = tf.add(total, tf.sum(tf.mul(fisher, tf.square(tf.sub(variable, anchor)))));
    }
    return tf.mul(total, lambda / 2) as tf.Scalar;
  });
}

/** EWC as an extra loss term of `trainModel`. */
export function ewcExtraLoss(anchors: readonly EwcAnchor[], lambda: number): ExtraLoss {
  return { loss: () => ewcPenalty(anchors, lambda) };
}

/** Bytes EWC keeps from task A besides the model: the Fisher diagonal as float32. */
export function fisherBytes(anchors: readonly EwcAnchor[]): number {
  return anchors.reduce((sum, { fisher }) => sum + 4 * fisher.size, 0);
}

export function disposeAnchors(anchors: readonly EwcAnchor[]): void {
  for (const { anchor, fisher } of anchors) tf.dispose([anchor, fisher]);
}
