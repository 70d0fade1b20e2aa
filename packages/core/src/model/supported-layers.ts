import type * as tf from '@tensorflow/tfjs';
import { UsageError } from '../errors';

/**
 * How the neuron view treats a layer class: its outputs are `neurons` (SPEC §1), or it is
 * `passed-through` (run as it is; neurons are read at the neuron layers' own outputs).
 * docs/supported-layers.md is the user-facing table of this set.
 */
export type LayerSupport = 'neurons' | 'passed-through';

/** Every layer class a model may hold to be loaded, sliced and masked. */
export const SUPPORTED_LAYER_CLASSES: Readonly<Record<string, LayerSupport>> = {
  Dense: 'neurons',
  Conv2D: 'neurons',
  InputLayer: 'passed-through',
  Flatten: 'passed-through',
  Reshape: 'passed-through',
  Permute: 'passed-through',
  Dropout: 'passed-through',
  SpatialDropout2D: 'passed-through',
  GaussianNoise: 'passed-through',
  GaussianDropout: 'passed-through',
  AlphaDropout: 'passed-through',
  Activation: 'passed-through',
  ReLU: 'passed-through',
  LeakyReLU: 'passed-through',
  ELU: 'passed-through',
  PReLU: 'passed-through',
  ThresholdedReLU: 'passed-through',
  Softmax: 'passed-through',
  BatchNormalization: 'passed-through',
  MaxPooling2D: 'passed-through',
  AveragePooling2D: 'passed-through',
  GlobalAveragePooling2D: 'passed-through',
  GlobalMaxPooling2D: 'passed-through',
  ZeroPadding2D: 'passed-through',
  Cropping2D: 'passed-through',
  UpSampling2D: 'passed-through',
  Add: 'passed-through',
  Average: 'passed-through',
  Maximum: 'passed-through',
  Minimum: 'passed-through',
  Multiply: 'passed-through',
  Concatenate: 'passed-through',
};

/** Classes refused for a reason more specific than "not in the set". */
const REFUSAL_REASONS: Readonly<Record<string, string>> = {
  LayerNormalization:
    "it normalises each sample across a layer's neurons, so a neuron's output cannot be read or silenced on its own (reading it before the normalisation would be silently wrong)",
};

/**
 * Throws a UsageError for the first layer whose class is outside SUPPORTED_LAYER_CLASSES,
 * naming the layer, its class and the supported set (Conv1D, SeparableConv2D, RNNs, …).
 */
export function checkSupportedLayers(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (SUPPORTED_LAYER_CLASSES[className] !== undefined) continue;
    const reason = REFUSAL_REASONS[className] ?? 'which is not supported';
    const neurons = Object.keys(SUPPORTED_LAYER_CLASSES).filter(
      (name) => SUPPORTED_LAYER_CLASSES[name] === 'neurons',
    );
    const passed = Object.keys(SUPPORTED_LAYER_CLASSES).filter(
      (name) => SUPPORTED_LAYER_CLASSES[name] === 'passed-through',
    );
    throw new UsageError(
      `layer '${layer.name}' of model '${model.name}' is a ${className}, ${REFUSAL_REASONS[className] ? `refused: ${reason}` : reason}; supported: neurons in ${neurons.join(', ')}; passed through: ${passed.join(', ')} (see docs/supported-layers.md)`,
    );
  }
}
