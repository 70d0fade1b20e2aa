import * as tf from '@tensorflow/tfjs';
import {
  type NeuronMasks,
  type NeuronModel,
  weightMaskForNeurons,
  weightOwnership,
} from '@neusemslice/core';

/** Which parameters a strategy may change: neurons of the hidden layers and units of the head. */
export interface TrainableSelection {
  /** 1 for each hidden neuron whose own parameters are trained, per neuron layer. */
  neurons: NeuronMasks;
  /** Output units (classes) whose row of the head is trained: kernel column and bias entry. */
  outputUnits: readonly number[];
}

/** Gradient masks by stable weight name (`fc1/kernel`), the variables to train, and counts. */
export interface TrainableMasks {
  masks: Map<string, tf.Tensor>;
  /** Variables with at least one trainable entry (the rest are left out of training). */
  variables: tf.Variable[];
  trainedParameters: number;
  totalParameters: number;
  dispose(): void;
}

/**
 * Builds 0/1 gradient masks that train exactly the selected neurons' own parameters (incoming
 * kernel slice, bias, batch-norm γ/β; weightOwnership decides what a neuron owns) and the
 * selected output units' kernel columns and biases. A weight that reads a frozen neuron is
 * trainable when its owner is selected (a non-critical neuron may learn from a critical one); a
 * weight owned by a frozen neuron never changes, whatever it reads. Weights owned by no neuron
 * (none in the zoo's models) are frozen.
 */
export function trainableMasks(model: NeuronModel, selection: TrainableSelection): TrainableMasks {
  const masks = new Map<string, tf.Tensor>();
  const variables: tf.Variable[] = [];
  let trainedParameters = 0;
  let totalParameters = 0;
  const units = new Float32Array(model.numClasses);
  for (const unit of selection.outputUnits) units[unit] = 1;
  for (const weight of weightOwnership(model)) {
    if (!weight.trainable) continue;
    totalParameters += weight.size;
    let mask: tf.Tensor;
    if (weight.layerName === model.logitsLayerName) {
      // Kernel [in, classes] and bias [classes]: the class is the last axis.
      const shape = new Array<number>(weight.shape.length).fill(1);
      shape[shape.length - 1] = model.numClasses;
      mask = tf.tidy(() => tf.mul(tf.ones(weight.shape as number[]), tf.tensor(units, shape)));
    } else if (weight.ownerNeuronLayer !== undefined) {
      mask = weightMaskForNeurons(weight, selection.neurons);
    } else {
      mask = tf.zeros(weight.shape as number[]);
    }
    const trained = Math.round(tf.tidy(() => tf.sum(mask).arraySync() as number));
    trainedParameters += trained;
    masks.set(weight.variable.originalName, mask);
    if (trained > 0) variables.push(weight.variable.read() as tf.Variable);
  }
  return {
    masks,
    variables,
    trainedParameters,
    totalParameters,
    dispose: () => tf.dispose([...masks.values()]),
  };
}

/** Every neuron of the given layers selected (1), all others not (0). */
export function wholeLayers(model: NeuronModel, layerNames: ReadonlySet<string>): NeuronMasks {
  return Object.fromEntries(
    model.neuronLayers.map((layer) => [
      layer.name,
      new Float32Array(layer.units).fill(layerNames.has(layer.name) ? 1 : 0),
    ]),
  );
}

/** 1 for the neurons outside the critical sets, 0 for critical ones. */
export function nonCritical(model: NeuronModel, critical: Record<string, number[]>): NeuronMasks {
  return Object.fromEntries(
    model.neuronLayers.map((layer) => {
      const mask = new Float32Array(layer.units).fill(1);
      for (const index of critical[layer.name] ?? []) mask[index] = 0;
      return [layer.name, mask];
    }),
  );
}
