import * as tf from '@tensorflow/tfjs';
import {
  CrossMomentAccumulator,
  forEachBatch,
  type LabeledDataset,
  type NeuronLayer,
  type NeuronModel,
  type ProgressListener,
  UsageError,
} from '@neusemslice/core';
import type { NeuronFeatureKind } from './options';
import { flattenedGramProducts, gramProductsOfCrossProduct } from './similarity-scan';

/**
 * Upper bound on Σ over layers of (features per layer)² for flattened conv maps: the float64
 * cross-products of one category's pass (2^25 entries = 256 MiB).
 */
export const MAX_FLATTENED_CROSS_PRODUCT_ENTRIES = 2 ** 25;

/** Number of values per neuron: 1, or H·W for a conv map when features are flattened. */
export function featurePositions(
  model: NeuronModel,
  layer: NeuronLayer,
  features: NeuronFeatureKind,
): number {
  if (features !== 'flattened' || layer.kind === 'dense') return 1;
  const shape = model.model.getLayer(layer.outputLayerName).outputShape as (number | null)[];
  const [height, width] = shape.slice(1, 3);
  if (typeof height !== 'number' || typeof width !== 'number') {
    throw new UsageError(
      `slicer-semantic: conv layer '${layer.name}' has no fixed spatial size (output shape [${shape.join(', ')}]); use features 'spatial-mean'`,
    );
  }
  return height * width;
}

/** Throws before any work when flattened maps would need too large cross-products. */
function checkFlattenedSize(model: NeuronModel, positions: Map<string, number>): void {
  let entries = 0;
  let largest = { name: '', features: 0 };
  for (const layer of model.neuronLayers) {
    const features = layer.units * (positions.get(layer.name) ?? 1);
    entries += features * features;
    if (features > largest.features) largest = { name: layer.name, features };
  }
  if (entries > MAX_FLATTENED_CROSS_PRODUCT_ENTRIES) {
    throw new UsageError(
      `slicer-semantic: features 'flattened' needs feature cross-products of ${entries} entries in all ` +
        `(layer '${largest.name}' alone has ${largest.features} map features), more than the limit of ` +
        `${MAX_FLATTENED_CROSS_PRODUCT_ENTRIES}; use features 'spatial-mean' for this model`,
    );
  }
}

/** Each neuron layer's output for one batch as [B, units·positions], neuron-major. */
function flattenedOutputs(model: NeuronModel, x: tf.Tensor): Record<string, tf.Tensor2D> {
  return tf.tidy(() => {
    const captured: Record<string, tf.Tensor2D> = {};
    model.run(x, {
      onNeuronOutput: (layer, output) => {
        if (output.rank === 4) {
          const [batch, height, width, channels] = output.shape;
          // Channels first, so neuron j's map is the contiguous block j·H·W … (j+1)·H·W − 1.
          captured[layer.name] = tf.reshape(tf.transpose(output, [0, 3, 1, 2]), [
            batch,
            channels * height * width,
          ]);
        } else {
          captured[layer.name] = output as tf.Tensor2D;
        }
        return output;
      },
    });
    return captured;
  });
}

function spatialMeanOutputs(model: NeuronModel, x: tf.Tensor): Record<string, tf.Tensor2D> {
  const { outputs, logits } = model.neuronOutputs(x);
  logits.dispose();
  return outputs;
}

/** Each neuron layer's output for one batch as [B, units]: a conv channel's mean squared value. */
function energyOutputs(model: NeuronModel, x: tf.Tensor): Record<string, tf.Tensor2D> {
  return tf.tidy(() => {
    const captured: Record<string, tf.Tensor2D> = {};
    model.run(x, {
      onNeuronOutput: (layer, output) => {
        captured[layer.name] = (
          output.rank === 4 ? tf.mean(tf.square(output), [1, 2]) : output
        ) as tf.Tensor2D;
        return output;
      },
    });
    return captured;
  });
}

const BATCH_FEATURES: Record<
  NeuronFeatureKind,
  (model: NeuronModel, x: tf.Tensor) => Record<string, tf.Tensor2D>
> = {
  'spatial-mean': spatialMeanOutputs,
  flattened: flattenedOutputs,
  energy: energyOutputs,
};

/**
 * One streaming pass over `data` that feeds every neuron layer's features into its own
 * cross-moment accumulator, then returns each layer's Gram products P (units × units, row-major)
 * for `similarityCurve`: P_jk = ⟨G̃_j, G̃_k⟩ with G̃ centred over `data`'s samples (or raw when
 * `centered` is false). Memory: one batch plus Σ_l (units_l · positions_l)² float64 entries.
 */
export async function neuronGramProducts(
  model: NeuronModel,
  data: LabeledDataset,
  options: {
    features: NeuronFeatureKind;
    centered: boolean;
    batchSize: number;
    task: string;
    onProgress?: ProgressListener;
  },
): Promise<Map<string, Float64Array>> {
  const positions = new Map(
    model.neuronLayers.map((layer) => [
      layer.name,
      featurePositions(model, layer, options.features),
    ]),
  );
  if (options.features === 'flattened') checkFlattenedSize(model, positions);
  const accumulators = new Map(
    model.neuronLayers.map((layer) => [
      layer.name,
      new CrossMomentAccumulator(layer.units * (positions.get(layer.name) ?? 1)),
    ]),
  );
  await forEachBatch(
    data,
    options.batchSize,
    ({ x }) => {
      const outputs = BATCH_FEATURES[options.features](model, x);
      try {
        for (const [layerName, accumulator] of accumulators) accumulator.add(outputs[layerName]);
      } finally {
        tf.dispose(Object.values(outputs));
      }
    },
    { task: options.task, onProgress: options.onProgress },
  );
  const products = new Map<string, Float64Array>();
  for (const layer of model.neuronLayers) {
    const accumulator = accumulators.get(layer.name) as CrossMomentAccumulator;
    const crossProduct = options.centered
      ? accumulator.centeredProduct()
      : accumulator.uncenteredProduct();
    const layerPositions = positions.get(layer.name) ?? 1;
    products.set(
      layer.name,
      layerPositions === 1
        ? gramProductsOfCrossProduct(crossProduct, layer.units)
        : flattenedGramProducts(crossProduct, layer.units, layerPositions),
    );
  }
  return products;
}
