import * as tf from '@tensorflow/tfjs';
import type { NeuronMasks, NeuronModel } from './neuron-model';
import { producerNeuronLayer } from './graph';

/**
 * How one weight tensor of the model belongs to neurons: which neuron layer owns the slices
 * along its output axis (a neuron's incoming kernel, bias, batch-norm entries) and which neuron
 * layer feeds its input axis (the next layer's weights that read a neuron).
 */
export interface WeightOwnership {
  readonly layerName: string;
  /** Position of the weight among its layer's weights (kernel 0, bias 1, …). */
  readonly position: number;
  readonly variable: tf.LayerVariable;
  readonly shape: readonly number[];
  readonly size: number;
  readonly trainable: boolean;
  /** Neuron layer whose neuron n owns index n along `ownerAxis`. */
  readonly ownerNeuronLayer?: string;
  readonly ownerAxis?: number;
  /** Neuron layer whose neuron c feeds input index i along `inputAxis` when i % units == c. */
  readonly inputNeuronLayer?: string;
  readonly inputAxis?: number;
}

/** Maps every weight of a NeuronModel to the neurons that own or feed it. */
export function weightOwnership(neuronModel: NeuronModel): WeightOwnership[] {
  const neuronLayerNames = new Set(neuronModel.neuronLayers.map((layer) => layer.name));
  const ownership: WeightOwnership[] = [];
  for (const layer of neuronModel.model.layers) {
    const className = layer.getClassName();
    const producer = producerNeuronLayer(layer);
    const producerName =
      producer && neuronLayerNames.has(producer.name) ? producer.name : undefined;
    layer.weights.forEach((weight, position) => {
      const variable = weight as unknown as tf.LayerVariable;
      const shape = weight.shape as number[];
      const rank = shape.length;
      let ownerNeuronLayer: string | undefined;
      let ownerAxis: number | undefined;
      let inputNeuronLayer: string | undefined;
      let inputAxis: number | undefined;
      if (className === 'Dense' || className === 'Conv2D') {
        if (neuronLayerNames.has(layer.name)) {
          ownerNeuronLayer = layer.name;
          ownerAxis = rank - 1;
        }
        // Kernels (rank ≥ 2) read the producer's neurons on the axis before the last.
        if (rank >= 2 && producerName) {
          inputNeuronLayer = producerName;
          inputAxis = rank - 2;
        }
      } else if (className === 'BatchNormalization' && producerName) {
        ownerNeuronLayer = producerName;
        ownerAxis = 0;
      }
      ownership.push({
        layerName: layer.name,
        position,
        variable,
        shape,
        size: shape.reduce((product, size) => product * size, 1),
        trainable: weight.trainable,
        ownerNeuronLayer,
        ownerAxis,
        inputNeuronLayer,
        inputAxis,
      });
    });
  }
  return ownership;
}

function keptShare(masks: NeuronMasks, layerName: string | undefined): number {
  if (layerName === undefined) return 1;
  const mask = masks[layerName];
  if (mask === undefined || mask.length === 0) return 1;
  let kept = 0;
  for (let index = 0; index < mask.length; index++) if (mask[index] !== 0) kept++;
  return kept / mask.length;
}

export interface ParameterCount {
  /** All parameters of the model (trainable and not). */
  total: number;
  /** Parameters left when the masked-out neurons are removed with their weights. */
  kept: number;
  /** Parameters that belong to removed neurons: their incoming weights, bias, batch-norm entries and the next layer's weights that read them. */
  removed: number;
  /** removed / total. */
  compressionRate: number;
}

/**
 * Counts the parameters a slice keeps (SPEC §4 restructure): a weight survives only if the neuron
 * that owns it and the neuron it reads are both kept. Input rows per channel are uniform, so the
 * count is the weight's size times the kept shares of its owner and input layers.
 */
export function countKeptParameters(
  ownership: readonly WeightOwnership[],
  masks: NeuronMasks,
): ParameterCount {
  let total = 0;
  let kept = 0;
  for (const weight of ownership) {
    total += weight.size;
    kept += Math.round(
      weight.size *
        keptShare(masks, weight.ownerNeuronLayer) *
        keptShare(masks, weight.inputNeuronLayer),
    );
  }
  return {
    total,
    kept,
    removed: total - kept,
    compressionRate: total > 0 ? (total - kept) / total : 0,
  };
}

/**
 * A 0/1 mask with the weight's shape that selects the entries belonging to the selected neurons:
 * the entries they own (incoming kernel slice, bias, batch-norm entries) and, with
 * `includeOutgoing`, the entries of the next layer that read them. Multiply gradients by it to
 * train only those neurons, or weights by it to cut them. The caller disposes the tensor.
 */
export function weightMaskForNeurons(
  weight: WeightOwnership,
  selected: NeuronMasks,
  options: { includeOutgoing?: boolean } = {},
): tf.Tensor {
  return tf.tidy(() => {
    const rank = weight.shape.length;
    const axisMask = (
      layerName: string | undefined,
      axis: number | undefined,
    ): tf.Tensor | undefined => {
      if (layerName === undefined || axis === undefined) return undefined;
      const neuronMask = selected[layerName];
      if (neuronMask === undefined) return undefined;
      const length = weight.shape[axis];
      const values = new Float32Array(length);
      for (let index = 0; index < length; index++)
        values[index] = neuronMask[index % neuronMask.length] ? 1 : 0;
      const broadcastShape = new Array<number>(rank).fill(1);
      broadcastShape[axis] = length;
      return tf.tensor(values, broadcastShape);
    };
    const owned = axisMask(weight.ownerNeuronLayer, weight.ownerAxis);
    const outgoing = options.includeOutgoing
      ? axisMask(weight.inputNeuronLayer, weight.inputAxis)
      : undefined;
    const zeros = tf.zeros(weight.shape as number[]);
    const ownedFull = owned ? tf.add(zeros, owned) : zeros;
    if (!outgoing) return ownedFull;
    return tf.maximum(ownedFull, tf.add(zeros, outgoing));
  });
}
