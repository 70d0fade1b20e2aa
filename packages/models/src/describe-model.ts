import type * as tf from '@tensorflow/tfjs';

export interface LayerDescription {
  name: string;
  /** tfjs class name, e.g. `Dense`, `Conv2D`, `BatchNormalization`. */
  className: string;
  /** Output shape with `null` for the batch axis (a list of shapes for multi-output layers). */
  outputShape: (number | null)[] | (number | null)[][];
  /** All weights of the layer, batch-norm moving statistics included. */
  parameters: number;
  /** Weights an optimizer updates (batch-norm moving statistics excluded). */
  trainableParameters: number;
}

export interface ModelDescription {
  name: string;
  inputShape: (number | null)[];
  layers: LayerDescription[];
  totalParameters: number;
  trainableParameters: number;
}

function countWeights(weights: readonly { shape: (number | null)[] }[]): number {
  return weights.reduce(
    (sum, weight) => sum + weight.shape.reduce<number>((product, size) => product * (size ?? 1), 1),
    0,
  );
}

/** Per layer: name, class, output shape and parameter counts; and the model's totals. */
export function describeModel(model: tf.LayersModel): ModelDescription {
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    outputShape: layer.outputShape as LayerDescription['outputShape'],
    parameters: layer.countParams(),
    trainableParameters: countWeights(layer.trainableWeights),
  }));
  return {
    name: model.name,
    inputShape: model.inputs[0].shape,
    layers,
    totalParameters: layers.reduce((sum, layer) => sum + layer.parameters, 0),
    trainableParameters: layers.reduce((sum, layer) => sum + layer.trainableParameters, 0),
  };
}
