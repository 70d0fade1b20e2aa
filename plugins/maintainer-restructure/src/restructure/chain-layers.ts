import type * as tf from '@tensorflow/tfjs';
import { type Layer, UsageError } from '@neusemslice/core';

/** The layers a layer reads from (its first call; core rejects shared layers). */
function inboundLayers(layer: Layer): Layer[] {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes;
  return nodes.length > 0 ? nodes[0].inboundLayers : [];
}

/** Layer name → the layers that read its output. */
function consumersByLayer(model: tf.LayersModel): Map<string, Layer[]> {
  const consumers = new Map<string, Layer[]>(model.layers.map((layer) => [layer.name, []]));
  for (const layer of model.layers) {
    for (const source of inboundLayers(layer)) consumers.get(source.name)?.push(layer);
  }
  return consumers;
}

/** How a layer of the chain changes the last (channel) axis of the tensor it receives. */
export type ChainLayerRole =
  /** Dense / Conv2D: reads kept input channels, produces its own units (some may be dropped). */
  | 'neuron'
  /** BatchNormalization: one weight entry per channel, cut to the kept channels. */
  | 'per-channel-weights'
  /** No weights, channel c in → channel c out (activations, pooling, dropout, padding). */
  | 'channel-preserving'
  /** Flatten: channel c at position p becomes feature p · channels + c. */
  | 'flatten'
  /** Mixes channels without weights (softmax): allowed only where no channel was dropped. */
  | 'channel-mixing';

/** The layer classes physical restructuring can rebuild, and what each does to channels. */
export const SUPPORTED_LAYER_ROLES: Readonly<Record<string, ChainLayerRole>> = {
  Dense: 'neuron',
  Conv2D: 'neuron',
  BatchNormalization: 'per-channel-weights',
  Activation: 'channel-preserving',
  ReLU: 'channel-preserving',
  LeakyReLU: 'channel-preserving',
  ELU: 'channel-preserving',
  ThresholdedReLU: 'channel-preserving',
  Dropout: 'channel-preserving',
  SpatialDropout2D: 'channel-preserving',
  GaussianNoise: 'channel-preserving',
  MaxPooling2D: 'channel-preserving',
  AveragePooling2D: 'channel-preserving',
  GlobalAveragePooling2D: 'channel-preserving',
  GlobalMaxPooling2D: 'channel-preserving',
  ZeroPadding2D: 'channel-preserving',
  Flatten: 'flatten',
  Softmax: 'channel-mixing',
};

const CHAIN_ONLY =
  'physical restructuring supports chain models only (each layer reads the one before it); masking still works';

/**
 * The layers of a model as one chain, input side first (the InputLayer left out), or a
 * UsageError naming the first layer that merges, branches or is of an unsupported class.
 */
export function chainLayers(model: tf.LayersModel): Layer[] {
  // Merges first: they name the layer a user recognises (Add, Concatenate), not the fork before it.
  for (const layer of model.layers) {
    const sources = inboundLayers(layer);
    if (layer.getClassName() !== 'InputLayer' && sources.length !== 1) {
      throw new UsageError(
        `layer '${layer.name}' (${layer.getClassName()}) reads ${sources.length} inputs; ${CHAIN_ONLY}`,
      );
    }
  }
  const consumers = consumersByLayer(model);
  const chain: Layer[] = [];
  let previous: Layer | undefined;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') {
      previous = layer;
      continue;
    }
    const sources = inboundLayers(layer);
    if (previous !== undefined && sources[0] !== previous) {
      throw new UsageError(
        `layer '${layer.name}' (${className}) reads '${sources[0].name}', not the layer before it; ${CHAIN_ONLY}`,
      );
    }
    if ((consumers.get(sources[0].name) ?? []).length > 1) {
      throw new UsageError(
        `layer '${sources[0].name}' feeds ${(consumers.get(sources[0].name) ?? []).length} layers; ${CHAIN_ONLY}`,
      );
    }
    if (SUPPORTED_LAYER_ROLES[className] === undefined) {
      throw new UsageError(
        `layer '${layer.name}' is a ${className}, which physical restructuring does not support ` +
          `(supported: ${Object.keys(SUPPORTED_LAYER_ROLES).join(', ')}); masking still works`,
      );
    }
    chain.push(layer);
    previous = layer;
  }
  const outputLayer = model.outputs[0].sourceLayer as Layer;
  if (chain.length === 0 || chain[chain.length - 1] !== outputLayer) {
    throw new UsageError(
      `the output layer '${outputLayer.name}' is not the end of the layer chain; ${CHAIN_ONLY}`,
    );
  }
  return chain;
}
