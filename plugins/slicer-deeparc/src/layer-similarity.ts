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
import type { LayerSimilarity } from './modules';
import { type CkaEstimator, type LayerFeatureKind, PLUGIN } from './options';

/**
 * Largest Σ over consecutive pairs of (features_l + features_{l+1})² the `full` estimator keeps
 * as float64 cross-products (2^25 entries = 256 MiB); `auto` switches to `minibatch` above it.
 */
export const MAX_FULL_CROSS_PRODUCT_ENTRIES = 2 ** 25;

/** Unbiased HSIC needs n ≥ 4 samples in a batch. */
const MIN_MINIBATCH_SAMPLES = 4;

/** Number of features of a layer's output: its units, or H·W·C of a flattened conv map. */
export function layerFeatureWidth(
  model: NeuronModel,
  layer: NeuronLayer,
  features: LayerFeatureKind,
): number {
  if (features === 'spatial-mean' || layer.kind === 'dense') return layer.units;
  const shape = model.model.getLayer(layer.outputLayerName).outputShape as (number | null)[];
  const sizes = shape.slice(1);
  if (!sizes.every((size): size is number => typeof size === 'number')) {
    throw new UsageError(
      `${PLUGIN}: layer '${layer.name}' has no fixed output size ([${shape.join(', ')}]); use features 'spatial-mean'`,
    );
  }
  return sizes.reduce((product, size) => product * size, 1);
}

/** Each neuron layer's post-activation output for a batch, as [B, features]. */
function layerFeatures(
  model: NeuronModel,
  x: tf.Tensor,
  features: LayerFeatureKind,
): Record<string, tf.Tensor2D> {
  if (features === 'spatial-mean') {
    const { outputs, logits } = model.neuronOutputs(x);
    logits.dispose();
    return outputs;
  }
  return tf.tidy(() => {
    const captured: Record<string, tf.Tensor2D> = {};
    model.run(x, {
      onNeuronOutput: (layer, output) => {
        captured[layer.name] = tf.reshape(output, [output.shape[0], -1]);
        return output;
      },
    });
    return captured;
  });
}

/**
 * Linear CKA of A and B from the cross-product C of their joined features [A | B] (width p + q,
 * row-major): ‖ÃᵀB̃‖²_F / (‖ÃᵀÃ‖_F ‖B̃ᵀB̃‖_F), the three blocks of C. 0 when either side is constant.
 */
export function ckaFromJointCrossProduct(
  cross: Float64Array,
  firstWidth: number,
  secondWidth: number,
): number {
  const width = firstWidth + secondWidth;
  if (cross.length !== width * width) {
    throw new Error(`joint cross-product has ${cross.length} entries, expected ${width}²`);
  }
  let firstSelf = 0;
  let secondSelf = 0;
  let between = 0;
  for (let row = 0; row < width; row++) {
    const offset = row * width;
    for (let column = 0; column < width; column++) {
      const squared = cross[offset + column] * cross[offset + column];
      if (row < firstWidth && column < firstWidth) firstSelf += squared;
      else if (row >= firstWidth && column >= firstWidth) secondSelf += squared;
      else if (row < firstWidth) between += squared;
    }
  }
  const denominator = Math.sqrt(firstSelf) * Math.sqrt(secondSelf);
  return denominator > 0 ? between / denominator : 0;
}

/**
 * The Gram matrix of a batch centred for the unbiased HSIC estimator (Song et al. 2012), as
 * DeepArc's MinibatchCKA builds it: ⟨K', L'⟩ / (n(n−3)) is HSIC₁(K, L). Call inside `tf.tidy`.
 */
export function unbiasedCenteredGram(x: tf.Tensor2D): tf.Tensor2D {
  const n = x.shape[0];
  const offDiagonal = tf.sub(1, tf.eye(n));
  const gram = tf.mul(tf.matMul(x, x, false, true), offDiagonal);
  let means = tf.div(tf.sum(gram, 0), n - 2);
  means = tf.sub(means, tf.div(tf.sum(means), 2 * (n - 1)));
  const centered = tf.sub(tf.sub(gram, tf.reshape(means, [n, 1])), tf.reshape(means, [1, n]));
  return tf.mul(centered, offDiagonal) as tf.Tensor2D;
}

interface SimilarityRequest {
  features: LayerFeatureKind;
  batchSize: number;
  onProgress?: ProgressListener;
}

const TASK = 'slice deeparc: layer similarities';

async function fullSimilarities(
  model: NeuronModel,
  data: LabeledDataset,
  widths: number[],
  request: SimilarityRequest,
): Promise<number[]> {
  const layers = model.neuronLayers;
  const accumulators = widths
    .slice(1)
    .map((width, index) => new CrossMomentAccumulator(widths[index] + width));
  await forEachBatch(
    data,
    request.batchSize,
    ({ x }) => {
      const outputs = layerFeatures(model, x, request.features);
      try {
        accumulators.forEach((accumulator, index) => {
          const joined = tf.concat(
            [outputs[layers[index].name], outputs[layers[index + 1].name]],
            1,
          );
          try {
            accumulator.add(joined);
          } finally {
            joined.dispose();
          }
        });
      } finally {
        tf.dispose(Object.values(outputs));
      }
    },
    { task: TASK, onProgress: request.onProgress },
  );
  return accumulators.map((accumulator, index) =>
    ckaFromJointCrossProduct(accumulator.centeredProduct(), widths[index], widths[index + 1]),
  );
}

async function minibatchSimilarities(
  model: NeuronModel,
  data: LabeledDataset,
  request: SimilarityRequest,
): Promise<number[]> {
  const layers = model.neuronLayers;
  const selfSums = new Float64Array(layers.length);
  const crossSums = new Float64Array(layers.length - 1);
  let batchesUsed = 0;
  await forEachBatch(
    data,
    request.batchSize,
    async ({ x }) => {
      const n = x.shape[0];
      if (n < MIN_MINIBATCH_SAMPLES) return; // the unbiased estimator is undefined there
      const outputs = layerFeatures(model, x, request.features);
      let products: tf.Tensor;
      try {
        products = tf.tidy(() => {
          const grams = layers.map((layer) => unbiasedCenteredGram(outputs[layer.name]));
          const selves = grams.map((gram) => tf.sum(tf.square(gram)));
          const crosses = grams.slice(1).map((gram, index) => tf.sum(tf.mul(grams[index], gram)));
          return tf.div(tf.stack([...selves, ...crosses]), n * (n - 3));
        });
      } finally {
        tf.dispose(Object.values(outputs));
      }
      const values = await products.data();
      products.dispose();
      for (let index = 0; index < layers.length; index++) selfSums[index] += values[index];
      for (let index = 0; index < crossSums.length; index++)
        crossSums[index] += values[layers.length + index];
      batchesUsed++;
    },
    { task: TASK, onProgress: request.onProgress },
  );
  if (batchesUsed === 0) {
    throw new UsageError(
      `${PLUGIN}: estimator 'minibatch' needs batches of at least ${MIN_MINIBATCH_SAMPLES} samples; ` +
        `data set '${data.name}' has ${data.size} and batchSize is ${request.batchSize}`,
    );
  }
  return Array.from(crossSums, (cross, index) => {
    const denominator = Math.sqrt(Math.max(0, selfSums[index]) * Math.max(0, selfSums[index + 1]));
    return denominator > 0 ? cross / denominator : 0;
  });
}

/**
 * CKA between each pair of consecutive neuron layers (in the model's order) over `data`, in one
 * streaming pass. Returns the similarities and the estimator that made them.
 */
export async function consecutiveLayerSimilarities(
  model: NeuronModel,
  data: LabeledDataset,
  request: SimilarityRequest & { estimator: CkaEstimator },
): Promise<{ similarities: LayerSimilarity[]; estimator: 'full' | 'minibatch' }> {
  const layers = model.neuronLayers;
  const widths = layers.map((layer) => layerFeatureWidth(model, layer, request.features));
  const fullEntries = widths
    .slice(1)
    .reduce((sum, width, index) => sum + (widths[index] + width) ** 2, 0);
  let estimator: 'full' | 'minibatch';
  if (request.estimator === 'auto') {
    estimator = fullEntries <= MAX_FULL_CROSS_PRODUCT_ENTRIES ? 'full' : 'minibatch';
  } else if (request.estimator === 'full' && fullEntries > MAX_FULL_CROSS_PRODUCT_ENTRIES) {
    throw new UsageError(
      `${PLUGIN}: estimator 'full' would keep ${fullEntries} cross-product entries for this model's ` +
        `${request.features} features (limit ${MAX_FULL_CROSS_PRODUCT_ENTRIES}); use estimator 'minibatch' or features 'spatial-mean'`,
    );
  } else {
    estimator = request.estimator;
  }
  if (layers.length < 2) return { similarities: [], estimator };
  const values =
    estimator === 'full'
      ? await fullSimilarities(model, data, widths, request)
      : await minibatchSimilarities(model, data, request);
  return {
    similarities: values.map((cka, index) => ({
      from: layers[index].name,
      to: layers[index + 1].name,
      cka,
    })),
    estimator,
  };
}
