import * as tf from '@tensorflow/tfjs';
import {
  checkInteger,
  forEachBatch,
  type LabeledDataset,
  type Metric,
  type MetricOptions,
  type NeuronModel,
  type ScoresPerLayer,
  UsageError,
} from '@neusemslice/core';
import { layerAttributions, type MultiplierRule } from './layer-attributions';
import { ZeroReference } from './zero-reference';

/**
 * Mean over `data` of each neuron's per-sample attribution (sign kept), streamed in batches with
 * O(neurons) memory: the target is `options.category` when given, else each sample's label.
 */
export async function meanAttributions(
  model: NeuronModel,
  data: LabeledDataset,
  options: MetricOptions,
  rule: MultiplierRule,
  task: string,
): Promise<ScoresPerLayer> {
  checkInteger('batchSize', options.batchSize);
  if (options.category !== undefined) model.checkClass(options.category, 'category');
  if (data.size === 0)
    throw new UsageError(`data set '${data.name}' is empty; a metric needs at least one sample`);
  const sums: ScoresPerLayer = {};
  for (const layer of model.neuronLayers) sums[layer.name] = new Float64Array(layer.units);
  const reference = ZeroReference.record(model);
  try {
    await forEachBatch(
      data,
      options.batchSize,
      async ({ x, labels }) => {
        const targets =
          options.category === undefined
            ? labels
            : new Int32Array(labels.length).fill(options.category);
        const batchSums = tf.tidy(() => {
          const perSample = layerAttributions(model, x, targets, reference, rule);
          return model.neuronLayers.map((layer) => tf.sum(perSample[layer.name], 0));
        });
        try {
          const values = await Promise.all(batchSums.map((sum) => sum.data()));
          model.neuronLayers.forEach((layer, index) => {
            const layerSums = sums[layer.name];
            values[index].forEach((value, unit) => {
              layerSums[unit] += value;
            });
          });
        } finally {
          tf.dispose(batchSums);
        }
      },
      { task, onProgress: options.onProgress },
    );
  } finally {
    reference.dispose();
  }
  for (const layerSums of Object.values(sums)) {
    for (let unit = 0; unit < layerSums.length; unit++) layerSums[unit] /= data.size;
  }
  return sums;
}

/**
 * DeepLIFT (Shrikumar et al. 2017) layer attribution as Captum's LayerDeepLift computes it:
 * zero baseline, Rescale rule at every elementwise nonlinearity above the layer, target = the
 * category's logit; conv channels summed over space; averaged over the data set, sign kept.
 */
export class DeepLiftMetric implements Metric {
  readonly name = 'deeplift';
  readonly description =
    'DeepLIFT (Rescale rule, zero baseline) attribution of each neuron to the category logit, as Captum LayerDeepLift; mean over the data';

  score(model: NeuronModel, data: LabeledDataset, options: MetricOptions): Promise<ScoresPerLayer> {
    return meanAttributions(model, data, options, 'rescale', `score ${this.name}`);
  }
}

/**
 * Gradient × Δactivation: (a_n(x) − a_n(0)) times the plain gradient of the category logit.
 * A cheaper first-order cousin of DeepLIFT, not DeepLIFT: it equals DeepLIFT only when nothing
 * nonlinear lies above the layer, and it does not sum to the change of the logit.
 */
export class GradientTimesDeltaMetric implements Metric {
  readonly name = 'gradient-x-delta';
  readonly description =
    'Gradient × Δactivation against the zero input (plain gradient, NOT DeepLIFT) of each neuron for the category logit; mean over the data';

  score(model: NeuronModel, data: LabeledDataset, options: MetricOptions): Promise<ScoresPerLayer> {
    return meanAttributions(model, data, options, 'gradient', `score ${this.name}`);
  }
}
