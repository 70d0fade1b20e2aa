import {
  checkMetricInput,
  forEachBatch,
  type LabeledDataset,
  type Metric,
  type MetricOptions,
  type NeuronModel,
  type ScoresPerLayer,
} from '@neusemslice/core';
import { gateGradients } from './gate-gradients';

/**
 * `taylor` (paper §2.3): first-order Taylor importance in the gate form of Molchanov et al. 2019
 * (NVlabs/Taylor_pruning, pruning_engine.py, method 22): per minibatch the importance of neuron n
 * is (∂L/∂g_n)² = (Σ over the batch and space of a_n · ∂L/∂a_n)², L the mean cross-entropy on
 * the true labels, and the score is its mean over the minibatches of one pass (every batch
 * weighs the same, the last, possibly smaller one included). Because the square is taken per
 * minibatch, scores depend on the batch size, as in the reference implementation.
 * `options.category` is not needed: L always uses each sample's own label. Supports
 * `options.onNeuronOutputs`: each batch's forward outputs (unmasked) are handed over once.
 */
export class TaylorMetric implements Metric {
  readonly name = 'taylor';
  readonly description =
    'first-order Taylor importance of a gate on each neuron (Molchanov et al. 2019)';

  async score(
    model: NeuronModel,
    data: LabeledDataset,
    options: MetricOptions,
  ): Promise<ScoresPerLayer> {
    checkMetricInput(this.name, model, data, options);
    const sumsOfSquares = new Map(
      model.neuronLayers.map((layer) => [layer.name, new Float64Array(layer.units)]),
    );
    let minibatches = 0;
    await forEachBatch(
      data,
      options.batchSize,
      ({ x, labels }) => {
        const batchGateGradients = gateGradients(model, x, labels, options.onNeuronOutputs);
        for (const [layerName, layerSums] of sumsOfSquares) {
          const gradient = batchGateGradients[layerName];
          for (let neuron = 0; neuron < layerSums.length; neuron++)
            layerSums[neuron] += gradient[neuron] * gradient[neuron];
        }
        minibatches++;
      },
      { task: 'score taylor', onProgress: options.onProgress },
    );
    return Object.fromEntries(
      [...sumsOfSquares].map(([layerName, layerSums]) => [
        layerName,
        layerSums.map((sum) => sum / minibatches),
      ]),
    );
  }
}
