import * as tf from '@tensorflow/tfjs';
import {
  checkMetricInput,
  forEachBatch,
  type LabeledDataset,
  type Metric,
  type MetricOptions,
  type NeuronModel,
  type ScoresPerLayer,
} from '@neusemslice/core';

/**
 * `taylor` (paper §2.3): first-order Taylor importance in the gate form of Molchanov et al. 2019
 * (NVlabs/Taylor_pruning): a gate g_n = 1 multiplies each neuron, ∂L/∂g_n = Σ over the batch and
 * space of a_n · ∂L/∂a_n, and the importance of one minibatch is its square. Scores are the mean
 * over minibatches, L being the mean cross-entropy on the true labels. Because the square is
 * taken per minibatch, scores depend on the batch size (as in the reference implementation).
 */
export class TaylorMetric implements Metric {
  readonly name = 'taylor';
  readonly description = 'first-order Taylor importance of a gate on each neuron (Molchanov et al. 2019)';

  async score(model: NeuronModel, data: LabeledDataset, options: MetricOptions): Promise<ScoresPerLayer> {
    checkMetricInput(this.name, model, data, options);
    const sums = new Map(model.neuronLayers.map((layer) => [layer.name, new Float64Array(layer.units)]));
    let minibatches = 0;
    await forEachBatch(
      data,
      options.batchSize,
      ({ x, labels }) => {
        const { outputs, gradients } = model.neuronGradients(x, { kind: 'cross-entropy', labels });
        try {
          for (const layer of model.neuronLayers) {
            const gateGradient = tf.tidy(() => {
              const product = tf.mul(outputs[layer.name], gradients[layer.name]);
              const axes = product.shape.slice(0, -1).map((_, axis) => axis);
              return tf.sum(product, axes);
            });
            const values = gateGradient.dataSync();
            gateGradient.dispose();
            const layerSums = sums.get(layer.name) as Float64Array;
            for (let neuron = 0; neuron < layer.units; neuron++) layerSums[neuron] += values[neuron] * values[neuron];
          }
        } finally {
          tf.dispose([...Object.values(outputs), ...Object.values(gradients)]);
        }
        minibatches++;
      },
      { task: 'score taylor', onProgress: options.onProgress },
    );
    return Object.fromEntries([...sums].map(([layerName, layerSums]) => [layerName, layerSums.map((sum) => sum / minibatches)]));
  }
}
