import type * as tf from '@tensorflow/tfjs';
import { UsageError } from '../errors';
import { checkSupportedLayers } from './supported-layers';

/** The tfjs-layers Layer type (not exported under a short name by tfjs). */
export type Layer = tf.layers.Layer;

/** Layers whose output keeps one value per neuron of the layer before them, channel for channel. */
const PER_NEURON_LAYERS = new Set([
  'BatchNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'PReLU',
  'ThresholdedReLU',
]);

/** Layers that move or pool values but keep channels apart, so channel c still comes from neuron c. */
const CHANNEL_PRESERVING_LAYERS = new Set([
  ...PER_NEURON_LAYERS,
  'Dropout',
  'SpatialDropout2D',
  'GaussianNoise',
  'Flatten',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
]);

/** Layers whose outputs are neurons (SPEC §1). */
const NEURON_LAYER_CLASSES = new Set(['Dense', 'Conv2D']);

export function isNeuronLayerClass(layer: Layer): boolean {
  return NEURON_LAYER_CLASSES.has(layer.getClassName());
}

export function isPerNeuronLayer(layer: Layer): boolean {
  return PER_NEURON_LAYERS.has(layer.getClassName());
}

interface InboundNode {
  inboundLayers: Layer[];
}

/** The layers a layer reads from (its first call only; shared layers are not supported). */
export function inboundLayers(layer: Layer): Layer[] {
  const nodes = (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
  return nodes.length > 0 ? nodes[0].inboundLayers : [];
}

/** Maps each layer name to the layers of `model` that read its output. */
export function consumersByLayer(model: tf.LayersModel): Map<string, Layer[]> {
  const consumers = new Map<string, Layer[]>();
  for (const layer of model.layers) consumers.set(layer.name, []);
  for (const layer of model.layers) {
    for (const source of inboundLayers(layer)) consumers.get(source.name)?.push(layer);
  }
  return consumers;
}

/**
 * Rejects models this toolkit cannot walk: several outputs, nested models, shared layers, and
 * layer classes outside the supported set (see supported-layers.ts).
 */
export function checkSupportedModel(model: tf.LayersModel): void {
  if (model.outputs.length !== 1) {
    throw new UsageError(
      `model '${model.name}' has ${model.outputs.length} outputs; expected one (the logits)`,
    );
  }
  if (model.inputs.length !== 1) {
    throw new UsageError(`model '${model.name}' has ${model.inputs.length} inputs; expected one`);
  }
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'Sequential' || className === 'Model' || className === 'Functional') {
      throw new UsageError(
        `model '${model.name}' nests the model '${layer.name}'; flatten it into one model first`,
      );
    }
    const nodes = (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
    if (nodes.length > 1) {
      throw new UsageError(
        `layer '${layer.name}' is called ${nodes.length} times; shared layers are not supported`,
      );
    }
  }
  checkSupportedLayers(model);
}

/**
 * The last layer of the per-neuron chain that starts at a neuron layer (its batch-norm and
 * activation layers): the output of that layer is the neuron's post-activation output.
 */
export function neuronOutputLayer(layer: Layer, consumers: Map<string, Layer[]>): Layer {
  let current = layer;
  for (;;) {
    const next = consumers.get(current.name) ?? [];
    if (next.length !== 1 || !isPerNeuronLayer(next[0]) || inboundLayers(next[0]).length !== 1) {
      return current;
    }
    current = next[0];
  }
}

/**
 * The neuron layer whose neurons feed `layer`'s input channel for channel (through batch-norm,
 * activations, pooling, dropout and flatten), or undefined when the input is the model input or
 * mixes several layers (e.g. a residual Add).
 */
export function producerNeuronLayer(layer: Layer): Layer | undefined {
  let sources = inboundLayers(layer);
  while (sources.length === 1) {
    const source = sources[0];
    if (isNeuronLayerClass(source)) return source;
    if (!CHANNEL_PRESERVING_LAYERS.has(source.getClassName())) return undefined;
    sources = inboundLayers(source);
  }
  return undefined;
}
