import * as tf from '@tensorflow/tfjs';
import { type Layer, type NeuronModel, UsageError } from '@neusemslice/core';
import { chainLayers, SUPPORTED_LAYER_ROLES } from './chain-layers';

/** Per neuron layer, each neuron's mean post-activation output (conv: over samples and positions). */
export type NeuronMeanOutputs = Record<string, ArrayLike<number>>;

/** Relative spread above which a conv's response to constant channels is not one bias per unit. */
const CONSTANT_TOLERANCE = 1e-4;

/**
 * What mean replacement adds to each neuron-role layer's bias when the dropped neurons are
 * removed physically: a dropped neuron that always outputs its mean m_j feeds the next Dense or
 * Conv2D a constant, W·op(m_j), where op is what lies between (pooling, dropout, activation,
 * batch-norm, flatten; each acts on a channel alone). That constant is exact as a bias for a
 * Dense layer and for a 'valid' convolution; a 'same' convolution sees the constant cut off at
 * its borders, so folding there throws a UsageError naming the layer.
 *
 * `dropped` holds, per neuron layer, the neurons removed; returns layer name → bias increment
 * (over all of the layer's units, before its own units are cut). The caller disposes nothing.
 */
export function meanFoldBiases(
  neuronModel: NeuronModel,
  dropped: ReadonlyMap<string, readonly number[]>,
  means: NeuronMeanOutputs,
): Map<string, Float32Array> {
  const chain = chainLayers(neuronModel.model);
  const increments = new Map<string, Float32Array>();
  for (const layer of neuronModel.neuronLayers) {
    const droppedUnits = dropped.get(layer.name) ?? [];
    if (droppedUnits.length === 0) continue;
    const layerMeans = means[layer.name];
    if (!layerMeans || layerMeans.length !== layer.units) {
      throw new UsageError(
        `means of layer '${layer.name}' have ${layerMeans?.length ?? 'no'} entries; the layer has ${layer.units} neurons`,
      );
    }
    const start = chain.findIndex((candidate) => candidate.name === layer.outputLayerName) + 1;
    const next = chain
      .slice(start)
      .findIndex((candidate) => SUPPORTED_LAYER_ROLES[candidate.getClassName()] === 'neuron');
    if (next < 0) continue;
    const target = chain[start + next];
    const increment = tf.tidy(() =>
      constantResponse(
        layer.name,
        layer.units,
        droppedUnits,
        layerMeans,
        chain.slice(start, start + next),
        target,
        outputShape(neuronModel, layer.outputLayerName),
      ),
    );
    const previous = increments.get(target.name);
    if (previous) previous.forEach((value, index) => (increment[index] += value));
    increments.set(target.name, increment);
  }
  return increments;
}

function outputShape(neuronModel: NeuronModel, layerName: string): number[] {
  const shape = neuronModel.model.getLayer(layerName).outputShape as (number | null)[];
  return [1, ...(shape.slice(1) as number[])];
}

/** W·op(m) at `target` for the dropped channels of `units` (kept channels contribute nothing). */
function constantResponse(
  layerName: string,
  units: number,
  droppedUnits: readonly number[],
  layerMeans: ArrayLike<number>,
  between: readonly Layer[],
  target: Layer,
  shape: number[],
): Float32Array {
  const channelValues = new Float32Array(units);
  const droppedMask = new Float32Array(units);
  for (const unit of droppedUnits) {
    channelValues[unit] = layerMeans[unit];
    droppedMask[unit] = 1;
  }
  // Every position of a dropped channel holds its mean; ops between act per channel.
  let value: tf.Tensor = tf.mul(tf.ones(shape), tf.tensor1d(channelValues));
  let channels = units;
  let channelOf: (feature: number) => number = (feature) => feature;
  for (const layer of between) {
    if (layer.getClassName() === 'Flatten') {
      const before = channels;
      channelOf = (feature) => feature % before;
    }
    value = layer.apply(value, { training: false }) as tf.Tensor;
    channels = value.shape[value.shape.length - 1] as number;
  }
  // Only the dropped channels reach the target through the bias; the kept ones stay as inputs.
  const featureMask = Float32Array.from(
    { length: channels },
    (_, feature) => droppedMask[channelOf(feature)],
  );
  value = tf.mul(value, tf.tensor1d(featureMask));
  const [kernel] = target.getWeights();
  const config = target.getConfig();
  if (target.getClassName() === 'Dense') {
    return Float32Array.from(tf.matMul(tf.reshape(value, [1, -1]), kernel).dataSync());
  }
  const response = tf.conv2d(
    value as tf.Tensor4D,
    kernel as tf.Tensor4D,
    config.strides as [number, number],
    config.padding as 'valid' | 'same',
    'NHWC',
    config.dilationRate as [number, number],
  );
  const outputUnits = response.shape[3];
  const perPosition = tf.reshape(response, [-1, outputUnits]);
  const spread = tf.sub(tf.max(perPosition, 0), tf.min(perPosition, 0)).dataSync();
  const scale = tf.max(tf.abs(perPosition)).dataSync()[0];
  if (spread.some((range) => range > CONSTANT_TOLERANCE * Math.max(1, scale))) {
    throw new UsageError(
      `mean replacement cannot fold layer '${layerName}' into '${target.name}': its padding '${String(config.padding)}' makes a constant input channel reach border outputs differently; use zero masking or a 'valid' convolution`,
    );
  }
  return Float32Array.from(tf.slice(perPosition, [0, 0], [1, outputUnits]).dataSync());
}
