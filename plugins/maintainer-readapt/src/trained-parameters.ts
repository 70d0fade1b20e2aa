import * as tf from '@tensorflow/tfjs';
import {
  type NeuronMasks,
  type NeuronModel,
  UsageError,
  weightMaskForNeurons,
  weightOwnership,
} from '@neusemslice/core';

/** Which entries of which weights a strategy trains, as `trainModel` takes them. */
export interface TrainedParameters {
  /** Variables with at least one trained entry (every trainable weight for `full`). */
  variables: tf.Variable[];
  /** 0/1 gradient masks by stable weight name (`fc1/kernel`); none for `full`. */
  masks: Map<string, tf.Tensor>;
  /** Trained entries, biases and batch-norm γ/β included. */
  trained: number;
  /** Every parameter of the model (batch-norm moving statistics included, never trained). */
  total: number;
  /** Trained entries per weight, by stable name. */
  perWeight: Record<string, number>;
}

/**
 * The parameters of the selected neurons: each one's incoming kernel slice (dense column or conv
 * filter), its bias and its batch-norm γ/β, found with core's weight ownership. Weights owned by
 * no selected neuron (the logits layer, unselected layers) are not trained at all. `selected`
 * undefined trains every trainable weight (the `full` strategy).
 */
export function trainedParameters(
  model: NeuronModel,
  selected: NeuronMasks | undefined,
): TrainedParameters {
  const ownership = weightOwnership(model);
  const result: TrainedParameters = {
    variables: [],
    masks: new Map(),
    trained: 0,
    total: 0,
    perWeight: {},
  };
  for (const weight of ownership) {
    result.total += weight.size;
    if (!weight.trainable) continue;
    const variable = weight.variable.read() as tf.Variable;
    const name = weight.variable.originalName;
    if (!selected) {
      result.variables.push(variable);
      result.trained += weight.size;
      result.perWeight[name] = weight.size;
      continue;
    }
    const mask = weightMaskForNeurons(weight, selected);
    const count = tf.tidy(() => tf.sum(mask).dataSync()[0]);
    if (count === 0) {
      mask.dispose();
      continue;
    }
    result.variables.push(variable);
    result.masks.set(name, mask);
    result.trained += count;
    result.perWeight[name] = count;
  }
  if (result.trained === 0) {
    tf.dispose([...result.masks.values()]);
    throw new UsageError(
      'readapt: the strategy selects no neuron to train (empty slice or blocks)',
    );
  }
  return result;
}
