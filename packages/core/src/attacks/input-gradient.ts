import * as tf from '@tensorflow/tfjs';
import { UsageError } from '../errors';
import { crossEntropyFromLogits, type NeuronMasks, type NeuronModel } from '../model/neuron-model';

/**
 * Gradient of the mean softmax cross-entropy of `labels` with respect to the input batch `x`
 * (inference mode, optional neuron masks). One-hot labels, not `tf.gather`, whose gradient fails
 * on the wasm backend. The caller disposes the result.
 */
export function inputGradient(
  model: NeuronModel,
  x: tf.Tensor,
  labels: Int32Array,
  masks?: NeuronMasks,
): tf.Tensor {
  if (labels.length !== x.shape[0]) {
    throw new UsageError(`labels has ${labels.length} entries for a batch of ${x.shape[0]}`);
  }
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), model.numClasses).toFloat();
    const lossOf = (input: tf.Tensor) =>
      crossEntropyFromLogits(model.run(input, { masks }), oneHot);
    return tf.grad(lossOf)(x);
  });
}

/** Mean cross-entropy of `labels` on a batch (inference mode), as a number. */
export function batchCrossEntropy(
  model: NeuronModel,
  x: tf.Tensor,
  labels: Int32Array,
  masks?: NeuronMasks,
): number {
  const loss = tf.tidy(() =>
    crossEntropyFromLogits(
      model.run(x, { masks }),
      tf.oneHot(tf.tensor1d(labels, 'int32'), model.numClasses).toFloat(),
    ),
  );
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}
