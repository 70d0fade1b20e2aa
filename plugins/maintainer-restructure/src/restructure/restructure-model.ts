import * as tf from '@tensorflow/tfjs';
import {
  assertSliceMatchesModel,
  type Layer,
  type NeuronModel,
  type Slice,
  UsageError,
} from '@neusemslice/core';
import { chainLayers, SUPPORTED_LAYER_ROLES } from './chain-layers';
import { meanFoldBiases, type NeuronMeanOutputs } from './mean-fold';

/** Kept neuron indices per neuron layer; a layer left out keeps all its neurons. */
export type KeptNeurons = Record<string, readonly number[]>;

/**
 * Checks kept indices against the model: known neuron layers, integers in range, no repeats, at
 * least one neuron per layer. Returns them sorted, by layer name.
 */
export function checkKeptNeurons(
  neuronModel: NeuronModel,
  keptIndicesPerLayer: KeptNeurons,
): Map<string, number[]> {
  const checked = new Map<string, number[]>();
  for (const [layerName, indices] of Object.entries(keptIndicesPerLayer)) {
    const layer = neuronModel.layer(layerName);
    if (!Array.isArray(indices)) {
      throw new UsageError(`kept neurons of layer '${layerName}' must be an array of indices`);
    }
    const sorted = [...indices].sort((a, b) => a - b);
    sorted.forEach((index, position) => {
      if (!Number.isInteger(index) || index < 0 || index >= layer.units) {
        throw new UsageError(
          `kept neuron ${index} of layer '${layerName}' is out of range 0 … ${layer.units - 1}`,
        );
      }
      if (position > 0 && sorted[position - 1] === index) {
        throw new UsageError(`kept neuron ${index} of layer '${layerName}' is listed twice`);
      }
    });
    if (sorted.length === 0) {
      throw new UsageError(
        `layer '${layerName}' keeps no neuron; a restructured model needs at least one per layer`,
      );
    }
    // A layer that keeps every neuron needs no cut.
    if (sorted.length < layer.units) checked.set(layerName, sorted);
  }
  return checked;
}

/** The neurons each layer removes, by layer (the complement of the checked kept indices). */
function droppedNeurons(
  neuronModel: NeuronModel,
  kept: ReadonlyMap<string, number[]>,
): Map<string, number[]> {
  const dropped = new Map<string, number[]>();
  for (const [layerName, keptUnits] of kept) {
    const keep = new Set(keptUnits);
    const units = neuronModel.layer(layerName).units;
    dropped.set(
      layerName,
      Array.from({ length: units }, (_, index) => index).filter((index) => !keep.has(index)),
    );
  }
  return dropped;
}

/**
 * A copy of a weight with data of its own, written in its final shape. The new model must share
 * no data with the original (tf.clone would share it by reference count), and the wasm backend's
 * gather returns a reshaped rank-4 buffer that its fused matmul then refuses as a bias.
 */
function copyOf(tensor: tf.Tensor): tf.Tensor {
  return tf.tensor(tensor.dataSync(), tensor.shape, tensor.dtype);
}

/** Gathers `indices` along `axis`, or returns the tensor itself when nothing is cut. */
function gatherIf(tensor: tf.Tensor, indices: number[] | undefined, axis: number): tf.Tensor {
  return indices === undefined ? tensor : tf.gather(tensor, indices, axis);
}

/** The features a Flatten layer's output keeps when its input keeps `keptChannels`. */
function flattenedFeatures(inputShape: (number | null)[], keptChannels: number[]): number[] {
  const channels = inputShape[inputShape.length - 1] as number;
  const positions = inputShape
    .slice(1, -1)
    .reduce<number>((product, size) => product * (size as number), 1);
  const features: number[] = [];
  for (let position = 0; position < positions; position++) {
    for (const channel of keptChannels) features.push(position * channels + channel);
  }
  return features;
}

/** The shape of the tensor a layer reads, batch axis first (null). */
function layerInputShape(layer: Layer): (number | null)[] {
  return (layer.input as tf.SymbolicTensor).shape;
}

/** A new layer of the same class as `layer` from a (changed) config of it. */
function layerFromConfig(layer: Layer, config: tf.serialization.ConfigDict): Layer {
  const layerClass = layer.constructor as unknown as {
    fromConfig(cls: unknown, config: tf.serialization.ConfigDict): Layer;
  };
  return layerClass.fromConfig(layerClass, config);
}

/** Throws unless a batch-norm layer normalises the last axis (the channels). */
function checkLastAxis(layer: Layer, config: tf.serialization.ConfigDict): void {
  const rank = layerInputShape(layer).length;
  const axes = Array.isArray(config.axis) ? config.axis : [config.axis];
  if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== rank - 1)) {
    throw new UsageError(
      `batch-norm layer '${layer.name}' normalises axis ${JSON.stringify(config.axis)}; restructuring needs the last axis (channels-last)`,
    );
  }
}

/**
 * Builds a NEW tfjs LayersModel that holds only the kept neurons (SPEC §4.1 b): Dense units and
 * Conv2D filters removed, the next neuron layer's input weights cut to match through flatten,
 * pooling, dropout, activations and batch-norm (its channels cut too), every remaining weight
 * copied. The logits layer keeps all its units. `neuronModel.model` is left untouched.
 *
 * With `means`, the result equals mean replacement instead of zero masking: each removed neuron's
 * mean output is folded into the next Dense/Conv2D layer's bias (`meanFoldBiases`).
 *
 * Chain models only (Sequential or functional, each layer reading the one before it); a merge
 * (Add, Concatenate) gives a UsageError naming the layer. The caller disposes the result.
 */
export function restructureModel(
  neuronModel: NeuronModel,
  keptIndicesPerLayer: KeptNeurons,
  options: { means?: NeuronMeanOutputs } = {},
): tf.LayersModel {
  const model = neuronModel.model;
  const kept = checkKeptNeurons(neuronModel, keptIndicesPerLayer);
  const biasIncrements = options.means
    ? meanFoldBiases(neuronModel, droppedNeurons(neuronModel, kept), options.means)
    : new Map<string, Float32Array>();
  const chain = chainLayers(model);
  const modelInput = model.inputs[0];
  const input = tf.input({
    shape: [...neuronModel.inputShape],
    name: (modelInput.sourceLayer as Layer).name,
    dtype: modelInput.dtype,
  });
  const built: Layer[] = [];
  try {
    let x: tf.SymbolicTensor = input;
    // Indices into the original tensor's last axis that the rebuilt tensor holds, in order
    // (undefined: all of them).
    let keptFeatures: number[] | undefined;
    for (const layer of chain) {
      const className = layer.getClassName();
      const config: tf.serialization.ConfigDict = { ...layer.getConfig() };
      // A softmax activation normalises over the channels, so it cannot follow removed ones.
      const role =
        className === 'Activation' && config.activation === 'softmax'
          ? 'channel-mixing'
          : SUPPORTED_LAYER_ROLES[className];
      delete config.batchInputShape;
      delete config.inputShape;
      delete config.batchSize;
      if (config.dataFormat === 'channelsFirst') {
        throw new UsageError(
          `layer '${layer.name}' (${className}) is channelsFirst; restructuring supports channels-last models only`,
        );
      }
      let cutWeights: () => tf.Tensor[] = () => [];
      let outputFeatures = keptFeatures;
      const inputFeatures = keptFeatures;
      if (role === 'neuron') {
        const keptUnits = kept.get(layer.name);
        if (keptUnits) config[className === 'Dense' ? 'units' : 'filters'] = keptUnits.length;
        const increment = biasIncrements.get(layer.name);
        if (increment && layer.getWeights().length < 2) {
          throw new UsageError(
            `layer '${layer.name}' has no bias to fold the removed neurons' means into; use zero masking`,
          );
        }
        // Kernels read inputs on the axis before the last and own units on the last; biases own units.
        cutWeights = () =>
          layer.getWeights().map((original, index) => {
            const weight = index === 1 && increment ? tf.add(original, increment) : original;
            const rank = weight.shape.length;
            const rows = rank >= 2 ? gatherIf(weight, inputFeatures, rank - 2) : weight;
            return gatherIf(rows, keptUnits, rank - 1);
          });
        outputFeatures = keptUnits;
      } else if (role === 'per-channel-weights') {
        checkLastAxis(layer, config);
        cutWeights = () => layer.getWeights().map((weight) => gatherIf(weight, inputFeatures, 0));
      } else if (role === 'flatten') {
        const inputShape = layerInputShape(layer);
        if (inputFeatures !== undefined && inputShape.length > 2) {
          outputFeatures = flattenedFeatures(inputShape, inputFeatures);
        }
      } else if (role === 'channel-mixing' && inputFeatures !== undefined) {
        throw new UsageError(
          `layer '${layer.name}' (${className}) mixes channels and follows removed neurons; restructuring cannot cut it`,
        );
      }
      const rebuilt = layerFromConfig(layer, config);
      built.push(rebuilt);
      x = rebuilt.apply(x) as tf.SymbolicTensor;
      const weights = tf.tidy(() => cutWeights().map(copyOf));
      if (weights.length > 0) {
        rebuilt.setWeights(weights);
        tf.dispose(weights);
      }
      keptFeatures = outputFeatures;
    }
    return tf.model({ inputs: input, outputs: x, name: model.name });
  } catch (error) {
    // Layers built before the failure own initialised weights.
    for (const layer of built) for (const weight of layer.weights) weight.dispose();
    throw error;
  }
}

/**
 * Throws a UsageError unless `slice` was made for this model (same topology and weights unless
 * `allowWeightChange`).
 */
export function checkSliceFitsModel(
  neuronModel: NeuronModel,
  slice: Slice,
  options: { allowWeightChange?: boolean } = {},
): void {
  assertSliceMatchesModel(slice, neuronModel, options);
  const sliceLayers = slice.model.neuronLayers.map((layer) => `${layer.name}:${layer.units}`);
  const modelLayers = neuronModel.neuronLayers.map((layer) => `${layer.name}:${layer.units}`);
  if (sliceLayers.join(',') !== modelLayers.join(',')) {
    throw new UsageError(
      `slice's neuron layers (${sliceLayers.join(', ')}) differ from the model's (${modelLayers.join(', ')})`,
    );
  }
}

/**
 * `restructureModel` for a slice: keeps the slice's critical neurons Ω^l of every layer, after
 * `checkSliceFitsModel`; with `means`, removed neurons' means are folded into the next biases.
 */
export function restructureFromSlice(
  neuronModel: NeuronModel,
  slice: Slice,
  options: { allowWeightChange?: boolean; means?: NeuronMeanOutputs } = {},
): tf.LayersModel {
  checkSliceFitsModel(neuronModel, slice, options);
  return restructureModel(neuronModel, slice.critical, { means: options.means });
}
