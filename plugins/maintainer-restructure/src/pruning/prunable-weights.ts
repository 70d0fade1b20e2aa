import * as tf from '@tensorflow/tfjs';
import {
  type NeuronMasks,
  type NeuronModel,
  type PrunableWeight,
  type Slice,
  weightMaskForNeurons,
  weightOwnership,
  type WeightOwnership,
} from '@neusemslice/core';

/** Alive masks (1 = alive, 0 = pruned) by stable kernel name, one entry per kernel value. */
export type WeightMasks = Record<string, Uint8Array>;

/** A prunable kernel of a model: a Dense or Conv2D kernel, the logits layer's included. */
export interface PrunableKernel {
  /** Stable name `<layer>/kernel` (the variable's `originalName`), as `trainModel` names it. */
  readonly name: string;
  readonly layerName: string;
  readonly layerKind: 'dense' | 'conv2d';
  readonly variable: tf.LayerVariable;
  readonly shape: readonly number[];
  readonly size: number;
  readonly ownership: WeightOwnership;
}

/**
 * The prunable kernels of a model, input side first: every Dense and Conv2D kernel (biases are
 * neither pruned nor counted, Lee et al. 2020).
 */
export function prunableKernels(model: NeuronModel): PrunableKernel[] {
  return weightOwnership(model)
    .filter((weight) => {
      const className = model.model.getLayer(weight.layerName).getClassName();
      return weight.position === 0 && (className === 'Dense' || className === 'Conv2D');
    })
    .map((weight) => ({
      name: weight.variable.originalName,
      layerName: weight.layerName,
      layerKind:
        model.model.getLayer(weight.layerName).getClassName() === 'Dense' ? 'dense' : 'conv2d',
      variable: weight.variable,
      shape: weight.shape,
      size: weight.size,
      ownership: weight,
    }));
}

/** Number of prunable weights (kernel entries) of the kernels. */
export function prunableWeightCount(kernels: readonly PrunableKernel[]): number {
  return kernels.reduce((sum, kernel) => sum + kernel.size, 0);
}

/** Number of alive entries over all masks. */
export function aliveWeightCount(masks: WeightMasks): number {
  let alive = 0;
  for (const mask of Object.values(masks)) for (const value of mask) alive += value;
  return alive;
}

/**
 * The alive masks a slice leaves: the kernel entries of every neuron the slice drops (its
 * incoming kernel slice) and of the next layer that read it are dead, the rest alive. With a
 * slice that keeps every neuron all entries are alive.
 */
export function sliceAliveMasks(
  model: NeuronModel,
  kernels: readonly PrunableKernel[],
  slice: Slice,
): WeightMasks {
  const dropped: NeuronMasks = {};
  for (const layer of model.neuronLayers) {
    const droppedMask = new Uint8Array(layer.units).fill(1);
    for (const index of slice.critical[layer.name] ?? []) droppedMask[index] = 0;
    dropped[layer.name] = droppedMask;
  }
  const masks: WeightMasks = {};
  for (const kernel of kernels) {
    const deadTensor = weightMaskForNeurons(kernel.ownership, dropped, { includeOutgoing: true });
    const dead = deadTensor.dataSync();
    deadTensor.dispose();
    masks[kernel.name] = Uint8Array.from(dead, (value) => (value !== 0 ? 0 : 1));
  }
  return masks;
}

/** The pruner's view of the kernels: their current values and alive masks. */
export function readPrunableWeights(
  kernels: readonly PrunableKernel[],
  masks: WeightMasks,
): PrunableWeight[] {
  return kernels.map((kernel) => ({
    name: kernel.name,
    layerKind: kernel.layerKind,
    // A copy: some backends hand out their own storage.
    values: Float32Array.from(kernel.variable.read().dataSync()),
    shape: kernel.shape,
    aliveMask: masks[kernel.name],
  }));
}

/** Sets every dead kernel entry to exactly zero. */
export function zeroDeadWeights(kernels: readonly PrunableKernel[], masks: WeightMasks): void {
  for (const kernel of kernels) {
    tf.tidy(() => {
      const alive = tf.tensor(masks[kernel.name], kernel.shape as number[], 'bool');
      // where, not a product: a product leaves −0 for negative weights.
      const weights = kernel.variable.read();
      kernel.variable.write(tf.where(alive, weights, tf.zerosLike(weights)));
    });
  }
}

/**
 * Checks a pruner's answer and merges it with the masks it was given: one mask per kernel of the
 * right length; a weight dead before stays dead whatever the answer says. Throws an Error naming
 * the pruner and kernel when a mask is missing or of the wrong length.
 */
export function mergePrunerMasks(
  prunerName: string,
  kernels: readonly PrunableKernel[],
  before: WeightMasks,
  answer: Record<string, Uint8Array>,
): WeightMasks {
  const merged: WeightMasks = {};
  for (const kernel of kernels) {
    const mask = answer[kernel.name];
    if (!mask || mask.length !== kernel.size) {
      throw new Error(
        `pruner '${prunerName}' returned ${mask ? `${mask.length} entries` : 'no mask'} for '${kernel.name}' (expected ${kernel.size})`,
      );
    }
    const previous = before[kernel.name];
    merged[kernel.name] = Uint8Array.from(mask, (value, index) =>
      value !== 0 && previous[index] !== 0 ? 1 : 0,
    );
  }
  return merged;
}
