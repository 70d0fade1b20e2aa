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

/** A neuron layer's raw output for one batch → its features, [B, units·positions], neuron-major. */
type FeaturesOfOutput = (output: tf.Tensor) => tf.Tensor2D;

const FEATURES_OF_OUTPUT: Record<NeuronFeatureKind, FeaturesOfOutput> = {
  // A conv channel's mean over space, as `NeuronModel.neuronOutputs` gives it.
  'spatial-mean': (output) => (output.rank === 4 ? tf.mean(output, [1, 2]) : output) as tf.Tensor2D,
  flattened: (output) => {
    if (output.rank !== 4) return output as tf.Tensor2D;
    const [batch, height, width, channels] = output.shape;
    // Channels first, so neuron j's map is the contiguous block j·H·W … (j+1)·H·W − 1.
    return tf.reshape(tf.transpose(output, [0, 3, 1, 2]), [batch, channels * height * width]);
  },
  // A conv channel's mean squared value.
  energy: (output) =>
    (output.rank === 4 ? tf.mean(tf.square(output), [1, 2]) : output) as tf.Tensor2D,
};

/**
 * Every neuron layer's cross-moment accumulator for one data set, fed batch by batch with the
 * layers' raw outputs, either from the slicer's own forward pass (`neuronGramProducts`) or from
 * the metric's (`add` is a `NeuronOutputsListener`, so the metric's pass feeds it directly).
 * Memory: Σ_l (units_l · positions_l)² float64 entries.
 */
export class NeuronGramAccumulator {
  private readonly positions: Map<string, number>;
  private readonly accumulators: Map<string, CrossMomentAccumulator>;
  private readonly featuresOf: FeaturesOfOutput;
  private sampleCount = 0;
  private rejected?: string;

  /** Throws a UsageError before any work when flattened maps would need too large products. */
  constructor(
    private readonly model: NeuronModel,
    private readonly options: { features: NeuronFeatureKind; centered: boolean },
  ) {
    this.positions = new Map(
      model.neuronLayers.map((layer) => [
        layer.name,
        featurePositions(model, layer, options.features),
      ]),
    );
    if (options.features === 'flattened') checkFlattenedSize(model, this.positions);
    this.accumulators = new Map(
      model.neuronLayers.map((layer) => [
        layer.name,
        new CrossMomentAccumulator(layer.units * (this.positions.get(layer.name) ?? 1)),
      ]),
    );
    this.featuresOf = FEATURES_OF_OUTPUT[options.features];
  }

  /** Samples added so far. */
  get samples(): number {
    return this.sampleCount;
  }

  /**
   * Why a batch handed over was refused (a layer missing, or an output of the wrong shape), or
   * undefined. Once one is refused, later batches are ignored: the caller must make its own pass.
   */
  get refusal(): string | undefined {
    return this.rejected;
  }

  /** Whether exactly `expectedSamples` samples arrived and none was refused. */
  covers(expectedSamples: number): boolean {
    return this.rejected === undefined && this.sampleCount === expectedSamples;
  }

  /**
   * Adds one batch of raw neuron-layer outputs (layer name → [B, units] or [B, H, W, units]).
   * Does not dispose them. An arrow property, so it can be handed to a metric as its listener.
   */
  readonly add = (outputs: Record<string, tf.Tensor>, batch: { size: number }): void => {
    if (this.rejected !== undefined) return;
    this.rejected = this.problemWith(outputs, batch.size);
    if (this.rejected !== undefined) return;
    for (const [layerName, accumulator] of this.accumulators) {
      const features = tf.tidy(() => this.featuresOf(outputs[layerName]));
      try {
        accumulator.add(features);
      } finally {
        // Dense outputs pass through unchanged: they belong to the caller.
        if (features !== outputs[layerName]) features.dispose();
      }
    }
    this.sampleCount += batch.size;
  };

  private problemWith(outputs: Record<string, tf.Tensor>, batchSize: number): string | undefined {
    for (const layer of this.model.neuronLayers) {
      const output = outputs[layer.name] as tf.Tensor | undefined;
      if (!output) return `no output for layer '${layer.name}'`;
      const shape = this.model.model.getLayer(layer.outputLayerName).outputShape as (
        number | null
      )[];
      const expected = [batchSize, ...shape.slice(1)];
      const matches =
        output.shape.length === expected.length &&
        output.shape.every((size, axis) => expected[axis] === null || size === expected[axis]);
      if (!matches) {
        return `layer '${layer.name}' output has shape [${output.shape.join(', ')}], expected [${expected.join(', ')}]`;
      }
    }
    return undefined;
  }

  /** Frees the tensors of sums not read yet, for an accumulator given up before `products`. */
  dispose(): void {
    for (const accumulator of this.accumulators.values()) accumulator.dispose();
  }

  /**
   * Each layer's Gram products P (units × units, row-major) for `similarityCurve`:
   * P_jk = ⟨G̃_j, G̃_k⟩ with G̃ centred over the samples added (or raw when `centered` is false).
   */
  products(): Map<string, Float64Array> {
    const products = new Map<string, Float64Array>();
    for (const layer of this.model.neuronLayers) {
      const accumulator = this.accumulators.get(layer.name) as CrossMomentAccumulator;
      const crossProduct = this.options.centered
        ? accumulator.centeredProduct()
        : accumulator.uncenteredProduct();
      const layerPositions = this.positions.get(layer.name) ?? 1;
      products.set(
        layer.name,
        layerPositions === 1
          ? gramProductsOfCrossProduct(crossProduct, layer.units)
          : flattenedGramProducts(crossProduct, layer.units, layerPositions),
      );
    }
    return products;
  }
}

/**
 * One streaming pass over `data` of the slicer's own, feeding every neuron layer's features into
 * a `NeuronGramAccumulator`, then its Gram products (see `NeuronGramAccumulator.products`). Used
 * when the metric's pass did not hand its outputs over. Memory: one batch plus the accumulators.
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
  const accumulator = new NeuronGramAccumulator(model, options);
  try {
    await forEachBatch(
      data,
      options.batchSize,
      ({ x, labels }) => {
        tf.tidy(() => {
          const outputs: Record<string, tf.Tensor> = {};
          model.run(x, {
            onNeuronOutput: (layer, output) => {
              outputs[layer.name] = output;
              return output;
            },
          });
          accumulator.add(outputs, { size: labels.length });
        });
      },
      { task: options.task, onProgress: options.onProgress },
    );
    if (accumulator.refusal !== undefined) {
      throw new Error(`slicer-semantic: neuron outputs refused: ${accumulator.refusal}`);
    }
    return accumulator.products();
  } finally {
    accumulator.dispose();
  }
}
